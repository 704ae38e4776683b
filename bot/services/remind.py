"""Remind: due threads → reminder DMs and morning digests, each sent exactly once.

A pass has two halves. Planning (here) decides, thread by thread, which step of the
reminder policy falls due and writes an outbox row keyed by thread and step (so
a restart or a second worker cannot send it twice). A reminder's row is written
already leased to the pass, its card rendered from the thread just read: the pass
sends it at once, and if the pass dies first, a later one sends it when the lease
ends. Delivery (`delivery.py`) sends those, then claims the other outbox rows
(digests, retries), renders each card from the thread as it is *now* (a reminder for
a thread that was answered meanwhile is dropped), and sends it through the user's
chat channel. The due threads are found through ix_threads_next_remind_at, so a
pass costs what is due, not how many threads there are.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
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
from bot.core.thread import State, ThreadView
from bot.core.triage import Importance
from bot.services.delivery import (
    LEASE,
    Delivery,
    Planned,
    Ready,
    deliver,
    prepare_planned,
    route,
    send_ready,
)
from bot.services.turn import Acting
from bot.store import outbox
from bot.store import threads as store
from bot.store.db import Store
from bot.store.models import Thread, User

log = logging.getLogger(__name__)

BATCH = 200  # due threads a round: as many DMs as delivery claims at once, sent in its lease
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
    """One reminder pass: plan what is due round by round, sending each round's reminders
    before the next round, then deliver every other pending DM (digests, retries)."""
    sent = [one for ready in plan(store_, setup, now) for one in send_ready(store_, ready, now)]
    return sent + deliver(store_, setup, now)


def plan(store_: Store, setup: Reminding, now: datetime) -> Iterator[list[Ready]]:
    """Move every due thread along the policy and put the DMs it deserves in the outbox.

    Each round's reminders come out ready to send once the round is committed, leased to
    this pass: the caller sends them before the next round is planned, so that they go
    out well within their lease, from threads read moments before (as a claimed batch
    does). Digests, and any DM planned before, wait in the outbox for `deliver`."""
    for _ in range(10_000):  # each round moves every due thread's next check past now
        with store_.unit() as session:
            due = store.due_threads(session, now, BATCH)
            owners = {user.id: user for user in _users(session, {t.user_id for t in due})}
            steps = [_plan_thread(t, owners[t.user_id], setup, now) for t in due]
            dms = [step.dm for step in steps if step.dm is not None]
            leased = outbox.put_leased(session, dms, now, LEASE)
            store.save_columns(session, [step.columns for step in steps])
            planned = [_planned(step, leased) for step in steps if step.dm is not None]
            ready = prepare_planned(session, [p for p in planned if p is not None], setup, now)
        yield ready
        if len(due) < BATCH:
            break
    # A unit of its own: the rounds' sessions hold their threads as read, before the
    # columns written in one statement (a thread resumed from a snooze reads "snoozed").
    with store_.unit() as session:
        for user in _digest_due(session, now):
            _plan_digest(session, user, setup, now)


def _users(session: Session, ids: set[int]) -> list[User]:
    return list(session.scalars(select(User).where(User.id.in_(ids)))) if ids else []


@dataclass(frozen=True, slots=True)
class _Step:
    """What planning did to one due thread."""

    thread: Thread
    user: User
    after: ThreadView  # the thread as it is after (with reasons and suggestions if dm)
    dm: dict[str, Any] | None  # the outbox row of the DM it deserves now, if any
    columns: dict[str, Any]  # the columns to write: "id" and the ones the plan moves


def _planned(step: _Step, leased: dict[str, int]) -> Planned | None:
    """The step's DM, if its row is new (a key already in the outbox sends nothing new)."""
    assert step.dm is not None
    row_id = leased.get(step.dm["key"])
    if row_id is None:
        return None
    return Planned(row_id, CardKind(step.dm["payload"]["kind"]), step.thread, step.after, step.user)


def _plan_thread(thread: Thread, user: User, setup: Reminding, now: datetime) -> _Step:
    """Move the thread along the policy. Its columns are written in one statement for the
    whole batch, cheaper than the session's flush of each object."""
    cal = setup.calendar(user.timezone, user.work_hours)
    view = store.view(thread, for_cards=False)  # the policy reads no reasons
    decision = reminders.decide(view, cal, setup.policy, now)
    changes: dict[str, Any] = {}  # to the view, made in one `replace`
    dm = None
    if decision.send is not None:
        payload = {"kind": decision.send.kind.value, "step": decision.send.name}
        key = (
            f"remind:{thread.id}:{reminders.wait_of(view, decision.send.name)}:{decision.send.name}"
        )
        dm = outbox.entry(key, "dm", user.id, thread.id, payload)
        changes["last_reminded_at"] = now
        changes["reasons"] = store.load_reasons(thread.reasons)  # the card shows these two
        changes["suggestions"] = store.load_suggestions(thread.suggestions)
    steps, state = thread.steps_done, thread.state
    if decision.taken:
        steps = sorted(set(thread.steps_done) | decision.taken)
        changes["steps_done"] = frozenset(steps)
        if view.state is State.SNOOZED:
            state = view.resumes_as  # it depends on promised_by alone, unchanged here
            changes |= {"state": view.resumes_as, "snoozed_until": None}
    after = replace(view, **changes) if changes else view
    columns = {
        "id": thread.id,
        "last_reminded_at": after.last_reminded_at,
        "steps_done": steps,
        "state": state,
        "snoozed_until": after.snoozed_until,
        "next_remind_at": reminders.next_check(after, cal, setup.policy),
    }
    return _Step(thread, user, after, dm, columns)


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
        elif t.state == State.PENDING and (
            t.importance in DIGEST_IMPORTANCE or reminders.found_late(view)
        ):  # (found overdue by the first sync: no DM of its own, whatever its importance)
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
