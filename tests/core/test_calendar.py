"""Working time: the clock the 24-working-hour promise is measured on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.calendar import NoHolidays, WorkCalendar, parse_days, parse_hours

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
BERLIN = ZoneInfo("Europe/Berlin")
VN = WorkCalendar(tz=HCM, holidays=holidays.country_holidays("VN"))
ALL_DAY = parse_hours("00:00-24:00")
EVERY_DAY = frozenset(range(7))


def hcm(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HCM)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (hcm(2026, 11, 30, 10), 24, hcm(2026, 12, 3, 10)),  # Mon 10:00 → Thu 10:00
        (hcm(2026, 12, 4, 16), 2, hcm(2026, 12, 7, 9)),  # Fri 16:00 → Mon 09:00
        (hcm(2026, 11, 30, 11, 30), 1, hcm(2026, 11, 30, 13, 30)),  # over lunch
        (hcm(2026, 11, 30, 7), 1, hcm(2026, 11, 30, 9)),  # before the day starts
        (hcm(2026, 11, 30, 16), 1, hcm(2026, 11, 30, 17)),  # ends at a span's end
        (hcm(2026, 11, 29, 12), 1, hcm(2026, 11, 30, 9)),  # from a Sunday
        (hcm(2027, 2, 3, 16), 2, hcm(2027, 2, 11, 9)),  # Tết 2027: 4-10 Feb off
        (hcm(2026, 8, 21, 16), 2, hcm(2026, 8, 22, 9)),  # make-up Saturday 22/8/2026
        (hcm(2026, 8, 28, 16), 2, hcm(2026, 9, 3, 9)),  # 31/8 swapped off, 1-2/9 National Day
    ],
)
def test_add_examples_on_the_vietnamese_calendar(
    start: datetime, hours: float, expected: datetime
) -> None:
    """Adding working hours skips nights, lunch, weekends, VN holidays; make-up Saturdays count."""
    assert expected == VN.add(start, hours)


def test_make_up_saturday_and_substituted_day_off_are_known() -> None:
    """2026-08-22 (Saturday) is a working day and 2026-08-31 (Monday) is not."""
    expected = (True, False)
    assert expected == (VN.is_working_day(date(2026, 8, 22)), VN.is_working_day(date(2026, 8, 31)))


def test_add_zero_or_negative_hours_is_the_moment_itself() -> None:
    """add(moment, 0) returns moment unchanged, even outside working time."""
    sunday = hcm(2026, 11, 29, 12)
    assert (sunday, sunday) == (VN.add(sunday, 0), VN.add(sunday, -3))


def test_between_examples() -> None:
    """between counts only working time and is negative when the order is reversed."""
    monday, thursday = hcm(2026, 11, 30, 10), hcm(2026, 12, 3, 10)
    friday_noon, monday_nine = hcm(2026, 12, 4, 12, 30), hcm(2026, 12, 7, 9)
    assert (timedelta(hours=24), timedelta(hours=-24), timedelta(hours=5)) == (
        VN.between(monday, thursday),
        VN.between(thursday, monday),
        VN.between(friday_noon, monday_nine),
    )


def test_next_working_time_and_day_bounds() -> None:
    """next_working_time keeps working moments and jumps to the next span's start otherwise."""
    assert (
        hcm(2026, 11, 30, 10),
        hcm(2026, 11, 30, 13),
        hcm(2026, 12, 7, 8),
        hcm(2026, 12, 7, 8),
        hcm(2026, 12, 7, 17),
        date(2026, 12, 7),
    ) == (
        VN.next_working_time(hcm(2026, 11, 30, 10)),
        VN.next_working_time(hcm(2026, 11, 30, 12)),
        VN.next_working_time(hcm(2026, 12, 4, 17)),
        VN.day_start(date(2026, 12, 7)),
        VN.day_end(date(2026, 12, 7)),
        VN.next_working_day(date(2026, 12, 4)),
    )


def test_whole_day_calendar_without_holidays() -> None:
    """00:00-24:00 every day with HOLIDAYS empty: working time is wall-clock time."""
    cal = WorkCalendar(tz=HCM, spans=ALL_DAY, days=EVERY_DAY, holidays=NoHolidays())
    start = hcm(2026, 4, 27, 10)  # a VN holiday, but this company observes none
    assert (hcm(2026, 4, 28, 10), True, hcm(2026, 4, 28)) == (
        cal.add(start, 24),
        cal.is_working_day(date(2026, 4, 27)),
        cal.day_end(date(2026, 4, 27)),
    )


