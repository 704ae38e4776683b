"""The one clock: everything that needs "now" asks it, and `--now` fixes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)  # noqa: TID251 - the only place that reads the wall clock


@dataclass
class FixedClock:
    """A clock that stays where it is put; tests and `--now` move it by hand."""

    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("a fixed clock needs an aware datetime")

    def now(self) -> datetime:
        return self.at
