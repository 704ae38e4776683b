"""Remind: due threads → reminder DMs and morning digests, each sent exactly once.

A pass has two halves. Planning (here) decides, thread by thread, which step of the
reminder policy falls due and writes an outbox row keyed by thread and step (so
a restart or a second worker cannot send it twice). Delivery (`delivery.py`) claims
outbox rows, renders each card from the thread as it is *now* (a reminder for a
thread that was answered meanwhile is dropped), and sends it through the user's
chat channel. The due threads are found through ix_threads_next_remind_at, so a
pass costs what is due, not how many threads there are.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import reminders
from bot.core.calendar import Calendars
from bot.core.cards import CardKind
from bot.core.ports import ChatChannel
from bot.core.risks import looks_like_phishing
from bot.core.thread import State
from bot.core.triage import Importance
from bot.services.delivery import Delivery, deliver, route
from bot.services.turn import Acting
from bot.store import outbox
from bot.store import threads as store
from bot.store.db import Store
from bot.store.models import Thread, User

log = logging.getLogger(__name__)

BATCH = 500
DIGEST_IMPORTANCE = (Importance.NORMAL.value, Importance.LOW.value)
DIGEST_GRACE = timedelta(hours=3)


@dataclass(frozen=True, slots=True)
class Reminding:
    """What the reminder pass needs of the organisation."""

    policy: reminders.Policy
    calendar: Calendars  # a user's zone and hours → their working calendar
    channels: Mapping[str, ChatChannel]
    default_platform: str = "console"
    drafting: Acting | None = None  # to show the proposed holding reply on cards


def remind(store_: Store, setup: Reminding, now: datetime) -> list[Delivery]:
    """One reminder pass: plan what is due, then deliver every pending DM."""
    plan(store_, setup, now)
    return deliver(store_, setup, now)


def plan(store_: Store, setup: Reminding, now: datetime) -> None:
    for _ in range(10_000):  # each round moves every due thread's next check past now
        with store_.unit() as session:
            due = store.due_threads(session, now, BATCH)
            owners = {user.id: user for user in _users(session, {t.user_id for t in due})}
            planned = [_plan_thread(t, owners[t.user_id], setup, now) for t in due]
            outbox.put_all(session, [dm for dm, _ in planned if dm is not None], now)
            store.save_columns(session, [columns for _, columns in planned])
        if len(due) < BATCH:
            break
    with store_.unit() as session:
        for user in _digest_due(session, now):
            _plan_digest(session, user, setup, now)


def _users(session: Session, ids: set[int]) -> list[User]:
    return list(session.scalars(select(User).where(User.id.in_(ids)))) if ids else []


def _plan_thread(
    thread: Thread, user: User, setup: Reminding, now: datetime
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """Move the thread along the policy: (the outbox row of the DM it deserves now, if any;
    the thread's columns as they are after). The columns are written in one statement for
    the whole batch, cheaper than the session's flush of each object."""
    cal = setup.calendar(user.timezone, user.work_hours)
    view = after = store.view(thread, for_cards=False)  # the policy reads no reasons
    decision = reminders.decide(view, cal, setup.policy, now)
    dm = None
    if decision.send is not None:
        payload = {"kind": decision.send.kind.value, "step": decision.send.name}
        key = f"remind:{thread.id}:{decision.send.name}"
        dm = outbox.entry(key, "dm", user.id, thread.id, payload)
        after = replace(after, last_reminded_at=now)
    steps, state = thread.steps_done, thread.state
    if decision.taken:
        steps = sorted(set(thread.steps_done) | decision.taken)
        after = replace(after, steps_done=frozenset(steps))
        if view.state is State.SNOOZED:
            state = view.resumes_as  # it depends on promised_by alone, unchanged here
            after = replace(after, state=view.resumes_as, snoozed_until=None)
    columns = {
        "id": thread.id,
        "last_reminded_at": after.last_reminded_at,
        "steps_done": steps,
        "state": state,
        "snoozed_until": after.snoozed_until,
        "next_remind_at": reminders.next_check(after, cal, setup.policy),
    }
    return dm, columns


def _digest_due(session: Session, now: datetime) -> list[User]:
    return list(
        session.scalars(
            select(User).where(User.next_digest_at <= now).with_for_update(skip_locked=True)
        )
    )


def _plan_digest(session: Session, user: User, setup: Reminding, now: datetime) -> None:
    cal = setup.calendar(user.timezone, user.work_hours)
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
        outbox.put(session, f"digest:{user.id}:{day}", "dm", user.id, None, payload, now)
    for thread in risky:
        thread.needs_warning = False


def _risky_unwarned(session: Session, user_id: int) -> list[Thread]:
    return list(
        session.scalars(
            select(Thread).where(Thread.user_id == user_id, Thread.needs_warning.is_(True))
        )
    )


__all__ = ["Delivery", "Reminding", "deliver", "plan", "remind", "route"]
