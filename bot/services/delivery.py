"""Delivery: the outbox's due DMs → cards from the threads as they are now → chat.

The second half of a reminder pass (`remind.py` plans what is due; this sends it).
The reminders a pass plans come to it already leased and ready (`prepare_planned`),
a round at a time: their threads and users were read a moment before. Then each round
claims a batch of the other DM rows (digests, retries, a crashed pass's reminders once their lease
ends) and, in the same unit of work, prepares the whole batch: its users, threads
and chat identities are read in a query each, and a DM that no longer applies (its
thread was answered meanwhile) is dropped. Each DM is then sent outside any
transaction and marked sent right after by an UPDATE of its own, so that a crash can
repeat at most the one DM in flight; a failed send is retried on a later pass.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.calendar import WorkCalendar
from bot.core.cards import Card, CardKind
from bot.core.mail import Address
from bot.core.ports import ChatAddress, ChatChannel, ChatError
from bot.core.present import digest_card, proposed_promise, reminder_card
from bot.core.replies import TemplateError
from bot.core.thread import State, ThreadView
from bot.services import send
from bot.store import outbox, users
from bot.store import threads as store
from bot.store.db import Store
from bot.store.models import OutboxRow, Thread, User

if TYPE_CHECKING:
    from bot.services.remind import Reminding

log = logging.getLogger("bot.services.remind")

LEASE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Delivery:
    user: str
    channel: str
    kind: str
    thread_ids: tuple[int, ...]
    card: Card


@dataclass(frozen=True, slots=True)
class Ready:
    """A DM whose row this pass holds, its card made and its address found: to send."""

    row_id: int
    channel: ChatChannel
    address: ChatAddress
    delivery: Delivery


@dataclass(frozen=True, slots=True)
class _Batch:
    """What a batch of DMs needs from the database, read once."""

    users: dict[int, User]
    threads: dict[int, Thread]
    addresses: dict[int, dict[str, ChatAddress]]

    @classmethod
    def read(cls, session: Session, rows: Sequence[OutboxRow]) -> _Batch:
        user_ids = {row.user_id for row in rows}
        found = session.scalars(select(User).where(User.id.in_(user_ids))) if rows else ()
        thread_ids = [i for row in rows for i in _threads_of(row)]
        return cls(
            {user.id: user for user in found},
            store.by_ids(session, thread_ids),
            users.chat_addresses_of(session, user_ids),
        )


def _threads_of(row: OutboxRow) -> list[int]:
    if row.payload["kind"] == CardKind.DIGEST.value:
        return [*row.payload["threads"], *row.payload["risky"]]
    return [row.thread_id] if row.thread_id is not None else []


@dataclass(frozen=True, slots=True)
class Planned:
    """A reminder DM the pass has just put in the outbox, leased to it, with what its card
    needs at hand: claiming the row and reading the thread and its user again, a few
    milliseconds after the plan read them, cost a third of a pass."""

    row_id: int
    kind: CardKind
    thread: Thread
    view: ThreadView  # the thread as the plan left it, reasons and suggestions included
    user: User


def deliver(store_: Store, setup: Reminding, now: datetime) -> list[Delivery]:
    """Send every DM that is due, each once; a failure is retried on a later pass."""
    delivered: list[Delivery] = []
    while True:
        with store_.unit() as session:
            rows = outbox.claim(session, "dm", now, LEASE)
            ready = _prepare(session, rows, setup, now) if rows else []
        if not rows:
            return delivered
        delivered += send_ready(store_, ready, now)


def prepare_planned(
    session: Session, planned: Sequence[Planned], setup: Reminding, now: datetime
) -> list[Ready]:
    """The DMs just planned, ready to send (the policy sends only for open threads, so
    each still applies)."""
    addresses = users.chat_addresses_of(session, {p.user.id for p in planned}) if planned else {}
    ready = []
    for p in planned:
        cal = setup.calendar(p.user.timezone, p.user.work_hours)
        card = _reminder(p.thread, p.view, p.kind, p.user, cal, setup, now)
        known = addresses.get(p.user.id, {})
        ready.append(_addressed(p.row_id, p.user, known, card, (p.thread.id,), setup))
    return ready


def send_ready(store_: Store, ready: Sequence[Ready], now: datetime) -> list[Delivery]:
    """Send DMs whose rows this pass holds, each marked sent as soon as it went out."""
    if not ready:
        return []
    with store_.autocommit() as connection:
        mark = outbox.SentMarks(connection, now)
        return [one.delivery for one in ready if _send(store_, mark, one, now)]


def _send(store_: Store, mark: outbox.SentMarks, ready: Ready, now: datetime) -> bool:
    try:
        delivery_id = ready.channel.send(ready.address, ready.delivery.card)
    except ChatError as error:
        log.warning("DM to %s failed, will retry: %s", ready.delivery.user, error)
        with store_.unit() as session:
            row = session.get(OutboxRow, ready.row_id)
            assert row is not None
            outbox.retry_later(row, now, str(error))
        return False
    mark(ready.row_id, delivery_id)  # committed: this DM alone
    return True


def _prepare(
    session: Session, rows: Sequence[OutboxRow], setup: Reminding, now: datetime
) -> list[Ready]:
    batch = _Batch.read(session, rows)
    ready = []
    for row in rows:
        user = batch.users[row.user_id]
        cal = setup.calendar(user.timezone, user.work_hours)
        if not cal.is_working_time(now):  # a retry after hours, an abandoned DM: no DM
            outbox.wait_until(row, cal.next_working_time(now))  # leaves then, whatever it is
            continue
        one = _ready(batch, row, user, cal, setup, now)
        if one is None:
            outbox.dropped(row, "no longer applies")
        else:
            ready.append(one)
    return ready


def _ready(
    batch: _Batch, row: OutboxRow, user: User, cal: WorkCalendar, setup: Reminding, now: datetime
) -> Ready | None:
    card, ids = _card(batch, row, user, cal, setup, now)
    if card is None:
        return None
    return _addressed(row.id, user, batch.addresses.get(user.id, {}), card, ids, setup)


def _addressed(
    row_id: int,
    user: User,
    known: dict[str, ChatAddress],
    card: Card,
    ids: tuple[int, ...],
    setup: Reminding,
) -> Ready:
    channel, address = _route(user, known, setup)
    delivery = Delivery(user.email, channel.platform, card.kind.value, ids, card)
    return Ready(row_id, channel, address, delivery)


def _card(
    batch: _Batch,
    row: OutboxRow,
    user: User,
    cal: WorkCalendar,
    setup: Reminding,
    now: datetime,
) -> tuple[Card | None, tuple[int, ...]]:
    kind = CardKind(row.payload["kind"])
    if kind is CardKind.DIGEST:
        waiting = _views(batch, row.payload["threads"], open_only=True)
        risky = _views(batch, row.payload["risky"], open_only=False)
        if not waiting and not risky:
            return None, ()
        ids = tuple(t.id for t in (*waiting, *risky))  # every thread the digest shows
        return digest_card(waiting, risky, cal, now, user.locale), ids
    thread = batch.threads.get(row.thread_id) if row.thread_id is not None else None
    if thread is None:
        return None, ()
    view = store.view(thread)
    if not view.is_open:
        return None, ()  # answered or done meanwhile
    return _reminder(thread, view, kind, user, cal, setup, now), (thread.id,)


def _reminder(
    thread: Thread,
    view: ThreadView,
    kind: CardKind,
    user: User,
    cal: WorkCalendar,
    setup: Reminding,
    now: datetime,
) -> Card:
    """A reminder's card, with the holding reply it proposes."""
    card = reminder_card(view, kind, cal, now, user.locale, setup.policy.sla_hours)
    return _with_preview(card, thread, user, cal, setup, now)


