"""The Slack test world: the demo company, its Slack workspace (a fake) and our server.

Lan (Vietnamese) and David (English) are registered with their demo Maildirs and
synced on Monday 30 Nov 2026 at 08:00; the fake workspace also has Quang, a
colleague without a mailbox in Replyminder, and a stranger. `served` adds our
web server, with REPLYMINDER_CHAT=slack and every Slack setting pointing at the fake.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot import app as composition
from bot import demo_world
from bot.core.clock import FixedClock
from bot.core.mail import Address
from bot.core.ports import Mailbox
from bot.core.reminders import next_digest
from bot.settings import load
from bot.store import threads, users
from bot.store.models import Thread
from tests.slack import payloads
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack
from tests.slack.server import Served

LAN, DAVID = demo_world.LAN[1], demo_world.DAVID[1]
U_LAN, U_DAVID, U_QUANG, U_STRANGER = "U0LAN00001", "U0DAVID001", "U0QUANG001", "U0STRANGER"
MONDAY = demo_world.local(30, 8, 0)
REGISTERED = demo_world.local(30, 7, 55)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    slack = FakeSlack().start()
    slack.person(U_LAN, LAN, "Trần Thị Lan", "vi-VN")
    slack.person(U_DAVID, DAVID, "David Miller")
    slack.person(U_QUANG, f"quang@{demo_world.DOMAIN}", "Đỗ Quang", "vi-VN")
    slack.person(U_STRANGER, "khach@example.org", "Khách")
    yield slack
    slack.stop()


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh migrated SQLite database, for tests about Slack rather than the engine."""
    path = tmp_path / "replyminder.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def environment(database_url: str, root: Path, fake: FakeSlack, **more: str) -> dict[str, str]:
    values = {
        "DATABASE_URL": database_url,
        "INTERNAL_DOMAINS": demo_world.DOMAIN,
        "ROUTING_FILE": str(root / "mail" / "routing.yaml"),
        "CHAT": "slack",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": payloads.SECRET,
        "SLACK_API_URL": fake.url,
        **more,
    }
    return {f"REPLYMINDER_{name}": value for name, value in values.items()}


@dataclass
class World:
    app: composition.App
    clock: FixedClock
    fake: FakeSlack
    boxes: dict[str, Path]
    server: Served | None = None

    # ── our server ─────────────────────────────────────────────────────────
    def serve(self) -> World:
        self.server = Served(self.app).start()
        return self

    def settle(self) -> None:
        """Stop serving once every piece of work already started has finished."""
        if self.server is not None:
            self.server.close()
            self.server = None

    def send(self, body: str, content_type: str, age: int = 0, **headers: str) -> httpx.Response:
        assert self.server is not None
        signed = {"Content-Type": content_type, **payloads.sign(body, age=age), **headers}
        return self.server.post("/slack/events", body, signed)

    def event(self, payload: dict[str, Any], **headers: str) -> httpx.Response:
        return self.send(json.dumps(payload), "application/json", **headers)

    def interact(self, payload: dict[str, Any]) -> httpx.Response:
        return self.send(payloads.form(payload), "application/x-www-form-urlencoded")

    def command(self, user: str, text: str) -> httpx.Response:
        body = payloads.slash(user, text, self.fake.response_url(user))
        return self.send(body, "application/x-www-form-urlencoded")

    # ── the bot's side ─────────────────────────────────────────────────────
    def remind(self, at: datetime | None = None) -> list[dict[str, Any]]:
        """A reminder pass; the messages it posted."""
        before = len(self.fake.posted())
        if at is not None:
            self.clock.at = at
        self.app.remind(self.clock.now())
        return self.fake.posted()[before:]

    def thread(self, email: str, subject: str) -> Thread:
        with self.app.store.session() as session:
            user = users.user_by_email(session, email)
            found = [t for t in threads.all_threads(session, user.id) if subject in t.subject]
            assert found, subject
            return found[0]

    def sent(self, email: str) -> list[str]:
        """What the bot sent from the user's mailbox: "To: …\nSubject: …\n\nbody" each."""
        folder = self.boxes[email] / ".Sent" / "cur"
        found = [
            message_from_bytes(p.read_bytes(), policy=policy.default) for p in folder.iterdir()
        ]
        return [_shown(m) for m in found if m["X-Replyminder"]]  # type: ignore[arg-type]


def _shown(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return f"To: {message['To']}\nSubject: {message['Subject']}\n\n{text}"


def build_world(database_url: str, root: Path, fake: FakeSlack, **more: str) -> World:
    boxes = demo_world.build(root / "mail")
    clock = FixedClock(MONDAY)
    app = composition.build(load(environment(database_url, root, fake, **more), None), clock)
    with app.store.unit() as session:
        for (name, email), locale in ((demo_world.LAN, "vi"), (demo_world.DAVID, "en")):
            mailbox = Mailbox(email, "maildir", str(boxes[email]))
            user = users.add_user(
                session, Address(email, name), locale, "Asia/Ho_Chi_Minh", mailbox, REGISTERED
            )
            user.next_digest_at = next_digest(app.calendar(user.timezone), REGISTERED)
    app.sync(MONDAY)
    return World(app, clock, fake, boxes)


@pytest.fixture
def world(database_url: str, tmp_path: Path, fake: FakeSlack) -> Iterator[World]:
    """Both employees registered and synced; nothing reminded, no server yet."""
    w = build_world(database_url, tmp_path, fake)
    yield w
    w.settle()
    w.app.store.engine.dispose()


@pytest.fixture
def served(world: World) -> World:
    """The world with our web server running and the 08:00 reminders delivered."""
    world.serve()
    world.remind()
    return world


def blocks_text(blocks: list[dict[str, Any]]) -> str:
    """Every text a person reads in `blocks`, one per line."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return "\n".join(found)


def element(blocks: list[dict[str, Any]], action_id: str) -> tuple[str, dict[str, Any]]:
    """(block_id, element) of the first widget whose action_id starts with `action_id`."""
    for block in blocks:
        for item in block.get("elements", []) if block.get("type") == "actions" else []:
            if str(item.get("action_id", "")).startswith(action_id):
                return str(block.get("block_id")), item
    raise AssertionError(f"no {action_id} in the blocks")


def actions_of(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        str(item.get("action_id"))
        for block in blocks
        if block.get("type") == "actions"
        for item in block["elements"]
    ]
