"""Threads and the messages that lead to them: the queries ingest and the commands need."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, select, update
from sqlalchemy.orm import Session

from bot.core.mail import Address
from bot.core.mail import Address as _Address
from bot.core.risks import Risk, RiskKind
from bot.core.suggest import PastForward, Suggestion
from bot.core.thread import OPEN_STATES, State, ThreadView
from bot.core.triage import Importance, Reason
from bot.store.models import Event, ForwardRecord, MessageRow, OutboxRow, SyncState, Thread, User

_IMPORTANCE_ORDER = case(
    {"urgent": 0, "high": 1, "normal": 2, "low": 3}, value=Thread.importance, else_=4
)


THREAD_COLUMNS = frozenset(column.key for column in Thread.__mapper__.column_attrs)


def new_thread_row(**values: Any) -> Thread:
    """A new thread holding `values`, as `Thread(**values)` would make it, without the
    change event the constructor fires for each of its 30-odd columns (ingest opens a
    thread for most mail it reads). Only for an object not in a session yet: it is
    inserted from the values it holds; from then on, changes are tracked as usual."""
    unknown = values.keys() - THREAD_COLUMNS
    if unknown:
        raise TypeError(f"not columns of a thread: {sorted(unknown)}")
    thread: Thread = Thread.__mapper__.class_manager.new_instance()
    thread.__dict__.update(values)
    return thread


def take_ref(user: User) -> int:
    ref = user.next_ref
    user.next_ref = ref + 1
    return ref


def message(session: Session, user_id: int, folder: str, message_id: str) -> MessageRow | None:
    return session.scalar(
        select(MessageRow).where(
            MessageRow.user_id == user_id,
            MessageRow.folder == folder,
            MessageRow.message_id == message_id,
        )
    )


def thread_for_ids(session: Session, user_id: int, ids: Sequence[str]) -> Thread | None:
    """The thread of the nearest message among `ids` (they come nearest first)."""
    if not ids:
        return None
    rows = session.execute(
        select(MessageRow.message_id, MessageRow.thread_id).where(
            MessageRow.user_id == user_id,
            MessageRow.message_id.in_(ids),
            MessageRow.thread_id.is_not(None),
        )
    ).all()
    found = dict(rows)
    for message_id in ids:
        if message_id in found:
            return session.get(Thread, found[message_id])
    return None


def thread_by_conversation(session: Session, user_id: int, conversation_id: str) -> Thread | None:
    return session.scalar(
        select(Thread)
        .where(Thread.user_id == user_id, Thread.conversation_id == conversation_id)
        .order_by(Thread.id.desc())
        .limit(1)
    )


def thread_by_subject(
    session: Session,
    user_id: int,
    subject_key: str,
    counterparts: Iterable[str],
) -> Thread | None:
    """The latest tracked thread on this subject with one of these people."""
    if not subject_key:
        return None
    return session.scalar(
        select(Thread)
        .where(
            Thread.user_id == user_id,
            Thread.subject_key == subject_key,
            Thread.sender_email.in_(list(counterparts)),
            Thread.state != State.IGNORED,
        )
        .order_by(Thread.id.desc())
        .limit(1)
    )


def by_ref(session: Session, user_id: int, ref: int) -> Thread | None:
    return session.scalar(select(Thread).where(Thread.user_id == user_id, Thread.ref == ref))


def open_threads(session: Session, user_id: int) -> list[Thread]:
    """The user's open threads, most urgent first (importance, then the nearest deadline)."""
    return list(
        session.scalars(
            select(Thread)
            .where(Thread.user_id == user_id, Thread.state.in_([s.value for s in OPEN_STATES]))
            .order_by(_IMPORTANCE_ORDER, Thread.due_at, Thread.id)
        )
    )


def all_threads(session: Session, user_id: int) -> list[Thread]:
    return list(
        session.scalars(
            select(Thread).where(Thread.user_id == user_id).order_by(Thread.received_at.desc())
        )
    )


