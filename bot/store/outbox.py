"""The outbox: every outgoing action (a DM, a holding reply, a forward) exactly once.

A row is written with a unique key in the same transaction as the decision to
send; a worker claims it with a lease, sends, and marks it sent. A crash leaves
the lease to expire and another worker retries; a second insert of the same key
is a no-op, so a double click or a race never sends twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Connection,
    Integer,
    String,
    Table,
    bindparam,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot.store.models import OutboxRow, UTCDateTime

# A DM that fails is retried this long, through a chat platform's outage of a day or a
# weekend; whatever it is about is looked at again when it goes (a thread closed meanwhile
# drops it). It used to be 8 attempts, two hours in all: a morning's outage lost a breach.
RETRY_FOR = timedelta(days=3)
PENDING, SENDING, SENT, FAILED, DROPPED = "pending", "sending", "sent", "failed", "dropped"


def enqueue(
    session: Session,
    key: str,
    kind: str,
    user_id: int,
    thread_id: int | None,
    payload: dict[str, Any],
    now: datetime,
) -> OutboxRow:
    """The row for `key`: a new pending one, or the one already there."""
    put(session, key, kind, user_id, thread_id, payload, now)
    row = session.scalar(select(OutboxRow).where(OutboxRow.key == key))
    assert row is not None
    return row


def put(
    session: Session,
    key: str,
    kind: str,
    user_id: int,
    thread_id: int | None,
    payload: dict[str, Any],
    now: datetime,
) -> None:
    """A new pending row for `key`, unless there is one already (then nothing changes)."""
    put_all(session, [entry(key, kind, user_id, thread_id, payload)], now)


def entry(
    key: str, kind: str, user_id: int, thread_id: int | None, payload: dict[str, Any]
) -> dict[str, Any]:
    """A row for `put_all`."""
    values = {"key": key, "kind": kind, "user_id": user_id, "thread_id": thread_id}
    return values | {"payload": payload, "status": PENDING, "attempts": 0}


def put_all(session: Session, entries: list[dict[str, Any]], now: datetime) -> None:
    """`put` for many rows in one statement (a reminder pass puts one per due thread)."""
    if entries:
        statement = _PUT[session.get_bind().dialect.name]
        session.execute(statement, [values | {"now": now} for values in entries])


def put_leased(
    session: Session, entries: list[dict[str, Any]], now: datetime, lease: timedelta
) -> dict[str, int]:
    """`put_all`, with the new rows claimed by the caller at once (status sending, a lease
    as `claim` gives): their ids by key. A key already in the outbox is left alone and
    not in the answer; its row is sent, or claimed in turn, as it stands."""
    if not entries:
        return {}
    leased = {"status": SENDING, "now": now, "lease": now + lease}
    if session.get_bind().dialect.name == "postgresql":
        columns = {name: [values[name] for values in entries] for name in _ARRAYS}
        rows = session.execute(_PUT_LEASED_ARRAYS, columns | leased)
    else:
        rows = session.execute(_PUT_LEASED_SQLITE, [values | leased for values in entries])
    return {key: row_id for row_id, key in rows}


# Built once, run with parameters: a reminder pass puts a row per due thread, and building
# (and caching) a new statement for each costs more than the insert itself.
_OUTBOX = cast(Table, OutboxRow.__table__)
_PUT = {
    name: dialect_insert(_OUTBOX)
    .values(next_attempt_at=bindparam("now"), created_at=bindparam("now"))
    .on_conflict_do_nothing(index_elements=["key"])
    for name, dialect_insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
_PUT_LEASED_SQLITE = (
    _PUT["sqlite"].values(lease_until=bindparam("lease")).returning(_OUTBOX.c.id, _OUTBOX.c.key)
)
# On PostgreSQL the rows go as one array a column: the same statement text each pass, which
# psycopg parses once. (A VALUES list of a hundred rows is a new, long text each time, and
# psycopg parses it anew: 2.5 ms of a pass's 60.)
_ARRAYS = {"key": String, "kind": String, "user_id": Integer, "thread_id": Integer, "payload": JSON}
_UNNESTED = (
    func.unnest(*(bindparam(name, type_=ARRAY(kind)) for name, kind in _ARRAYS.items()))
    .table_valued(*_ARRAYS)
    .render_derived(name="entry")
)
_PUT_LEASED_ARRAYS = (
    pg_insert(_OUTBOX)
    .from_select(
        [*_ARRAYS, "status", "attempts", "next_attempt_at", "created_at", "lease_until"],
        select(
            *(_UNNESTED.c[name] for name in _ARRAYS),
            bindparam("status", type_=String),
            literal(0),
            bindparam("now", type_=UTCDateTime),
            bindparam("now", type_=UTCDateTime),
            bindparam("lease", type_=UTCDateTime),
        ),
    )
    .on_conflict_do_nothing(index_elements=["key"])
    .returning(_OUTBOX.c.id, _OUTBOX.c.key)
)
_MARK_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"))
    .values(status=SENT, sent_at=bindparam("now"), lease_until=None, error=None)
    .values(delivery_id=bindparam("delivery"))
)


def claim(
    session: Session,
    kind: str,
    now: datetime,
    lease: timedelta,
    limit: int = 200,
) -> list[OutboxRow]:
    """Rows of `kind` ready to send (new, due for a retry, or abandoned by a crashed worker)."""
    ready = (OutboxRow.status == PENDING) & (OutboxRow.next_attempt_at <= now)
    abandoned = (OutboxRow.status == SENDING) & (OutboxRow.lease_until < now)
    rows = list(
        session.scalars(
            select(OutboxRow)
            .where(OutboxRow.kind == kind, or_(ready, abandoned))
            .order_by(OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    for row in rows:
        row.status, row.lease_until = SENDING, now + lease
    return rows


def sent(row: OutboxRow, now: datetime, delivery_id: str | None = None) -> None:
    row.status, row.sent_at, row.lease_until, row.error = SENT, now, None, None
    row.delivery_id = delivery_id


class SentMarks:
    """`sent` by id on an autocommit connection, all at `now`: one UPDATE, committed on its
    own right after its DM went out, so that a crash repeats at most the DM in flight.

    A pass marks every DM it sends, each a round trip. The statement is compiled once and
    run on the driver's cursor, its parameters converted as SQLAlchemy would (those but
    the row and its delivery id, once): through `Connection.execute`, each mark cost
    twice the CPU (on PostgreSQL, more than the round trip itself)."""

    _VARYING = ("row_id", "delivery")

    def __init__(self, connection: Connection, now: datetime) -> None:
        dialect = connection.dialect
        compiled = _MARK_SENT.compile(dialect=dialect)
        self._sql = compiled.string
        self._order = compiled.positiontup  # the names in order, for a positional driver
        convert = {
            name: processor
            for name, bind in compiled.binds.items()
            if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect))
        }
        fixed = compiled.construct_params({"row_id": 0, "now": now, "delivery": None})
        self._fixed = {
            name: convert[name](value) if name in convert else value
            for name, value in fixed.items()
        }
        self._convert = [(name, convert[name]) for name in self._VARYING if name in convert]
        driver = connection.connection.driver_connection
        assert driver is not None  # a live connection, checked out for the pass
        self._connection, self._driver, self._cursor = connection, driver, driver.cursor()

    def __call__(self, row_id: int, delivery_id: str | None) -> None:
        values = self._fixed | {"row_id": row_id, "delivery": delivery_id}
        for name, processor in self._convert:
            values[name] = processor(values[name])
        parameters = values if self._order is None else [values[name] for name in self._order]
        try:
            self._cursor.execute(self._sql, parameters)
        except Exception as error:
            raise self._translated(error, parameters) from None

    def _translated(self, error: Exception, parameters: Any) -> Exception:
        """The driver's error as SQLAlchemy raises it (the CLI and the worker tell "the
        database is unavailable" by its class), the connection dropped if it is gone."""
        dialect = self._connection.dialect
        base = dialect.loaded_dbapi.Error
        if not isinstance(error, base):
            return error
        gone = dialect.is_disconnect(error, self._driver, self._cursor)
        if gone:
            self._connection.invalidate(error)
        return DBAPIError.instance(
            self._sql, parameters, error, base, connection_invalidated=gone, dialect=dialect
        )


def retry_later(row: OutboxRow, now: datetime, error: str) -> None:
    """Back off exponentially (1, 2, 4 … 60 minutes); give up once it is RETRY_FOR old."""
    row.attempts += 1
    row.error, row.lease_until = error, None
    if now - row.created_at >= RETRY_FOR:
        row.status = FAILED
        return
    row.status = PENDING
    row.next_attempt_at = now + timedelta(minutes=min(2 ** min(row.attempts - 1, 6), 60))


def wait_until(row: OutboxRow, moment: datetime) -> None:
    """Back to waiting, untried, until `moment` (the user's working hours begin)."""
    row.status, row.lease_until, row.next_attempt_at = PENDING, None, moment


def failed(row: OutboxRow, error: str) -> None:
    row.status, row.error, row.lease_until = FAILED, error, None


def dropped(row: OutboxRow, reason: str) -> None:
    """Not sent because it no longer applies (the thread was answered meanwhile)."""
    row.status, row.error, row.lease_until = DROPPED, reason, None
