"""Exchange mailboxes through ingest (`sync_all`), on each database engine: what the store keeps."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App, build
from bot.core.clock import FixedClock
from bot.core.mail import Address
from bot.core.ports import Mailbox, SyncPage
from bot.mail.exchange import ExchangeProvider
from bot.settings import PREFIX, load
from bot.store import threads, users
from bot.store.models import MessageRow, SyncState
from tests.exchange.conftest import HUONG, LAN, MINH, config
from tests.exchange.fake_ews import PASSWORD, SERVICE_ACCOUNT, FakeEws

QUESTION = (
    "Chào chị Hương,\n\nChị gửi giúp em báo giá 200 bộ bàn ghế trước thứ Sáu được không ạ?\n\nMinh"
)


class Interrupted(Exception):
    """The process dies between two pages (a deploy, an OOM kill)."""


def make_app(fake: FakeEws, database_url: str, sleeps: list[float], **extra: str) -> App:
    env = {
        "DATABASE_URL": database_url,
        "EWS_URL": fake.url,
        "EWS_AUTH": "basic",
        "EWS_USERNAME": SERVICE_ACCOUNT,
        "EWS_PASSWORD": PASSWORD,
        "INTERNAL_DOMAINS": "saomai.vn",
        **extra,
    }
    app = build(load({PREFIX + k: v for k, v in env.items()}, None), FixedClock(fake.clock))
    app.providers["exchange"] = ExchangeProvider(
        config(fake), sleep=sleeps.append, rng=random.Random(7)
    )
    return app


def add(app: App, person: tuple[str, str], kind: str = "exchange", locator: str = "") -> None:
    with app.store.unit() as session:
        mailbox = Mailbox(person[1], kind, locator or person[1])
        users.add_user(
            session,
            Address(person[1], person[0]),
            "vi",
            "Asia/Ho_Chi_Minh",
            mailbox,
            app.clock.now(),
        )


@pytest.fixture
def app(fake: FakeEws, database_url: str, sleeps: list[float]) -> Iterator[App]:
    built = make_app(fake, database_url, sleeps)
    add(built, HUONG)
    yield built
    built.store.engine.dispose()


def states(app: App, email: str) -> dict[str, str]:
    with app.store.session() as session:
        user = users.user_by_email(session, email)
        box = users.mailbox_of(session, user)
        return {
            row.folder: row.state
            for row in session.scalars(select(SyncState).where(SyncState.mailbox_id == box.id))
        }


def thread_states(app: App, email: str) -> dict[str, str]:
    with app.store.session() as session:
        user = users.user_by_email(session, email)
        return {t.subject: t.state for t in threads.all_threads(session, user.id)}


def inbox_rows(app: App) -> int:
    with app.store.session() as session:
        return (
            session.scalar(
                select(func.count()).select_from(MessageRow).where(MessageRow.folder == "inbox")
            )
            or 0
        )


def test_a_question_on_exchange_becomes_a_pending_thread(fake: FakeEws, app: App) -> None:
    """The first tick reads Sent then Inbox and tracks the partner's question."""
    fake.deliver(HUONG[1], "Báo giá bàn ghế", MINH, body=QUESTION)
    [report] = app.sync(fake.clock)
    assert (HUONG[1], 1, None) == (report.email, report.new, report.error)
    assert {"Báo giá bàn ghế": "pending"} == thread_states(app, HUONG[1])


def test_a_broken_mailbox_next_to_a_healthy_one(fake: FakeEws, app: App) -> None:
    """A mailbox Exchange does not have: its own error in status; the others sync on."""
    add(app, ("Bóng Ma", "ghost@saomai.vn"))
    add(app, LAN)
    fake.deliver(HUONG[1], "Báo giá bàn ghế", MINH, body=QUESTION)
    fake.deliver(LAN[1], "Hợp đồng", MINH, body=QUESTION)
    reports = {r.email: (r.new, r.error) for r in app.sync(fake.clock)}
    assert {
        HUONG[1]: (1, None),
        LAN[1]: (1, None),
        "ghost@saomai.vn": (0, "Exchange has no mailbox ghost@saomai.vn"),
    } == reports
    with app.store.session() as session:
        status = {
            email: (row.last_success_at is not None, row.last_error)
            for email, row in users.mailbox_status(session)
        }
    assert (False, "Exchange has no mailbox ghost@saomai.vn") == status["ghost@saomai.vn"]
    assert (True, None) == status[HUONG[1]]


def test_wrong_credentials_stop_exchange_not_the_maildir_users(
    fake: FakeEws, app: App, tmp_path: Path
) -> None:
    """A bad service password: every Exchange mailbox reports it in one line; Maildir goes on."""
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1.host").write_bytes(
        b"From: minh@doitac.vn\nTo: lan@saomai.vn\nSubject: Hi\nMessage-ID: <m1@doitac.vn>\n"
        b"Date: Mon, 30 Nov 2026 07:00:00 +0700\n\nHello\n"
    )
    add(app, LAN, "maildir", str(maildir))
    app.providers["exchange"] = ExchangeProvider(
        config(fake, password="wrong"), sleep=lambda s: None
    )
    reports = {r.email: (r.new, r.error) for r in app.sync(fake.clock)}
    refused = (
        f"Exchange at {fake.url} refused the credentials of {SERVICE_ACCOUNT} "
        "(check EWS_USERNAME/EWS_PASSWORD)"
    )
    assert {HUONG[1]: (0, refused), LAN[1]: (1, None)} == reports


