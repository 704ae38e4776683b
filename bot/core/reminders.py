"""The reminder policy: which DM a thread deserves, and when to look at it next.

The policy is a table of steps. Each step names the states it applies to and the
moment it falls due; a thread remembers the steps already taken, so a step is
never sent twice (and the outbox key `remind:<thread>:<wait>:<step>` makes sure of it
across restarts and workers; `wait` tells one wait for the user's answer from the next,
after the thread was reopened or a new date promised: each has all its steps). When
several steps fall due together (a snooze ending after the deadline passed) one DM goes
out, of the most important kind.
No DM leaves outside the user's working hours.

Defaults: urgent, and suspected phishing (to warn before anyone clicks), at the first
tick after it is seen; high once it has waited 2
working hours; urgent and high again at most every 4 working hours; every
pending thread at 75% of its SLA and once overdue; normal and low otherwise only
in the morning digest; a holding thread on the morning of the promised day and
when the promise passes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.calendar import WorkCalendar
from bot.core.cards import CardKind
from bot.core.risks import Risk, RiskKind, looks_like_phishing
from bot.core.thread import State, ThreadView
from bot.core.triage import Importance


@dataclass(frozen=True, slots=True)
class Policy:
    sla_hours: float = 24.0
    high_after: float = 2.0
    repeat_every: float = 4.0
    sla_warning: float = 0.75


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    kind: CardKind
    at: datetime


Timing = Callable[[ThreadView, WorkCalendar, Policy], datetime | None]


def wait_of(t: ThreadView, step: str) -> str:
    """Which wait for an answer `step` belongs to: the one the thread's latest cycle opened
    (from its first unanswered mail), or, for a promise's steps, the date promised."""
    start = t.promised_by if step.startswith("promise-") and t.promised_by else t.received_at
    return f"{start.timestamp():.0f}"


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    kind: CardKind
    states: frozenset[State]
    when: Timing

    def step(self, t: ThreadView, cal: WorkCalendar, policy: Policy) -> Step | None:
        at = self.when(t, cal, policy) if t.state in self.states else None
        if at is None:
            return None  # most rules, most of the time: no name to spell out
        name = self.name.format(n=_repeats(t) + 1, until=_iso(t.snoozed_until))
        return Step(name, self.kind, at) if name not in t.steps_done else None


def _repeats(t: ThreadView) -> int:
    return sum(1 for step in t.steps_done if step.startswith("repeat-"))


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _urgent_first(t: ThreadView, cal: WorkCalendar, p: Policy) -> datetime | None:
    return t.first_seen_at if t.importance is Importance.URGENT and not found_late(t) else None


def _high_first(t: ThreadView, cal: WorkCalendar, p: Policy) -> datetime | None:
    if t.importance is not Importance.HIGH or found_late(t):
        return None
    return cal.add(t.received_at, p.high_after)


def _repeat(t: ThreadView, cal: WorkCalendar, p: Policy) -> datetime | None:
    if t.importance not in (Importance.URGENT, Importance.HIGH) or t.last_reminded_at is None:
        return None
    return cal.add(t.last_reminded_at, p.repeat_every)


def _warning(t: ThreadView, cal: WorkCalendar, p: Policy) -> datetime | None:
    return None if found_late(t) else cal.add(t.received_at, p.sla_hours * p.sla_warning)


def _breach(t: ThreadView, cal: WorkCalendar, p: Policy) -> datetime | None:
    return None if found_late(t) else t.due_at


def found_late(t: ThreadView) -> bool:
    """Mail already overdue when a mailbox was first read (weeks of it, maybe): the digest
    lists it; a DM each, at once, would bury the user (urgent and high ones too: connecting
    a busy mailbox sent hundreds, a third of them for mail days past its deadline)."""
    return t.backfilled and t.due_at <= t.first_seen_at


def _snooze_end(t: ThreadView, cal: WorkCalendar, p: Policy) -> datetime | None:
    return t.snoozed_until


