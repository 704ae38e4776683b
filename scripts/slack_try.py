"""Try the Slack app as a new user would, without Slack: the real processes, a fake Slack.

It starts the loopback fake Slack of the tests (the Web API, with the demo's two
employees in its directory), registers them with `replyminder user add` on the demo's
Maildirs, syncs, and starts `replyminder web` in a child process pointed at the fake
(REPLYMINDER_SLACK_API_URL, a made-up bot token and signing secret). Then it does what
Slack would, each request signed: every TEXT as a DM from the user, a reminder pass
(`replyminder remind`) whose DMs it prints with their buttons, and a click on the first
reminder's Done button; after each step, what the bot posted or updated in "Slack".
Everything runs on the demo's Monday, 30 November 2026 (`--now`).

    python -m scripts.slack_try                          # Lan, in Vietnamese: "danh sách"
    python -m scripts.slack_try --user david "list" "snooze #2 2h"
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bot import demo_world
from tests.slack import payloads
from tests.slack.conftest import actions_of, blocks_text, element, environment
from tests.slack.fake_slack import FakeSlack

NOW = "2026-11-30T08:00"
PEOPLE = {  # who: (Slack user id, email, name, Slack locale, Replyminder locale)
    "lan": ("U0LAN00001", *demo_world.LAN[::-1], "vi-VN", "vi"),
    "david": ("U0DAVID001", *demo_world.DAVID[::-1], "en-US", "en"),
}
WAIT = 20.0  # seconds to wait for the web server, or for a post to reach the fake


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("texts", nargs="*", help="DMs to send, in order (default: list)")
    parser.add_argument("--user", choices=sorted(PEOPLE), default="lan", help="who types")
    return parser.parse_args()


def replyminder(env: dict[str, str], *args: str) -> str:
    """One CLI command, as a user types it; its output."""
    command = [sys.executable, "-m", "bot", *args, "--now", NOW]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"replyminder {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


@contextmanager
def web_server(env: dict[str, str]) -> Iterator[str]:
    """`replyminder web` in a child process; its base URL once /healthz answers."""
    port = _free_port()
    command = [sys.executable, "-m", "bot", "web", "--now", NOW]
    child = subprocess.Popen(command, env={**env, "REPLYMINDER_PORT": str(port)})
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, child)
        yield url
    finally:
        child.terminate()
        child.wait(WAIT)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise SystemExit("replyminder web stopped; see its log above")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("replyminder web did not answer /healthz")


def signed_post(url: str, body: str, content_type: str) -> int:
    headers = {"Content-Type": content_type, **payloads.sign(body)}
    return httpx.post(f"{url}/slack/events", content=body, headers=headers, timeout=30).status_code


def wait_for(fake: FakeSlack, seen: int) -> list[Any]:
    """The calls that reached the fake after the first `seen`, once some arrived and the
    bot went quiet (its mail work runs after the ack)."""
    deadline, count = time.monotonic() + WAIT, seen
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = len(fake.calls)
        if now > seen and now == count:
            break
        count = now
    return fake.calls[seen:]


def show(calls: list[Any]) -> None:
    for call in calls:
        if call.method not in ("chat.postMessage", "chat.update", "views.publish"):
            continue
        where = {"chat.postMessage": "DM", "chat.update": "DM updated in place"}
        print(f"── {where.get(call.method, 'Home tab')} ──")
        blocks = _blocks(call.args)
        print(blocks_text(blocks) or call.args.get("text", ""))
        buttons = actions_of(blocks)
        if buttons:
            print("   buttons: " + ", ".join(buttons))


def _blocks(args: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = args.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def main() -> None:
    args = arguments()
    user_id, _, name, _, locale = PEOPLE[args.user]
    texts = args.texts or (["danh sách"] if locale == "vi" else ["list"])
    fake = FakeSlack().start()
    for who in PEOPLE.values():
        fake.person(who[0], who[1], who[2], who[3])
    with tempfile.TemporaryDirectory(prefix="replyminder-slack-try-") as folder:
        root = Path(folder)
        boxes = demo_world.build(root / "mail")
        env = {**os.environ, **environment(f"sqlite:///{root / 'try.db'}", root, fake)}
        env["REPLYMINDER_LOG_LEVEL"] = "WARNING"
        print(f"fake Slack at {fake.url}; database and mailboxes in {root}")
        for _, mail, full, _, language in PEOPLE.values():
            added = ("user", "add", mail, "--name", full, "--locale", language)
            replyminder(env, *added, "--maildir", str(boxes[mail]))
        print(replyminder(env, "sync").strip())
        with web_server(env) as url:
            for text in texts:
                body = json.dumps(payloads.dm(user_id, text))
                status = signed_post(url, body, "application/json")
                print(f"\n› {name} writes “{text}” → HTTP {status}")
                show(wait_for(fake, len(fake.calls)))
            seen = len(fake.calls)
            print("\n› replyminder remind")
            replyminder(env, "remind")
            reminders = [c for c in wait_for(fake, seen) if c.method == "chat.postMessage"]
            mine = [c for c in reminders if c.args.get("channel") == f"D{user_id[1:]}"]
            show(mine)
            if mine:
                _click_done(url, fake, user_id, mine[0])
    fake.stop()


def _click_done(url: str, fake: FakeSlack, user_id: str, reminder: Any) -> None:
    """Click Done on a reminder, as Slack sends the click."""
    message = next(m for m in fake.posted() if m.get("ts") == reminder.answer.get("ts"))
    blocks = _blocks(message)
    block_id, button = element(blocks, "rm_cmd")
    click = payloads.click_on_message(user_id, {**message, "blocks": blocks}, block_id, button)
    seen = len(fake.calls)
    status = signed_post(url, payloads.form(click), "application/x-www-form-urlencoded")
    print(f"\n› clicks “{button['text']['text']}” on the first reminder → HTTP {status}")
    show(wait_for(fake, seen))


if __name__ == "__main__":
    main()