def test_a_restart_in_the_middle_of_a_sync_resumes_where_the_data_is(
    fake: FakeEws, app: App
) -> None:
    """Killed after page one: the state stored covers that page; the next pass goes on from it."""
    for number in range(700):
        fake.deliver(
            HUONG[1],
            f"Đơn hàng {number}",
            MINH,
            received=fake.clock - timedelta(minutes=number + 1),
        )

    def die_after_the_first_inbox_page(email: str, page: SyncPage) -> None:
        if page.folder == "inbox":
            raise Interrupted

    with pytest.raises(Interrupted):
        app.sync(fake.clock, progress=die_after_the_first_inbox_page)
    saved = json.loads(states(app, HUONG[1])["inbox"])
    assert (500, True) == (inbox_rows(app), saved["first"])
    before = len(fake.calls)
    later = fake.clock + timedelta(minutes=31)  # the crashed worker's lease has expired
    [report] = app.sync(later)
    resumed = next(
        c
        for c in fake.calls[before:]
        if c.operation == "SyncFolderItems"
        and c.mailbox == HUONG[1]
        and c.sync_state == saved["ews"]
    )
    assert (200, 700, False) == (
        report.new,
        inbox_rows(app),
        json.loads(states(app, HUONG[1])["inbox"])["first"],
    )
    assert resumed.sync_state == saved["ews"]


def test_a_failure_mid_pass_keeps_the_pages_already_stored(fake: FakeEws, app: App) -> None:
    """An HTML 500 on the second page: an error reported, the first page kept, then the rest."""
    for number in range(700):
        fake.deliver(HUONG[1], f"Đơn hàng {number}", MINH)

    def break_the_next_page(email: str, page: SyncPage) -> None:
        if page.folder == "inbox":
            fake.fail("html500", "GetItem")

    [report] = app.sync(fake.clock, progress=break_the_next_page)
    assert (500, True) == (inbox_rows(app), "HTTP 500" in (report.error or ""))
    [report] = app.sync(fake.clock + timedelta(minutes=5))
    assert (200, 700, None) == (report.new, inbox_rows(app), report.error)


def test_a_forgotten_sync_state_duplicates_nothing(fake: FakeEws, app: App) -> None:
    """Exchange forgets the state: the folder is read again, and only the new mail is new."""
    fake.deliver(HUONG[1], "Báo giá bàn ghế", MINH, body=QUESTION)
    app.sync(fake.clock)
    fake.forget_sync_states(HUONG[1])
    fake.deliver(HUONG[1], "Hợp đồng khung", MINH, body=QUESTION)
    [report] = app.sync(fake.clock + timedelta(minutes=5))
    assert (1, 2) == (report.new, len(thread_states(app, HUONG[1])))


def test_an_answer_from_outlook_closes_the_thread(fake: FakeEws, app: App) -> None:
    """Hương replies in Outlook: the reply in Sent Items answers the thread."""
    question = fake.deliver(HUONG[1], "Báo giá bàn ghế", MINH, body=QUESTION)
    app.sync(fake.clock)
    fake.clock += timedelta(minutes=30)
    fake.reply_from_outlook(question)
    [report] = app.sync(fake.clock)
    assert ({"Báo giá bàn ghế": "answered"}, 1) == (
        thread_states(app, HUONG[1]),
        len(report.answered),
    )


def test_the_replied_flag_alone_answers_the_thread(fake: FakeEws, app: App) -> None:
    """Answered from a phone that keeps no copy in Sent Items: the last verb says replied."""
    question = fake.deliver(HUONG[1], "Báo giá bàn ghế", MINH, body=QUESTION)
    app.sync(fake.clock)
    fake.clock += timedelta(minutes=30)
    fake.mark(question, 102)
    app.sync(fake.clock)
    assert {"Báo giá bàn ghế": "answered"} == thread_states(app, HUONG[1])


def test_syncing_concurrently_keeps_each_mailbox_apart(
    fake: FakeEws, database_url: str, sleeps: list[float]
) -> None:
    """Four mailboxes, two workers: every mailbox gets exactly its own mail."""
    app = make_app(fake, database_url, sleeps, SYNC_WORKERS="2")
    people = [(f"Nhân viên {n}", f"nv{n}@saomai.vn") for n in range(4)]
    for person in people:
        fake.mailbox(person[1], person[0])
        add(app, person)
        for number in range(3):
            fake.deliver(person[1], f"Việc {number} của {person[1]}", MINH, body=QUESTION)
    reports = sorted((r.email, r.new, r.error) for r in app.sync(fake.clock))
    assert [(p[1], 3, None) for p in sorted(people, key=lambda p: p[1])] == reports
    for person in people:
        assert all(person[1] in subject for subject in thread_states(app, person[1]))
    app.store.engine.dispose()
