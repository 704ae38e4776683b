"""The user's own page in a chat app (Slack's App Home): open threads and settings.

The threads are the ones `list` shows, most urgent first, each as the reminder
card it would get now (so the page offers the same actions as a DM); a closed
thread's card keeps its text but loses its actions. The settings are the ones a
user may change for themselves: the bot's language and the morning digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.calendar import WorkCalendar, parse_hours
from bot.core.cards import Card, CardKind
from bot.core.i18n import LOCALES
from bot.core.present import reminder_card
from bot.core.thread import OPEN_STATES
from bot.services.turn import Acting
from bot.store import threads as store
from bot.store import users
from bot.store.db import Store
from bot.store.models import Thread, User

SHOWN = 20  # a page is for the most urgent few; `list` shows them all


@dataclass(frozen=True, slots=True)
class Home:
    email: str
    locale: str
    digest: bool
    work_hours: str  # "" when the organisation's hours apply
    cards: tuple[Card, ...]
    total: int  # open threads, also those not shown


def home(store_: Store, setup: Acting, email: str, now: datetime) -> Home:
    """The user's page: settings, and their open threads as cards, most urgent first."""
    with store_.unit() as session:
        user = users.user_by_email(session, email)
        rows = store.open_threads(session, user.id)
        cards = tuple(_card(setup, user, t, now) for t in rows[:SHOWN])
        hours = user.work_hours or ""
        return Home(user.email, user.locale, user.digest, hours, cards, len(rows))


def thread_card(
    store_: Store, setup: Acting, email: str, thread_id: int, now: datetime
) -> Card | None:
    """The card of one of the user's threads as it is now; None when it is not theirs."""
    with store_.unit() as session:
        user = users.user_by_email(session, email)
        thread = session.get(Thread, thread_id)
        if thread is None or thread.user_id != user.id:
            return None
        return _card(setup, user, thread, now)


def _card(setup: Acting, user: User, thread: Thread, now: datetime) -> Card:
    cal: WorkCalendar = setup.calendar(user.timezone, user.work_hours)
    view = store.view(thread)
    kind = CardKind.BREACH if view.deadline() <= now else CardKind.REMINDER
    card = reminder_card(view, kind, cal, now, user.locale, setup.policy.sla_hours)
    if view.state not in OPEN_STATES:  # nothing is left to do: the buttons go
        return _closed(card)
    return card


def _closed(card: Card) -> Card:
    return Card(
        kind=card.kind,
        locale=card.locale,
        title=card.title,
        thread_id=card.thread_id,
        ref=card.ref,
        sender=card.sender,
        subject=card.subject,
        excerpt=card.excerpt,
        deadline="",
    )


def set_preferences(
    store_: Store,
    email: str,
    *,
    locale: str | None = None,
    digest: bool | None = None,
    work_hours: str | None = None,
) -> None:
    """Change what the user may change for themselves; an unknown value is refused.

    `work_hours` is spans like "08:30-12:00,13:30-17:30", or "" for the organisation's.
    Deadlines already running keep the hours they started with.
    """
    if locale is not None and locale not in LOCALES:
        raise ValueError(f"unknown language {locale!r} (expected one of {', '.join(LOCALES)})")
    if work_hours:
        parse_hours(work_hours)  # raises ValueError with a clear message
    with store_.unit() as session:
        user = users.user_by_email(session, email)
        if locale is not None:
            user.locale = locale
        if digest is not None:
            user.digest = digest
        if work_hours is not None:
            user.work_hours = work_hours or None
