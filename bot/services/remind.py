"""Remind: due threads → reminder DMs and morning digests, each sent exactly once.

A pass has two halves. Planning decides, thread by thread, which step of the
reminder policy falls due and writes an outbox row keyed by thread and step (so
a restart or a second worker cannot send it twice). Delivery claims outbox rows,
renders each card from the thread as it is *now* (a reminder for a thread that
was answered meanwhile is dropped), and sends it through the user's chat channel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import reminders
from bot.core.calendar import WorkCalendar
from bot.core.cards import Card, CardKind
from bot.core.ports import ChatAddress, ChatChannel, ChatError
from bot.core.present import digest_card, reminder_card
from bot.core.risks import looks_like_phishing
from bot.core.thread import State, ThreadView
from bot.core.triage import Importance
from bot.store import outbox, users
from bot.store import threads as store
from bot.store.db import Store
from bot.store.models import OutboxRow, Thread, User

log = logging.getLogger(__name__)

BATCH = 500
LEASE = timedelta(minutes=5)
DIGEST_IMPORTANCE = (Importance.NORMAL.value, Importance.LOW.value)
DIGEST_GRACE = timedelta(hours=3)


@dataclass(frozen=True, slots=True)
class Delivery:
    user: str
    channel: str
    kind: str
    thread_ids: tuple[int, ...]
    card: Card


@dataclass(frozen=True, slots=True)
class Reminding:
    """What the reminder pass needs of the organisation."""

    policy: reminders.Policy
    calendar: Callable[[str], WorkCalendar]
    channels: Mapping[str, ChatChannel]
    default_platform: str = "console"


def remind(store_: Store, setup: Reminding, now: datetime) -> list[Delivery]:
    """One reminder pass: plan what is due, then deliver every pending DM."""
    plan(store_, setup, now)
    return deliver(store_, setup, now)


def plan(store_: Store, setup: Reminding, now: datetime) -> None:
    for _ in range(10_000):  # each round moves every due thread's next check past now
        with store_.unit() as session:
            due = store.due_threads(session, now, BATCH)
            for thread in due:
                _plan_thread(session, thread, setup, now)
        if len(due) < BATCH:
            break
    with store_.unit() as session:
        for user in _digest_due(session, now):
            _plan_digest(session, user, setup, now)


def _plan_thread(session: Session, thread: Thread, setup: Reminding, now: datetime) -> None:
    user = session.get(User, thread.user_id)
    assert user is not None
    cal = setup.calendar(user.timezone)
    decision = reminders.decide(store.view(thread), cal, setup.policy, now)
    if decision.send is not None:
        payload = {"kind": decision.send.kind.value, "step": decision.send.name}
        key = f"remind:{thread.id}:{decision.send.name}"
        outbox.enqueue(session, key, "dm", user.id, thread.id, payload, now)
        thread.last_reminded_at = now
    if decision.taken:
        thread.steps_done = sorted(set(thread.steps_done) | decision.taken)
        if thread.state == State.SNOOZED:
            thread.state = store.view(thread).resumes_as
            thread.snoozed_until = None
    thread.next_remind_at = reminders.next_check(store.view(thread), cal, setup.policy)


def _digest_due(session: Session, now: datetime) -> list[User]:
    return list(
        session.scalars(
            select(User).where(User.next_digest_at <= now).with_for_update(skip_locked=True)
        )
    )


def _plan_digest(session: Session, user: User, setup: Reminding, now: datetime) -> None:
    cal = setup.calendar(user.timezone)
    missed = user.next_digest_at is not None and now - user.next_digest_at > DIGEST_GRACE
    user.next_digest_at = reminders.next_digest(cal, now)
    if not user.digest or missed:  # a "good morning" at 2 pm helps nobody: wait for tomorrow
        return
    waiting, phishing = [], []
    for t in store.open_threads(session, user.id):
        view = store.view(t)
        if looks_like_phishing(view.risks):
            phishing.append(t)
        elif t.state == State.PENDING and t.importance in DIGEST_IMPORTANCE:
            waiting.append(t.id)
    risky = [*phishing, *_risky_unwarned(session, user.id)]
    if waiting or risky:
        day = now.astimezone(cal.tz).date().isoformat()
        payload = {
            "kind": CardKind.DIGEST.value,
            "threads": waiting,
            "risky": [t.id for t in risky],
        }
        outbox.enqueue(session, f"digest:{user.id}:{day}", "dm", user.id, None, payload, now)
    for thread in risky:
        thread.needs_warning = False


def _risky_unwarned(session: Session, user_id: int) -> list[Thread]:
    return list(
        session.scalars(
            select(Thread).where(Thread.user_id == user_id, Thread.needs_warning.is_(True))
        )
    )


def deliver(store_: Store, setup: Reminding, now: datetime) -> list[Delivery]:
    """Send every DM that is due, each once; a failure is retried on a later pass."""
    delivered: list[Delivery] = []
    while True:
        with store_.unit() as session:
            claimed = [row.id for row in outbox.claim(session, "dm", now, LEASE)]
        if not claimed:
            return delivered
        for row_id in claimed:
            delivery = _deliver_one(store_, row_id, setup, now)
            if delivery is not None:
                delivered.append(delivery)


def _deliver_one(store_: Store, row_id: int, setup: Reminding, now: datetime) -> Delivery | None:
    with store_.unit() as session:
        row = session.get(OutboxRow, row_id)
        assert row is not None
        prepared = _prepare(session, row, setup, now)
        if prepared is None:
            outbox.dropped(row, "no longer applies")
            return None
        channel, address, delivery = prepared
    try:
        delivery_id = channel.send(address, delivery.card)
    except ChatError as error:
        log.warning("DM to %s failed, will retry: %s", delivery.user, error)
        with store_.unit() as session:
            outbox.retry_later(_row(session, row_id), now, str(error))
        return None
    with store_.unit() as session:
        outbox.sent(_row(session, row_id), now, delivery_id)
    return delivery


def _row(session: Session, row_id: int) -> OutboxRow:
    row = session.get(OutboxRow, row_id)
    assert row is not None
    return row


def _prepare(
    session: Session,
    row: OutboxRow,
    setup: Reminding,
    now: datetime,
) -> tuple[ChatChannel, ChatAddress, Delivery] | None:
    user = session.get(User, row.user_id)
    assert user is not None
    cal = setup.calendar(user.timezone)
    card, ids = _card(session, row, user, cal, setup, now)
    if card is None:
        return None
    channel, address = route(session, user, setup)
    return channel, address, Delivery(user.email, channel.platform, row.payload["kind"], ids, card)


def _card(
    session: Session,
    row: OutboxRow,
    user: User,
    cal: WorkCalendar,
    setup: Reminding,
    now: datetime,
) -> tuple[Card | None, tuple[int, ...]]:
    kind = CardKind(row.payload["kind"])
    if kind is CardKind.DIGEST:
        waiting = _views(session, row.payload["threads"], open_only=True)
        risky = _views(session, row.payload["risky"], open_only=False)
        if not waiting and not risky:
            return None, ()
        ids = tuple(t.id for t in waiting)
        return digest_card(waiting, risky, cal, now, user.locale), ids
    thread = session.get(Thread, row.thread_id)
    if thread is None or thread.state not in (State.PENDING, State.HOLDING, State.SNOOZED):
        return None, ()
    card = reminder_card(store.view(thread), kind, cal, now, user.locale, setup.policy.sla_hours)
    return card, (thread.id,)


def _views(session: Session, ids: list[int], open_only: bool) -> list[ThreadView]:
    rows = [session.get(Thread, i) for i in ids]
    return [
        store.view(t) for t in rows if t is not None and (not open_only or t.state == State.PENDING)
    ]


def route(session: Session, user: User, setup: Reminding) -> tuple[ChatChannel, ChatAddress]:
    """The channel a user is reached on: the platform they used last, else the default."""
    known = users.chat_addresses(session, user.id)
    for platform in (user.last_platform, setup.default_platform):
        if platform in known and platform in setup.channels:
            return setup.channels[platform], known[platform]
    return setup.channels["console"], ChatAddress("console", user.email)