def test_whole_day_weekdays_end_at_midnight() -> None:
    """00:00-24:00 Mon-Fri: Friday's span ends at Saturday 00:00, and the rest waits for Monday."""
    cal = WorkCalendar(tz=HCM, spans=ALL_DAY)
    friday = hcm(2026, 12, 4, 10)
    assert (hcm(2026, 12, 5), hcm(2026, 12, 7, 10)) == (cal.add(friday, 14), cal.add(friday, 24))


def test_berlin_working_day_keeps_local_hours_across_dst() -> None:
    """In Berlin, Friday 16:00 + 2 wh over the spring DST weekend is Monday 09:00 local."""
    cal = WorkCalendar(tz=BERLIN)
    friday = datetime(2026, 3, 27, 16, tzinfo=BERLIN)
    assert datetime(2026, 3, 30, 9, tzinfo=BERLIN) == cal.add(friday, 2)


def test_whole_day_across_dst_counts_real_hours() -> None:
    """A 24h Berlin calendar counts 23 hours on the spring-forward Sunday, 25 in autumn."""
    cal = WorkCalendar(tz=BERLIN, spans=ALL_DAY, days=EVERY_DAY)

    def day_length(day: date) -> timedelta:
        return cal.between(cal.day_start(day), cal.day_end(day))

    assert (timedelta(hours=23), timedelta(hours=25)) == (
        day_length(date(2026, 3, 29)),
        day_length(date(2026, 10, 25)),
    )


def test_spans_meeting_a_dst_gap_never_overlap() -> None:
    """Spans whose ends fall into the spring-forward gap count no hour twice and none negative."""
    night = parse_hours("01:00-02:30,03:00-05:00")  # 02:30 does not exist on 2026-03-29
    cal = WorkCalendar(tz=BERLIN, spans=night, days=EVERY_DAY)
    inside_gap = WorkCalendar(tz=BERLIN, spans=parse_hours("02:30-03:15"), days=EVERY_DAY)
    a, b = datetime(2026, 3, 29, 0, tzinfo=UTC), datetime(2026, 3, 29, 3, tzinfo=UTC)
    assert (timedelta(hours=3), timedelta(0)) == (
        cal.between(a, b),
        inside_gap.between(a, b),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00-12:00,13:00-17:00", ((480, 720), (780, 1020))),
        ("13:00-17:00, 8:00-12:00", ((480, 720), (780, 1020))),
        ("00:00-24:00", ((0, 1440),)),
    ],
)
def test_parse_hours(text: str, expected: tuple[tuple[int, int], ...]) -> None:
    """parse_hours reads comma-separated spans into sorted minute pairs."""
    assert expected == parse_hours(text)


@pytest.mark.parametrize(
    "text", ["", "8-12", "08:00-12:00;13:00-17:00", "12:00-08:00", "08:00-08:00",
             "08:60-09:00", "00:00-24:01", "25:00-26:00", "08:00-12:00,11:00-13:00"],
)  # fmt: skip
def test_parse_hours_errors(text: str) -> None:
    """parse_hours refuses malformed, empty, reversed, out-of-day and overlapping spans."""
    with pytest.raises(ValueError, match="span"):
        parse_hours(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("Mon, Wed, Fri", {0, 2, 4}),
        ("sun-thu", {6, 0, 1, 2, 3}),
        ("sat", {5}),
    ],
)
def test_parse_days(text: str, expected: set[int]) -> None:
    """parse_days reads ranges (wrapping around the week) and lists of day names."""
    assert frozenset(expected) == parse_days(text)


@pytest.mark.parametrize("text", ["", "monday", "mon-xyz", "mon..fri", "1-5"])
def test_parse_days_errors(text: str) -> None:
    """parse_days refuses anything but three-letter day names."""
    with pytest.raises(ValueError, match="expected days"):
        parse_days(text)


def test_calendar_needs_a_span_and_a_day() -> None:
    """A calendar with no working span or no working day is refused."""
    with pytest.raises(ValueError, match="at least one"):
        WorkCalendar(tz=HCM, days=frozenset())


# -- Properties ----------------------------------------------------------------------------

ZONES = [HCM, BERLIN, ZoneInfo("America/New_York"), ZoneInfo("America/Santiago")]