def due_threads(session: Session, now: datetime, limit: int) -> list[Thread]:
    """Threads whose next reminder check has come, locked against other workers."""
    return list(
        session.scalars(
            select(Thread)
            .where(Thread.next_remind_at <= now)
            .order_by(Thread.next_remind_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


def record(
    session: Session,
    thread: Thread,
    actor: str,
    action: str,
    now: datetime,
    platform: str = "",
    detail: str = "",
) -> None:
    session.add(
        Event(
            thread=thread,  # the flush fills thread_id in, also for a thread not yet flushed
            actor=actor,
            action=action,
            detail=detail,
            platform=platform,
            at=now,
        )
    )


def history(session: Session, thread_id: int) -> list[Event]:
    return list(
        session.scalars(select(Event).where(Event.thread_id == thread_id).order_by(Event.id))
    )


def dump_reasons(reasons: Iterable[Reason]) -> list[Any]:
    return [{"code": r.code, "params": dict(r.params)} for r in reasons]


def dump_risks(risks: Iterable[Risk]) -> list[Any]:
    return [{"kind": r.kind.value, "params": dict(r.params)} for r in risks]


def load_reasons(raw: Iterable[Any]) -> tuple[Reason, ...]:
    return tuple(Reason(item["code"], tuple(item["params"].items())) for item in raw)


def load_risks(raw: Iterable[Any]) -> tuple[Risk, ...]:
    return tuple(Risk(RiskKind(item["kind"]), tuple(item["params"].items())) for item in raw)


def load_suggestions(raw: Iterable[Any]) -> tuple[Suggestion, ...]:
    return tuple(
        Suggestion(_Address(item["to"], item["name"]), item["code"], tuple(item["params"].items()))
        for item in raw
    )


def view(thread: Thread, *, for_cards: bool = True) -> ThreadView:
    """The core's picture of a stored thread; without what only cards show (reasons and
    suggestions) when `for_cards` is False, as for the reminder policy on every mail."""
    return ThreadView(
        id=thread.id,
        ref=thread.ref,
        subject=thread.subject,
        sender=Address(thread.sender_email, thread.sender_name),
        importance=Importance(thread.importance),
        state=State(thread.state),
        received_at=thread.received_at,
        first_seen_at=thread.first_seen_at,
        due_at=thread.due_at,
        reasons=load_reasons(thread.reasons) if for_cards else (),
        risks=load_risks(thread.risks),
        suggestions=load_suggestions(thread.suggestions) if for_cards else (),
        excerpt=thread.excerpt,
        language=thread.language,
        snoozed_until=thread.snoozed_until,
        promised_by=thread.promised_by,
        forwarded_to=thread.forwarded_to,
        last_reminded_at=thread.last_reminded_at,
        steps_done=frozenset(thread.steps_done),
        backfilled=thread.backfilled,
    )


def sync_states(session: Session, mailbox_id: int) -> list[SyncState]:
    return list(session.scalars(select(SyncState).where(SyncState.mailbox_id == mailbox_id)))


def save_sync_state(
    session: Session,
    mailbox_id: int,
    folder: str,
    state: str,
    now: datetime,
) -> None:
    row = session.get(SyncState, (mailbox_id, folder))
    if row is None:
        session.add(SyncState(mailbox_id=mailbox_id, folder=folder, state=state, updated_at=now))
    elif row.state != state:
        row.state, row.updated_at = state, now


def forward_history(session: Session, user_id: int, limit: int = 500) -> list[PastForward]:
    """The user's latest forwards, for suggestions."""
    rows = session.execute(  # the columns, not the rows as objects: read for every page
        select(
            ForwardRecord.sender_email,
            ForwardRecord.subject_key,
            ForwardRecord.to_email,
            ForwardRecord.to_name,
        )
        .where(ForwardRecord.user_id == user_id)
        .order_by(ForwardRecord.at.desc())
        .limit(limit)
    )
    return [PastForward(sender, key, _Address(to, name)) for sender, key, to, name in rows]


def bot_acts(session: Session, user_id: int) -> dict[int, list[datetime]]:
    """When the bot itself replied or forwarded, by thread, for one user (few: it acts
    only when asked)."""
    rows = session.execute(
        select(OutboxRow.thread_id, OutboxRow.sent_at).where(
            OutboxRow.user_id == user_id,
            OutboxRow.kind.in_(["reply", "forward"]),
            OutboxRow.status == "sent",
        )
    )
    acts: dict[int, list[datetime]] = {}
    for thread_id, sent_at in rows:
        if thread_id is not None and sent_at is not None:
            acts.setdefault(thread_id, []).append(sent_at)
    return acts


def save_columns(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Write columns of many threads in one statement, without loading or flushing objects.

    Each row holds the same keys: "id" and the columns to set (a reminder pass moves a
    batch of due threads along; the session's flush would update them one by one).
    """
    if not rows:
        return
    table = cast(Table, Thread.__table__)
    names = [name for name in rows[0] if name != "id"]
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({name: bindparam(f"new_{name}") for name in names})
    )
    params = [{"row_id": row["id"], **{f"new_{n}": row[n] for n in names}} for row in rows]
    session.execute(statement, params)


def by_ids(session: Session, ids: Iterable[int]) -> dict[int, Thread]:
    """Threads by id, many at once (in chunks well under the engines' parameter limits)."""
    wanted, found = sorted(set(ids)), {}
    for start in range(0, len(wanted), 2_000):
        chunk = wanted[start : start + 2_000]
        found.update({t.id: t for t in session.scalars(select(Thread).where(Thread.id.in_(chunk)))})
    return found


def get(session: Session, thread_id: int) -> Thread | None:
    return session.get(Thread, thread_id)
