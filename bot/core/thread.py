"""A tracked thread as the core sees it: its state and what the policy and cards need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.core.mail import Address
from bot.core.risks import Risk
from bot.core.suggest import Suggestion
from bot.core.triage import Importance, Reason


class State(StrEnum):
    PENDING = "pending"  # awaits the user's reply
    SNOOZED = "snoozed"  # reminders paused until snoozed_until; the deadline stays
    HOLDING = "holding"  # a holding reply promised an answer by promised_by
    FORWARDED = "forwarded"  # handed to someone else
    ANSWERED = "answered"  # a reply is in Sent, by the user or someone else in the thread
    DONE = "done"  # closed by the user without a reply
    IGNORED = "ignored"  # bulk, list, automated: never pending


OPEN_STATES = frozenset({State.PENDING, State.SNOOZED, State.HOLDING})


@dataclass(frozen=True, slots=True)
class ThreadView:
    id: int
    ref: int
    subject: str
    sender: Address
    importance: Importance
    state: State
    received_at: datetime
    first_seen_at: datetime
    due_at: datetime
    reasons: tuple[Reason, ...] = ()
    risks: tuple[Risk, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    excerpt: str = ""
    language: str = "en"
    snoozed_until: datetime | None = None
    promised_by: datetime | None = None
    forwarded_to: str | None = None
    last_reminded_at: datetime | None = None
    steps_done: frozenset[str] = frozenset()
    backfilled: bool = False

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def deadline(self) -> datetime:
        """The deadline in force: the promised date once a holding reply went out."""
        return self.promised_by or self.due_at

    @property
    def resumes_as(self) -> State:
        """The state a snoozed thread wakes up in."""
        return State.HOLDING if self.promised_by else State.PENDING