@st.composite
def spans(draw: st.DrawFn) -> tuple[tuple[int, int], ...]:
    """1-3 disjoint working spans of at least 30 minutes, boundaries on the quarter hour."""
    marks = draw(st.lists(st.integers(0, 96), min_size=2, max_size=6, unique=True))
    marks = sorted(marks)[: len(marks) // 2 * 2]
    pairs = [(a * 15, b * 15) for a, b in zip(marks[::2], marks[1::2], strict=True)]
    return tuple(p for p in pairs if p[1] - p[0] >= 30) or ((480, 1020),)


calendars = st.one_of(
    st.just(VN),
    st.just(WorkCalendar(tz=BERLIN)),
    st.just(WorkCalendar(tz=BERLIN, spans=ALL_DAY, days=EVERY_DAY)),
    st.just(WorkCalendar(tz=HCM, spans=ALL_DAY, days=EVERY_DAY)),
    st.builds(
        WorkCalendar,
        tz=st.sampled_from(ZONES),
        spans=spans(),
        days=st.frozensets(st.integers(0, 6), min_size=3),
    ),
)
moments = st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC))
hours = st.floats(0, 200)
SECOND = timedelta(seconds=1)
fast = settings(max_examples=60, deadline=None)


@fast
@given(calendars, moments, hours)
def test_between_undoes_add(cal: WorkCalendar, a: datetime, h: float) -> None:
    """between(a, add(a, h)) is h working hours, to the second."""
    assert abs(cal.between(a, cal.add(a, h)) - timedelta(hours=h)) < SECOND


@fast
@given(calendars, moments, hours, hours)
def test_add_is_monotonic(cal: WorkCalendar, a: datetime, h1: float, h2: float) -> None:
    """More working hours never give an earlier moment."""
    low, high = sorted((h1, h2))
    assert cal.add(a, low) <= cal.add(a, high)


@fast
@given(calendars, moments, st.floats(0, 100), st.floats(0, 100))
def test_add_composes(cal: WorkCalendar, a: datetime, h1: float, h2: float) -> None:
    """Adding h1 then h2 working hours is adding h1 + h2 at once (to the second)."""
    assert abs(cal.add(a, h1 + h2) - cal.add(cal.add(a, h1), h2)) < SECOND


@fast
@given(calendars, moments, moments)
def test_between_is_antisymmetric(cal: WorkCalendar, a: datetime, b: datetime) -> None:
    """between(a, b) == -between(b, a)."""
    assert cal.between(a, b) == -cal.between(b, a)


@fast
@given(calendars, moments, moments)
def test_between_never_exceeds_wall_clock(cal: WorkCalendar, a: datetime, b: datetime) -> None:
    """Working time between two moments is at most the wall-clock time between them."""
    a, b = sorted((a, b))
    assert timedelta(0) <= cal.between(a, b) <= b - a


@fast
@given(calendars, moments, st.floats(0.001, 200))
def test_add_lands_in_working_time(cal: WorkCalendar, a: datetime, h: float) -> None:
    """add with h > 0 gives working time or the end of a working span."""
    result = cal.add(a, h)
    assert cal.is_working_time(result) or cal.is_working_time(result - SECOND)


@fast
@given(calendars, moments)
def test_next_working_time_is_working_time(cal: WorkCalendar, a: datetime) -> None:
    """next_working_time is never earlier than the moment, is working time, and skips none."""
    result = cal.next_working_time(a)
    assert (True, True, timedelta(0)) == (
        result >= a,
        cal.is_working_time(result),
        cal.between(a, result),
    )


def test_working_time_over_many_years_is_measured_not_refused() -> None:
    """Mail from 2015 moved back into the Inbox: its card measures eleven years of working
    time (it raised "no working time within ten years", and the pass stopped for all)."""
    old, now = hcm(2015, 10, 2, 10), hcm(2026, 11, 30, 10)
    span = VN.between(old, now)
    assert timedelta(hours=8 * 240 * 11) < span < timedelta(hours=8 * 255 * 11)
    assert -span == VN.between(now, old)
    assert now == VN.add(old, span / timedelta(hours=1))


def test_a_calendar_whose_every_day_is_a_holiday_is_still_refused() -> None:
    class Always(NoHolidays):
        def __contains__(self, day: object) -> bool:
            return True

    never = WorkCalendar(tz=HCM, holidays=Always())
    with pytest.raises(ValueError, match="no working time within ten years"):
        never.add(hcm(2026, 11, 30), 1)
