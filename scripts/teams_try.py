"""Talk to a local Replyminder as a Teams user would, without Teams (dev mode).

It starts the loopback fake Bot Framework connector of the tests, posts to the bot's
/api/messages what Teams would (the personal app installed, then each text as a
typed message), and prints what the bot sent back. With --stay it keeps the fake
connector up and prints proactive messages (reminder cards) as they arrive:

    REPLYMINDER_TEAMS_DEV_MODE=true REPLYMINDER_PORT=3979 replyminder web &
    python -m scripts.teams_try --bot http://127.0.0.1:3979 --email lan@saomai.vn \\
        --name "Trần Thị Lan" "danh sách" "hoãn #1 2 tiếng nữa" --stay
    # elsewhere, same settings: REPLYMINDER_TEAMS_DEV_MODE=true replyminder remind
"""

from __future__ import annotations

import argparse
import contextlib
import time

import httpx

from tests.teams.activities import Person, installed, typed
from tests.teams.fake_connector import Call, FakeConnector, LoopThread, member, running
from tests.teams.helpers import buttons, card, said


def show(call: Call) -> None:
    where = {"send": "proactive", "reply": "reply", "update": "card updated"}.get(call.kind)
    if where is None:
        print(f"· connector: {call.kind} {call.target}")
        return
    print(f"── {where} ({call.answered or call.target}) ──\n{said(call)}")
    if call.body.get("attachments"):
        print("   buttons: " + ", ".join(buttons(card(call))))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("texts", nargs="*", help="messages to type, in order")
    parser.add_argument("--bot", default="http://127.0.0.1:3000", help="the bot's base URL")
    parser.add_argument("--email", required=True, help="the member record's email")
    parser.add_argument("--name", default="Test User", help="the Teams display name")
    parser.add_argument("--locale", default="vi-VN", help="the Teams client's locale")
    parser.add_argument("--stay", action="store_true", help="print proactive messages until ^C")
    return parser.parse_args()


def converse(args: argparse.Namespace, person: Person, fake: FakeConnector) -> None:
    print(f"fake connector at {fake.service_url}")
    activities = [installed(person, fake.service_url)]
    activities += [typed(person, fake.service_url, text) for text in args.texts]
    shown = 0
    for activity in activities:
        response = httpx.post(f"{args.bot}/api/messages", json=activity, timeout=60)
        said_text = activity.get("text") or "installed the app"
        print(f"\n› {said_text} → HTTP {response.status_code}")
        for call in fake.calls[shown:]:
            show(call)
        shown = len(fake.calls)
    while args.stay:
        time.sleep(0.5)
        for call in fake.calls[shown:]:
            show(call)
        shown = len(fake.calls)


def main() -> None:
    args = arguments()
    person = Person(args.name, args.email, 1, args.locale)
    loop, fake = LoopThread(), FakeConnector()
    fake.members[person.user_id] = member(person.user_id, person.name, person.email, person.aad)
    with running(fake, loop):
        converse(args, person, fake)
    loop.close()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):  # --stay ends with ^C
        main()
