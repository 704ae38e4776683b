"""Ingest files a page at a time from the page's lookups: the result cannot depend on paging."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError

from bot import app as composition
from bot.core.clock import FixedClock
from bot.core.mail import Address, Folder, Mail
from bot.core.ports import Mailbox
from bot.mail import maildir
from bot.services import ingest
from bot.settings import load
from bot.store import db, users
from bot.store import lookup as lookup_module
from bot.store.models import Event, MessageRow, Thread
from scripts import mailgen
from scripts.mailtext import Person
from tests.store.rows import thread_values

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _app(database_url: str) -> composition.App:
    environ = {
        "REPLYMINDER_DATABASE_URL": database_url,
        "REPLYMINDER_INTERNAL_DOMAINS": "saomai.vn",
    }
    return composition.build(load(environ, env_file=None), FixedClock(NOW))


def _synced(app: composition.App, tmp_path: Path, local: str) -> str:
    """A generated mailbox (the same mail, whoever owns it), registered and synced once."""
    owner = Person("Nguyễn Văn An", f"{local}@saomai.vn", "vi")
    root = tmp_path / local
    mailgen.generate(root, 260, seed=3, end=NOW - timedelta(minutes=5), days=5, owner=owner)
    with app.store.unit() as session:
        mailbox = Mailbox(email=owner.email, kind="maildir", locator=str(root))
        users.add_user(session, Address(owner.email, owner.name), "vi", "UTC", mailbox, NOW)
    reports = app.sync(NOW)
    assert [None] * len(reports) == [r.error for r in reports]
    return owner.email


def _outcome(app: composition.App, email: str) -> list[Any]:
    """What ingest made of the mailbox, with the owner's address written as OWNER.

    Not `answered_at`: for mail flagged replied, it is the file's ctime (when the flag was
    set), which differs between the two copies of the mailbox.
    """
    with app.store.session() as session:
        user = users.user_by_email(session, email)
        threads = list(session.scalars(select(Thread).where(Thread.user_id == user.id)))
        refs = {t.id: t.ref for t in threads}
        messages = session.scalars(select(MessageRow).where(MessageRow.user_id == user.id))
        events = session.scalars(select(Event).where(Event.thread_id.in_(refs)))
        rows: list[Any] = [
            sorted(
                (
                    t.ref,
                    t.state,
                    t.importance,
                    t.reasons,
                    t.risks,
                    t.suggestions,
                    t.due_at,
                    t.answered_by,
                    t.forwarded_to,
                    t.next_remind_at,
                    t.message_id,
                )
                for t in threads
            ),
            sorted((m.folder, m.message_id, refs.get(m.thread_id or 0)) for m in messages),
            sorted((refs[e.thread_id], e.actor, e.action) for e in events),
        ]
    outcome: list[Any] = json.loads(json.dumps(rows, default=str).replace(email, "OWNER"))
    return outcome


def test_the_same_mail_files_the_same_in_pages_of_500_and_of_7(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Threads, states, answers and events are the same whether a page holds 1,000 mails or 7."""
    app = _app(database_url)
    whole = _synced(app, tmp_path, "an")
    monkeypatch.setattr(maildir, "PAGE_SIZE", 7)  # earlier mail now lies in the database
    paged = _synced(app, tmp_path, "an.paged")
    whole_outcome, paged_outcome = _outcome(app, whole), _outcome(app, paged)
    app.store.engine.dispose()

    assert 100 < len(whole_outcome[0])  # threads enough for the comparison to mean something
    assert whole_outcome == paged_outcome


