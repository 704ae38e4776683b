"""The Teams world: the demo company's mailboxes, Replyminder's web server in dev mode,
and the fake Bot Framework connector that Teams would be, all on loopback."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot import app as composition
from bot import demo_world
from bot.core.clock import FixedClock
from bot.core.mail import Address
from bot.core.ports import ChatAddress, Mailbox
from bot.core.reminders import next_digest
from bot.services import remind
from bot.settings import load
from bot.store import users
from bot.web import make_web_app
from tests.teams.activities import Person, clicked, installed, typed
from tests.teams.fake_connector import FakeConnector, LoopThread, member, running, serve

LAN = Person("Trần Thị Lan", demo_world.LAN[1], 1, "vi-VN")
DAVID = Person("David Miller", demo_world.DAVID[1], 2, "en-US")
STRANGER = Person("Nguyễn Văn Khách", "khach@saomai.vn", 3, "vi-VN")  # in Teams, not registered
MONDAY = demo_world.local(30, 8, 0)


@pytest.fixture
def loop() -> Iterator[LoopThread]:
    thread = LoopThread()
    yield thread
    thread.close()


@pytest.fixture
def connector(loop: LoopThread) -> Iterator[FakeConnector]:
    fake = FakeConnector()
    for person in (LAN, DAVID, STRANGER):
        fake.members[person.user_id] = member(person.user_id, person.name, person.email, person.aad)
    with running(fake, loop):
        yield fake


@dataclass
class World:
    app: composition.App
    clock: FixedClock
    connector: FakeConnector
    url: str
    boxes: dict[str, Path]

    def post(self, activity: dict[str, Any], **headers: str) -> httpx.Response:
        return httpx.post(self.url + "/api/messages", json=activity, headers=headers, timeout=30)

    def install(self, who: Person) -> httpx.Response:
        return self.post(installed(who, self.connector.service_url))

    def say(self, who: Person, text: str) -> httpx.Response:
        return self.post(typed(who, self.connector.service_url, text))

    def click(self, who: Person, value: dict[str, Any], card_id: str) -> httpx.Response:
        return self.post(clicked(who, self.connector.service_url, value, card_id))

    def remind(self) -> list[remind.Delivery]:
        return self.app.remind(self.clock.now())

    def address(self, email: str) -> ChatAddress:
        with self.app.store.unit() as session:
            user = users.user_by_email(session, email)
            return users.chat_addresses(session, user.id)["teams"]


def settings_for(
    database_url: str, root: Path, chat: str = "console", **teams: str
) -> dict[str, str]:
    return {
        "REPLYMINDER_DATABASE_URL": database_url,
        "REPLYMINDER_CHAT": chat,
        "REPLYMINDER_INTERNAL_DOMAINS": demo_world.DOMAIN,
        "REPLYMINDER_ROUTING_FILE": str(root / "routing.yaml"),
        **{f"REPLYMINDER_TEAMS_{name.upper()}": value for name, value in teams.items()},
    }


def register(app: composition.App, boxes: dict[str, Path]) -> None:
    """Lan (Vietnamese) and David (English), as `replyminder user add` would."""
    now = app.clock.now()
    with app.store.unit() as session:
        for who, locale in ((LAN, "vi"), (DAVID, "en")):
            mailbox = Mailbox(who.email, "maildir", str(boxes[who.email]))
            address = Address(who.email, who.name)
            user = users.add_user(session, address, locale, "Asia/Ho_Chi_Minh", mailbox, now)
            user.next_digest_at = next_digest(app.calendar(user.timezone), now)


@contextmanager
def make_world(
    database_url: str,
    root: Path,
    loop: LoopThread,
    connector: FakeConnector,
    chat: str = "console",
    **teams: str,
) -> Iterator[World]:
    """The whole world, with the TEAMS_* settings in `teams` (e.g. dev_mode="true") and
    `chat` the organisation's chat platform (console: where unlinked users' DMs go)."""
    boxes = demo_world.build(root / "mail")
    settings = load(settings_for(database_url, root / "mail", chat, **teams), None)
    clock = FixedClock(MONDAY)
    app = composition.build(settings, clock)
    register(app, boxes)
    app.sync(MONDAY)
    runner, port = loop.run(serve(make_web_app(app)))
    try:
        yield World(app, clock, connector, f"http://127.0.0.1:{port}", boxes)
    finally:
        loop.run(runner.cleanup())
        app.store.engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated SQLite file: the Teams adapter does not depend on the database engine."""
    shutil.copy(sqlite_template, tmp_path / "replyminder.db")
    return f"sqlite:///{tmp_path / 'replyminder.db'}"


@pytest.fixture
def world(
    sqlite_url: str, tmp_path: Path, loop: LoopThread, connector: FakeConnector
) -> Iterator[World]:
    with make_world(sqlite_url, tmp_path, loop, connector, dev_mode="true") as made:
        yield made


@pytest.fixture
def teams_only(
    sqlite_url: str, tmp_path: Path, loop: LoopThread, connector: FakeConnector
) -> Iterator[World]:
    """A company on Teams alone (REPLYMINDER_CHAT=teams): DMs wait for users not linked."""
    with make_world(sqlite_url, tmp_path, loop, connector, "teams", dev_mode="true") as made:
        yield made


@pytest.fixture
def world_on_each_engine(
    database_url: str, tmp_path: Path, loop: LoopThread, connector: FakeConnector
) -> Iterator[World]:
    """The world on SQLite and on PostgreSQL, for the outbox's exactly-once paths."""
    with make_world(database_url, tmp_path, loop, connector, dev_mode="true") as made:
        yield made