def _promise_morning(t: ThreadView, cal: WorkCalendar, p: Policy) -> datetime | None:
    return cal.day_start(cal.day_ended_by(t.promised_by)) if t.promised_by else None


def _promise_passed(t: ThreadView, cal: WorkCalendar, p: Policy) -> datetime | None:
    return t.promised_by


_PENDING = frozenset({State.PENDING})

# Most important first: when several fall due together, the first one is sent.
RULES: tuple[Rule, ...] = (
    Rule("breach", CardKind.BREACH, _PENDING, _breach),
    Rule("promise-breach", CardKind.BREACH, frozenset({State.HOLDING}), _promise_passed),
    Rule("promise-due", CardKind.PROMISE_DUE, frozenset({State.HOLDING}), _promise_morning),
    Rule("warning", CardKind.REMINDER, _PENDING, _warning),
    Rule("snooze-{until}", CardKind.REMINDER, frozenset({State.SNOOZED}), _snooze_end),
    Rule("first", CardKind.REMINDER, _PENDING, _urgent_first),
    # its own step: a follow-up that makes a high thread urgent is DMed at once
    Rule("first-high", CardKind.REMINDER, _PENDING, _high_first),
    Rule("repeat-{n}", CardKind.REMINDER, _PENDING, _repeat),
)

# A suspected phishing mail expects no answer, so no deadline applies: one warning at
# the first tick after it is seen ("do not reply, report it"), then only the digest.
PHISHING_RULES: tuple[Rule, ...] = (
    Rule("first", CardKind.REMINDER, _PENDING, lambda t, cal, p: t.first_seen_at),
)


# Risky mail that never becomes pending (bulk, spam-like) is still worth a line in the
# morning digest when it could hurt: phishing, or an attachment that can run code.
WARN_KINDS = frozenset(
    {RiskKind.DANGEROUS_ATTACHMENT, RiskKind.LOOKALIKE_DOMAIN, RiskKind.SPOOFED_DISPLAY_NAME}
)


def deserves_warning(risks: Sequence[Risk]) -> bool:
    return looks_like_phishing(risks) or any(r.kind in WARN_KINDS for r in risks)


def candidates(t: ThreadView, cal: WorkCalendar, policy: Policy) -> list[Step]:
    """Every step still to come for `t`, most important first."""
    views = [t]
    if t.state is State.SNOOZED:
        # once the snooze ends, whatever fell due meanwhile comes with the snooze-end DM
        views.append(replace(t, state=t.resumes_as))
    steps = []
    for rule in PHISHING_RULES if looks_like_phishing(t.risks) else RULES:
        for view in views:
            step = rule.step(view, cal, policy)
            if step is not None:
                steps.append(_not_before(step, t.snoozed_until) if view is not t else step)
    return steps


def _not_before(step: Step, moment: datetime | None) -> Step:
    return replace(step, at=max(step.at, moment)) if moment else step


@dataclass(frozen=True, slots=True)
class Decision:
    send: Step | None  # the DM to send now, if any
    taken: frozenset[str]  # every step name this DM covers


def decide(t: ThreadView, cal: WorkCalendar, policy: Policy, now: datetime) -> Decision:
    """What to send for `t` at `now` (nothing outside working hours)."""
    if not t.is_open or not cal.is_working_time(now):
        return Decision(None, frozenset())
    due = [step for step in candidates(t, cal, policy) if step.at <= now]
    return Decision(due[0] if due else None, frozenset(step.name for step in due))


def next_check(t: ThreadView, cal: WorkCalendar, policy: Policy) -> datetime | None:
    """When the policy should look at `t` again: its next step, moved into working time."""
    if not t.is_open:
        return None
    upcoming = [step.at for step in candidates(t, cal, policy)]
    return cal.next_working_time(min(upcoming)) if upcoming else None


def next_digest(cal: WorkCalendar, now: datetime) -> datetime:
    """The morning of the next working day after `now` (today's, if it has not begun)."""
    today = now.astimezone(cal.tz).date()
    start = cal.day_start(today)
    if cal.is_working_day(today) and now < start:
        return start
    return cal.day_start(cal.next_working_day(today))