def _statements(app: composition.App) -> list[str]:
    """Every SQL statement the app sends from now on, as sent."""
    sent: list[str] = []
    event.listen(app.store.engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    return sent


def test_a_page_loads_the_threads_its_mail_is_filed_into_together(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replies filed by subject into earlier pages' threads: the page loads those threads
    in one query, not one query per thread chosen."""
    app = _app(database_url)
    monkeypatch.setattr(maildir, "PAGE_SIZE", 7)  # earlier mail lies in the database
    statements = _statements(app)
    _synced(app, tmp_path, "an")
    app.store.engine.dispose()
    selects = [" ".join(s.split()) for s in statements if s.lstrip().startswith("SELECT")]
    selects = [s for s in selects if "FROM threads" in s]
    by_id = [s for s in selects if re.search(r"WHERE threads\.id = (?:\?|%\(pk_1\)s)$", s)]
    together = [s for s in selects if "WHERE threads.user_id" in s and "threads.id IN" in s]

    assert 20 < len(together)  # pages of 7: enough of them for it to mean something
    assert [] == by_id


def test_a_bulk_load_refreshes_the_planners_statistics_on_postgresql(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first sync tells PostgreSQL's planner how far the mail tables grew (after 1,000
    messages, 2,000, 4,000…); SQLite, steered by the queries themselves, is left as it is."""
    app = _app(database_url)
    monkeypatch.setattr(ingest, "STATISTICS_AFTER", 100)  # 260 messages: after 100 and 200
    monkeypatch.setattr(maildir, "PAGE_SIZE", 50)
    statements = _statements(app)
    _synced(app, tmp_path, "an")
    analyzed = [s for s in statements if s.startswith("ANALYZE")]
    postgres = app.store.dialect == "postgresql"
    query = (
        "SELECT count(*) FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL"
        if postgres
        else "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
    )
    with app.store.engine.connect() as connection:
        tables = connection.execute(text(query)).scalar_one()
    app.store.engine.dispose()

    if postgres:
        assert ["ANALYZE threads, messages"] * 2 == analyzed
        assert 2 <= tables  # threads and messages
    else:
        assert ([], 0) == (analyzed, tables)


def test_new_threads_are_numbered_in_the_order_they_were_opened(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ids follow the order threads were opened in (older threads win ties by id), and a
    page's new threads are inserted as plain rows, not by one statement returning every
    id: PostgreSQL numbers them from the sequence first, SQLite's ids are read back."""
    app = _app(database_url)
    monkeypatch.setattr(maildir, "PAGE_SIZE", 50)
    statements = _statements(app)
    email = _synced(app, tmp_path, "an")
    inserts = [s for s in statements if s.startswith("INSERT INTO threads")]
    with app.store.session() as session:
        user = users.user_by_email(session, email)
        rows = session.execute(
            select(Thread.ref, Thread.id).where(Thread.user_id == user.id).order_by(Thread.ref)
        ).all()
    app.store.engine.dispose()

    ids = [thread_id for _, thread_id in rows]
    assert 50 < len(ids)
    assert sorted(ids) == ids
    assert [] == [s for s in inserts if "RETURNING" in s]
    assert inserts


def test_a_sync_goes_on_when_the_planners_statistics_cannot_be_refreshed(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Refreshing statistics only helps the planner: a failure is logged, nothing is lost."""
    app = _app(database_url)
    monkeypatch.setattr(ingest, "STATISTICS_AFTER", 100)

    def busy(_store: object) -> None:
        raise OperationalError("ANALYZE threads, messages", {}, Exception("lock timeout"))

    monkeypatch.setattr(db.Store, "refresh_statistics", busy)
    email = _synced(app, tmp_path, "an")  # (asserts that no mailbox reported an error)
    with app.store.session() as session:
        user = users.user_by_email(session, email)
        stored = session.scalar(select(func.count()).where(MessageRow.user_id == user.id))
    app.store.engine.dispose()

    assert 260 == stored
    assert "planner statistics not refreshed" in caplog.text


def _threads(store: db.Store, rows: list[tuple[str, str, str]]) -> int:
    """A user with these (subject key, sender, state) threads, made in this order."""
    with store.unit() as session:
        mailbox = Mailbox(email="an@saomai.vn", kind="maildir", locator="/nowhere")
        user = users.add_user(session, Address("an@saomai.vn", "An"), "vi", "UTC", mailbox, NOW)
        for ref, (key, sender, state) in enumerate(rows, 1):
            values = thread_values(user.id, ref, subject=key, subject_key=key, state=state)
            values |= {"sender_email": sender, "message_id": f"{ref}@x", "provider_id": str(ref)}
            session.add(Thread(**values))
        return user.id


def test_a_page_reads_only_its_own_peoples_threads_on_a_recurring_subject(
    store: db.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Choosing by subject reads the threads of the page's (subject, person) pairs, not
    every thread on its subjects: "Re: báo giá" recurs with everyone. A pair asked later
    is read then, and pairs whose parts run together ("a" + "b\\nc", "a\\nb" + "c") stay
    apart."""
    people = [f"s{n}@vinaplast.vn" for n in range(20)]
    rows = [("báo giá", person, "pending") for person in people for _ in range(3)]
    rows += [("báo giá", people[0], "ignored"), ("a\nb", "c", "pending"), ("a", "b\nc", "pending")]
    user_id = _threads(store, rows)
    read: list[object] = []
    real = lookup_module._Candidate
    monkeypatch.setattr(lookup_module, "_Candidate", lambda *row: read.append(row) or real(*row))
    mail = Mail(Folder.INBOX, "p", "new@x", "RE: Báo giá", Address(people[0]), NOW)
    with store.unit() as session:
        lookup = lookup_module.Lookup(session, user_id, [mail])
        on_page = len(read)
        chosen = lookup.thread_by_subject("báo giá", [people[0]])
        apart = lookup.thread_by_subject("a", ["b\nc"])
        assert chosen is not None and apart is not None
        found = (chosen.ref, apart.ref)

    assert (3, 63) == found  # the latest of the person's not ignored; the exact pair
    assert 3 == on_page  # the person's three threads: not the ignored one, nor 57 others'
    assert 4 == len(read)  # then the one pair asked later


@pytest.mark.parametrize("how", ["by reference", "by conversation"])
def test_an_ignored_thread_the_page_revives_is_chosen_by_subject(store: db.Store, how: str) -> None:
    """Ignored threads are not read with their subject, but one the page loads (a reply
    names it, or its conversation) and brings back to life is the latest to choose."""
    user_id = _threads(store, [("báo giá", "minh@y.vn", "pending")] * 2)
    with store.unit() as session:
        revived = session.scalars(select(Thread).where(Thread.ref == 2)).one()
        revived.state, revived.conversation_id = "ignored", "c1"
        session.add(
            MessageRow(
                **{"user_id": user_id, "folder": "inbox", "message_id": "2@x", "own": False},
                **{"thread_id": revived.id, "provider_id": "2", "sender_email": "minh@y.vn"},
                **{"counterpart": "minh@y.vn", "subject_key": "báo giá", "at": NOW},
            )
        )
    subject, sender = "RE: Báo giá", Address("minh@y.vn")
    mail = (
        Mail(Folder.INBOX, "p", "new@x", subject, sender, NOW, references=("2@x",))
        if how == "by reference"
        else Mail(Folder.INBOX, "p", "new@x", subject, sender, NOW, conversation_id="c1")
    )
    with store.unit() as session:
        lookup = lookup_module.Lookup(session, user_id, [mail])
        before = lookup.thread_by_subject("báo giá", ["minh@y.vn"])
        named = (
            lookup.thread_for_ids(["2@x"])
            if how == "by reference"
            else lookup.thread_by_conversation("c1")
        )
        assert before is not None and named is not None
        named.state = "pending"  # as a new mail to wait on does
        after = lookup.thread_by_subject("báo giá", ["minh@y.vn"])
        assert after is not None
        refs = (before.ref, named.ref, after.ref)

    assert (1, 2, 2) == refs
