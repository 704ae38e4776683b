"""The database: migrations match the models, times stay UTC, leases and the outbox hold."""

from __future__ import annotations

import itertools
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.core.mail import Address
from bot.core.ports import Mailbox
from bot.store import db, outbox, threads, users
from bot.store.models import Base, Contact, OutboxRow, Thread, User
from tests.store.rows import thread_values

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def test_migrations_and_models_agree(store: db.Store) -> None:
    """Autogenerate against the migrated database finds nothing to do."""
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert [] == compare_metadata(context, Base.metadata)


def test_upgrade_twice_is_a_no_op(store: db.Store) -> None:
    """Every process may run migrations on start; the second run applies nothing."""
    assert db.upgrade(store) is False


def test_times_come_back_aware_in_utc(store: db.Store) -> None:
    """A time stored from any zone comes back as the same instant, in UTC (SQLite too)."""
    hanoi = datetime(2026, 11, 30, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    with store.unit() as session:
        session.add(User(email="a@x.vn", name="A", locale="vi", timezone="UTC", created_at=hanoi))
    with store.unit() as session:
        user = session.scalar(select(User))
        assert user is not None
        assert (hanoi, UTC) == (user.created_at, user.created_at.tzinfo)


def test_a_database_error_does_not_quote_the_values(store: db.Store) -> None:
    """What goes to the log names the failure, never the subjects and excerpts of the rows."""
    with pytest.raises(IntegrityError) as refused, store.unit() as session:
        session.add_all(
            User(email="c@x.vn", name=f"Bí mật {n}", locale="vi", timezone="UTC") for n in (1, 2)
        )
    assert "[SQL parameters hidden" in str(refused.value)
    assert "Bí mật" not in db.reason(refused.value)  # (PostgreSQL's detail line quotes the row)


def test_naive_times_are_refused(store: db.Store) -> None:
    """A naive datetime is a bug waiting to happen: it is refused, not guessed."""
    with pytest.raises(Exception, match="naive"), store.unit() as session:
        session.add(
            User(
                email="b@x.vn",
                name="B",
                locale="vi",
                timezone="UTC",
                created_at=datetime(2026, 1, 1),
            )
        )


def _user(store: db.Store, email: str = "lan@x.vn") -> int:
    with store.unit() as session:
        user = users.add_user(
            session,
            Address(email, "Lan"),
            "vi",
            "Asia/Ho_Chi_Minh",
            Mailbox(email, "maildir", "/nowhere"),
            NOW,
        )
        return user.id


def test_outbox_key_is_sent_once(store: db.Store) -> None:
    """Enqueueing the same key twice gives the same row: a race or a retry cannot double it."""
    user_id = _user(store)
    with store.unit() as session:
        first = outbox.enqueue(session, "remind:1:first", "dm", user_id, None, {"a": 1}, NOW)
        again = outbox.enqueue(session, "remind:1:first", "dm", user_id, None, {"a": 2}, NOW)
        assert (first.id, {"a": 1}) == (again.id, again.payload)
    with store.unit() as session:
        assert 1 == len(session.scalars(select(OutboxRow)).all())


def test_outbox_claims_leases_and_retries(store: db.Store) -> None:
    """A claimed row is not claimed again until its lease expires; failures back off."""
    user_id = _user(store)
    with store.unit() as session:
        outbox.enqueue(session, "k", "dm", user_id, None, {}, NOW)
    with store.unit() as session:
        [row] = outbox.claim(session, "dm", NOW, timedelta(minutes=5))
    with store.unit() as session:
        assert [] == outbox.claim(session, "dm", NOW + timedelta(minutes=1), timedelta(minutes=5))
    with store.unit() as session:
        [row] = outbox.claim(session, "dm", NOW + timedelta(minutes=6), timedelta(minutes=5))
        outbox.retry_later(row, NOW + timedelta(minutes=6), "rate limited")
    with store.unit() as session:
        assert [] == outbox.claim(session, "dm", NOW + timedelta(minutes=6), timedelta(minutes=5))
        [row] = outbox.claim(session, "dm", NOW + timedelta(minutes=8), timedelta(minutes=5))
        assert (2, "rate limited") == (row.attempts + 1, row.error)


def test_a_failing_dm_is_retried_for_days_not_hours(store: db.Store) -> None:
    """A chat outage of a morning (it used to be 8 attempts, two hours) does not lose the
    DM: it is retried, at most hourly, until it is RETRY_FOR old; then it is given up."""
    user_id = _user(store)
    with store.unit() as session:
        outbox.enqueue(session, "k", "dm", user_id, None, {}, NOW)
    moment, statuses = NOW, []
    while moment < NOW + outbox.RETRY_FOR + timedelta(hours=2):
        with store.unit() as session:
            claimed = outbox.claim(session, "dm", moment, timedelta(minutes=5))
            for row in claimed:
                outbox.retry_later(row, moment, "Slack answered 500")
                statuses.append((moment - NOW, row.status))
        moment += timedelta(minutes=30)
    waits = [b - a for (a, _), (b, _) in itertools.pairwise(statuses)]
    assert [outbox.PENDING] * (len(statuses) - 1) + [outbox.FAILED] == [s for _, s in statuses]
    assert statuses[-1][0] >= outbox.RETRY_FOR and max(waits) <= timedelta(hours=1)


def test_rows_put_leased_are_the_callers_until_the_lease_ends(store: db.Store) -> None:
    """A reminder pass puts its DMs already claimed: no other worker takes them while it
    sends, a crashed pass's are taken after the lease, and a known key is left alone."""
    user_id = _user(store)
    lease = timedelta(minutes=5)
    with store.unit() as session:
        outbox.put(session, "remind:1:first", "dm", user_id, None, {"a": 1}, NOW)
    entries = [
        outbox.entry(key, "dm", user_id, None, {"a": 2})
        for key in ("remind:1:first", "remind:2:first")
    ]
    with store.unit() as session:
        leased = outbox.put_leased(session, entries, NOW, lease)
    with store.unit() as session:
        rows = {row.key: row for row in session.scalars(select(OutboxRow))}
        assert ["remind:2:first"] == list(leased)
        assert leased["remind:2:first"] == rows["remind:2:first"].id
        assert ("sending", NOW + lease, {"a": 2}) == (
            rows["remind:2:first"].status,
            rows["remind:2:first"].lease_until,
            rows["remind:2:first"].payload,
        )
        assert ("pending", {"a": 1}) == (
            rows["remind:1:first"].status,
            rows["remind:1:first"].payload,
        )
    with store.unit() as session:
        taken = [row.key for row in outbox.claim(session, "dm", NOW, lease)]
    with store.unit() as session:
        later = [row.key for row in outbox.claim(session, "dm", NOW + lease * 2, lease)]
    assert (["remind:1:first"], ["remind:1:first", "remind:2:first"]) == (taken, later)


def test_each_dm_is_marked_sent_in_a_commit_of_its_own(store: db.Store) -> None:
    """Marked through the driver, a row reads back as `sent` marks it, committed before the
    next DM goes out (another session sees it), its time comparable in queries."""
    user_id = _user(store)
    with store.unit() as session:
        ids = outbox.put_leased(
            session,
            [outbox.entry(f"k{n}", "dm", user_id, None, {}) for n in (1, 2)],
            NOW,
            timedelta(minutes=5),
        )
    sent_at = NOW.astimezone(timezone(timedelta(hours=7)))  # any zone: stored as UTC
    with store.autocommit() as connection:
        mark = outbox.SentMarks(connection, sent_at)
        mark(ids["k1"], "slack:C1/1.2")
        with store.unit() as session:
            row = session.get(OutboxRow, ids["k1"])
            assert row is not None
            seen = (row.status, row.sent_at, row.delivery_id, row.lease_until, row.error)
            assert ("sent", NOW, "slack:C1/1.2", None, None) == seen
            assert "sending" == session.get(OutboxRow, ids["k2"]).status  # type: ignore[union-attr]
        mark(ids["k2"], None)
    with store.unit() as session:
        found = session.scalars(select(OutboxRow.key).where(OutboxRow.sent_at <= NOW)).all()
        assert ["k1", "k2"] == sorted(found)


def test_a_mark_on_a_locked_database_fails_as_sqlalchemy_says_it(tmp_path: Path) -> None:
    """Marks run on the driver's cursor; its error still comes as SQLAlchemy's, so the
    CLI says "database unavailable" and the worker carries on, as for any statement."""
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    store = db.Store(create_engine(url, connect_args={"timeout": 0.05}))
    db.upgrade(store)
    user_id = _user(store)
    with store.unit() as session:
        ids = outbox.put_leased(
            session, [outbox.entry("k", "dm", user_id, None, {})], NOW, timedelta(minutes=5)
        )
    other = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        with store.autocommit() as connection:
            mark = outbox.SentMarks(connection, NOW)
            with pytest.raises(OperationalError, match="locked"):
                mark(ids["k"], None)
    finally:
        other.rollback()
        other.close()
        store.engine.dispose()


def test_a_mailbox_is_leased_to_one_worker(store: db.Store) -> None:
    """Two workers claiming at once get each mailbox once; a crashed worker's lease expires."""
    _user(store, "a@x.vn")
    _user(store, "b@x.vn")
    lease = timedelta(minutes=30)
    with store.unit() as session:
        first = users.claim_mailboxes(session, "w1", NOW, lease, due_only=False)
    with store.unit() as session:
        second = users.claim_mailboxes(session, "w2", NOW, lease, due_only=False)
    with store.unit() as session:
        later = users.claim_mailboxes(session, "w2", NOW + lease * 2, lease, due_only=False)
    assert (2, 0, 2) == (len(first), len(second), len(later))


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_skip_locked_lets_concurrent_workers_split_the_work(database_url: str) -> None:
    """On PostgreSQL, a worker mid-claim does not block another: it skips the locked rows."""
    store = db.connect(database_url)
    for email in ("a@x.vn", "b@x.vn", "c@x.vn"):
        _user(store, email)
    lease = timedelta(minutes=30)
    with store.session() as one, one.begin():
        mine = users.claim_mailboxes(one, "w1", NOW, lease, due_only=False)
        with store.session() as two, two.begin():
            theirs = users.claim_mailboxes(two, "w2", NOW, lease, due_only=False)
    assert (3, 0) == (len(mine), len(theirs))
    store.engine.dispose()


def test_contacts_count_what_the_user_wrote(store: db.Store) -> None:
    """count_written adds up per address and keeps the in-memory map in step."""
    user_id = _user(store)
    known: dict[str, int] = {}
    with store.unit() as session:
        users.count_written(session, user_id, known, {"minh@y.vn"}, NOW)
        users.count_written(session, user_id, known, {"minh@y.vn", "hoa@z.vn"}, NOW)
    with store.unit() as session:
        stored = {c.email: c.written for c in session.scalars(select(Contact))}
    assert ({"minh@y.vn": 2, "hoa@z.vn": 1}, known) == (stored, stored)


def test_a_thread_row_made_without_change_events_is_stored_as_the_constructor_would(
    store: db.Store,
) -> None:
    """`new_thread_row` inserts what `Thread(**values)` inserts, and later changes are
    tracked as on any thread; a name that is no column is refused."""
    user_id = _user(store)
    with store.unit() as session:
        made = threads.new_thread_row(**thread_values(user_id, 1))
        session.add_all([made, Thread(**thread_values(user_id, 2))])
        session.flush()
        made.state = "answered"  # a change after the insert: an UPDATE at the next flush
    with store.session() as session:
        rows = {t.ref: t for t in session.scalars(select(Thread))}
        columns = [c.key for c in Thread.__mapper__.column_attrs if c.key not in ("id", "ref")]
        fresh, constructed = rows[1], rows[2]
        alike = [c for c in columns if c != "state"]
        assert {c: getattr(constructed, c) for c in alike} == {c: getattr(fresh, c) for c in alike}
        assert ("answered", "pending") == (fresh.state, constructed.state)
    with pytest.raises(TypeError, match="not columns of a thread: \\['subjekt'\\]"):
        threads.new_thread_row(subjekt="typo")
