"""Working time: the clock the 24-working-hour promise is measured on.

Working time runs only inside the working spans of working days, in the user's
time zone: lunch breaks, nights, weekends and public holidays do not count, and
Vietnam's make-up working Saturdays do. Example with the defaults
(08:00-12:00, 13:00-17:00, Mon-Fri): received Monday 10:00 + 24 working hours →
due Thursday 10:00.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_INSTANT = timedelta(microseconds=1)  # the least time there is between two moments
_SEARCH_LIMIT_DAYS = 3_700  # a calendar with no working day at all is refused long before
_SUMS_KEPT = 50_000  # results of `add` remembered (a few MB at most)


def parse_hours(text: str) -> tuple[tuple[int, int], ...]:
    """ "08:00-12:00,13:00-17:00" → ((480, 720), (780, 1020)); "00:00-24:00" is the whole day."""
    spans = []
    for part in text.split(","):
        match = _SPAN.match(part)
        if not match:
            raise ValueError(f"expected spans like 08:00-12:00,13:00-17:00, got {text!r}")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if m1 > 59 or m2 > 59 or not 0 <= start < end <= MINUTES_PER_DAY:
            raise ValueError(f"{part.strip()!r} is not a span of one day (start before end)")
        spans.append((start, end))
    spans.sort()
    for (_, end), (start, _) in itertools.pairwise(spans):
        if start < end:
            raise ValueError(f"working spans overlap in {text!r}")
    return tuple(spans)


def parse_days(text: str) -> frozenset[int]:
    """ "mon-fri" → {0..4}; "mon,wed,fri"; "sun-thu" wraps around the week."""
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in DAY_NAMES or (last and last not in DAY_NAMES):
            raise ValueError(f"expected days like mon-fri or mon,wed,fri, got {text!r}")
        a, b = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
        days.update(d % 7 for d in range(a, b + 1 if b >= a else b + 8))
    return frozenset(days)


class NoHolidays:
    """The holiday table of a company that observes none (`HOLIDAYS=` empty)."""

    weekend_workdays: frozenset[date] = frozenset()

    def __contains__(self, day: object) -> bool:
        return False


@dataclass(frozen=True)
class WorkCalendar:
    tz: ZoneInfo
    spans: tuple[tuple[int, int], ...] = ((480, 720), (780, 1020))
    days: frozenset[int] = frozenset(range(5))
    holidays: Container[date] = field(default_factory=NoHolidays)

    def __post_init__(self) -> None:
        if not self.spans or not self.days:
            raise ValueError("a working calendar needs at least one working span and day")
        # Every deadline and reminder asks about the same few days again and again, and a
        # holiday lookup or a zone conversion costs microseconds: answers are kept, per day.
        object.__setattr__(self, "_working", {})
        object.__setattr__(self, "_moments", {})
        object.__setattr__(self, "_sums", {})
        object.__setattr__(self, "_spans", {})
        object.__setattr__(self, "_days", {})

    def is_working_day(self, day: date) -> bool:
        known: dict[date, bool] = self._working  # type: ignore[attr-defined]
        found = known.get(day)
        if found is None:
            found = known[day] = self._is_working_day(day)
        return found

    def _is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        extra: Container[date] = getattr(self.holidays, "weekend_workdays", ())
        return day.weekday() in self.days or day in extra

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        for offset in range(1, _SEARCH_LIMIT_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError("no working day within ten years")

    def day_start(self, day: date) -> datetime:
        return self._at(day, self.spans[0][0])

    def day_end(self, day: date) -> datetime:
        return self._at(day, self.spans[-1][1])

    def day_ended_by(self, moment: datetime) -> date:
        """The day a `day_end` belongs to: with hours to 24:00, that end is the next
        day's midnight, and still the day before's."""
        return (moment - _INSTANT).astimezone(self.tz).date()

    def is_working_time(self, moment: datetime) -> bool:
        local = moment.astimezone(self.tz)
        minute = local.hour * 60 + local.minute
        return self.is_working_day(local.date()) and any(a <= minute < b for a, b in self.spans)

    def next_working_time(self, moment: datetime) -> datetime:
        """`moment` if it is working time, else the start of the next working span."""
        for start, _ in self._intervals(moment):
            return max(start, moment)
        raise AssertionError("unreachable: _intervals never ends")

    def add(self, moment: datetime, hours: float) -> datetime:
        """The moment `hours` working hours after `moment` (a span's end, not the next start)."""
        # The reminder policy asks the same sums of each thread again and again (deciding,
        # then scheduling the next check): kept, and forgotten wholesale once there are many.
        # (The key holds the zone and fold too: the answer is written in the moment's zone.)
        known: dict[tuple[object, ...], datetime] = self._sums  # type: ignore[attr-defined]
        key = (moment, moment.tzinfo, moment.fold, hours)
        found = known.get(key)
        if found is None:  # (a local: another thread may clear the cache meanwhile)
            if len(known) > _SUMS_KEPT:
                known.clear()
            found = known[key] = self._add(moment, hours)
        return found

    def _add(self, moment: datetime, hours: float) -> datetime:
        left = timedelta(hours=hours)
        if left <= timedelta(0):
            return moment
        for start, end in self._intervals(moment):
            begin = max(start, moment)
            if begin + left <= end:
                return begin + left
            left -= end - begin
        raise AssertionError("unreachable: _intervals never ends")

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Working time from `a` to `b`; negative when `b` comes first."""
        # A card measures the time left twice (the nudge, the deadline line): kept, as `add`.
        # (Zones and folds in the key: one wall time may be two instants in a DST zone.)
        known: dict[tuple[object, ...], timedelta] = self._spans  # type: ignore[attr-defined]
        key = (a, a.tzinfo, a.fold, b, b.tzinfo, b.fold)
        found = known.get(key)
        if found is None:
            if len(known) > _SUMS_KEPT:
                known.clear()
            found = known[key] = self._between(a, b)
        return found

    def _between(self, a: datetime, b: datetime) -> timedelta:
        if b < a:
            return -self.between(b, a)
        total = timedelta(0)
        for start, end in self._intervals(a):
            if start >= b:
                break
            total += min(end, b) - max(start, a)
        return total

    def _intervals(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals from `moment` on (UTC, ordered, disjoint, none before `moment`).

        Each start is clamped to the previous end: a span boundary inside a DST gap maps
        forward by the gap (PEP 495: "02:30" on the spring-forward night is 03:30), which
        can make spans overlap ("01:00-02:30,03:00-05:00") or run backwards
        ("02:30-03:15"); unclamped, working time would exceed wall-clock time.
        """
        day = moment.astimezone(self.tz).date()
        previous_end, last_found = moment, 0
        for offset in itertools.count():  # as far as the caller reads: a span may be years
            if offset - last_found >= _SEARCH_LIMIT_DAYS:
                raise ValueError("no working time within ten years")
            for day_start, end in self._day_spans(day + timedelta(days=offset)):
                start = max(day_start, previous_end)
                if end > start:
                    previous_end, last_found = end, offset
                    yield start, end

    def _day_spans(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The working spans of `day` in UTC, unclamped (none on a day off): kept, as every
        deadline walks the same few days (a holiday lookup and two zone conversions each)."""
        known: dict[date, tuple[tuple[datetime, datetime], ...]] = self._days  # type: ignore[attr-defined]
        found = known.get(day)
        if found is None:
            found = known[day] = (
                tuple((self._at(day, a), self._at(day, b)) for a, b in self.spans)
                if self.is_working_day(day)
                else ()
            )
        return found

    def _at(self, day: date, minute: int) -> datetime:
        """Wall-clock `minute` after midnight of `day` (24:00 is the next midnight), in UTC.

        UTC, because Python subtracts two datetimes sharing a tzinfo as wall-clock
        times, which would miscount working time across a DST change.
        """
        known: dict[tuple[date, int], datetime] = self._moments  # type: ignore[attr-defined]
        found = known.get((day, minute))
        if found is None:
            local = datetime.combine(day, time(0)) + timedelta(minutes=minute)
            found = known[day, minute] = local.replace(tzinfo=self.tz).astimezone(UTC)
        return found


class Calendars(Protocol):
    """Where services get a user's calendar: (time zone, working hours or None) → calendar."""

    def __call__(self, timezone: str, work_hours: str | None = None, /) -> WorkCalendar: ...