def _with_preview(
    card: Card, thread: Thread, user: User, cal: WorkCalendar, setup: Reminding, now: datetime
) -> Card:
    """The card with the holding reply its nudge proposes, for platforms that show it."""
    if not card.nudge or setup.drafting is None:
        return card
    to = Address(thread.sender_email, thread.sender_name)
    try:
        text = send.holding_body(setup.drafting, thread, user, proposed_promise(cal, now), to)
    except TemplateError:
        return card  # the command itself will say what is wrong with the template
    return replace(card, preview=text)


def _views(batch: _Batch, ids: list[int], open_only: bool) -> list[ThreadView]:
    rows = [batch.threads.get(i) for i in ids]
    return [
        store.view(t) for t in rows if t is not None and (not open_only or t.state == State.PENDING)
    ]


def route(session: Session, user: User, setup: Reminding) -> tuple[ChatChannel, ChatAddress]:
    """The channel a user is reached on: the platform they used last, else the default."""
    return _route(user, users.chat_addresses(session, user.id), setup)


def _route(
    user: User, known: dict[str, ChatAddress], setup: Reminding
) -> tuple[ChatChannel, ChatAddress]:
    for platform in (user.last_platform, setup.default_platform):
        if platform in known and platform in setup.channels:
            return setup.channels[platform], known[platform]
    if setup.default_platform != "console":
        # Not linked yet: keep the DM in the outbox (retried with back-off) rather than
        # "deliver" it to a console nobody reads in production.
        return Unreachable(setup.default_platform), ChatAddress(setup.default_platform, user.email)
    return setup.channels["console"], ChatAddress("console", user.email)


@dataclass
class Unreachable:
    """The organisation's chat platform, for a user it cannot reach yet."""

    platform: str

    def send(self, to: ChatAddress, card: Card) -> str:
        raise ChatError(
            f"{to.key} is not reachable on {self.platform} yet (not linked: they have not "
            f"written to the bot, or {self.platform} knows no user with that email)"
        )
