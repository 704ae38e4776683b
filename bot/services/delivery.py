"""Delivery: the outbox's due DMs → cards from the threads as they are now → chat.

The second half of a reminder pass (`remind.py` plans what is due; this sends it).
Each round claims a batch of DM rows with a lease and, in the same unit of work,
prepares the whole batch: its users, threads and chat identities are read in a query
each, and a DM that no longer applies (its thread was answered meanwhile) is dropped.
Each DM is then sent outside any transaction and marked sent right after by an
UPDATE of its own, so that a crash can repeat at most the one DM in flight; a failed
send is retried on a later pass.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select
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
_REMINDED = (State.PENDING, State.HOLDING, State.SNOOZED)


@dataclass(frozen=True, slots=True)
class Delivery:
    user: str
    channel: str
    kind: str
    thread_ids: tuple[int, ...]
    card: Card


@dataclass(frozen=True, slots=True)
class _Ready:
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


def deliver(store_: Store, setup: Reminding, now: datetime) -> list[Delivery]:
    """Send every DM that is due, each once; a failure is retried on a later pass."""
    delivered: list[Delivery] = []
    while True:
        with store_.unit() as session:
            rows = outbox.claim(session, "dm", now, LEASE)
            ready = _prepare(session, rows, setup, now)
        if not rows:
            return delivered
        with store_.autocommit() as connection:
            delivered += [one.delivery for one in ready if _send(store_, connection, one, now)]


def _send(store_: Store, connection: Connection, ready: _Ready, now: datetime) -> bool:
    try:
        delivery_id = ready.channel.send(ready.address, ready.delivery.card)
    except ChatError as error:
        log.warning("DM to %s failed, will retry: %s", ready.delivery.user, error)
        with store_.unit() as session:
            row = session.get(OutboxRow, ready.row_id)
            assert row is not None
            outbox.retry_later(row, now, str(error))
        return False
    outbox.mark_sent(connection, ready.row_id, now, delivery_id)  # committed: this DM alone
    return True


def _prepare(
    session: Session, rows: Sequence[OutboxRow], setup: Reminding, now: datetime
) -> list[_Ready]:
    batch = _Batch.read(session, rows)
    ready = []
    for row in rows:
        one = _ready(batch, row, setup, now)
        if one is None:
            outbox.dropped(row, "no longer applies")
        else:
            ready.append(one)
    return ready


def _ready(batch: _Batch, row: OutboxRow, setup: Reminding, now: datetime) -> _Ready | None:
    user = batch.users[row.user_id]
    cal = setup.calendar(user.timezone, user.work_hours)
    card, ids = _card(batch, row, user, cal, setup, now)
    if card is None:
        return None
    channel, address = _route(user, batch.addresses.get(user.id, {}), setup)
    delivery = Delivery(user.email, channel.platform, row.payload["kind"], ids, card)
    return _Ready(row.id, channel, address, delivery)


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
        ids = tuple(t.id for t in waiting)
        return digest_card(waiting, risky, cal, now, user.locale), ids
    thread = batch.threads.get(row.thread_id) if row.thread_id is not None else None
    if thread is None or thread.state not in _REMINDED:
        return None, ()
    card = reminder_card(store.view(thread), kind, cal, now, user.locale, setup.policy.sla_hours)
    return _with_preview(card, thread, user, cal, setup, now), (thread.id,)


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
