"""Reading WHEN/DATE phrases typed in chat, and writing dates the way each language does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.calendar import WorkCalendar
from bot.core.dates import (
    When,
    format_date,
    format_day_short,
    format_hours,
    format_moment,
    parse_date,
    parse_when,
    warm_up,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar(tz=HCM, holidays=holidays.country_holidays("VN"))
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=HCM)  # Monday 10:00


def at(day: int, month: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HCM)


def when(text: str, locale: str = "vi", now: datetime = NOW) -> tuple[datetime, bool] | None:
    """parse_when's answer as (local time, has_time), for readable comparisons."""
    found = parse_when(text, locale, now, CAL)
    return (found.moment.astimezone(HCM), found.has_time) if found else None


PHRASES = [
    # English
    ("2h", at(30, 11, 12), True),
    ("30m", at(30, 11, 10, 30), True),
    ("in 2 hours", at(30, 11, 12), True),
    ("in 30 minutes", at(30, 11, 10, 30), True),
    ("tomorrow 9am", at(1, 12, 9), True),
    ("tomorrow morning", at(1, 12, 8), True),
    ("tomorrow", at(1, 12, 17), False),
    ("friday", at(4, 12, 17), False),
    ("monday", at(30, 11, 17), False),  # today is Monday and not over yet
    ("next monday 10:00", at(7, 12, 10), True),
    ("eod", at(30, 11, 17), False),
    ("end of week", at(4, 12, 17), False),
    ("next week", at(7, 12, 8), False),
    ("Dec 4", at(4, 12, 17), False),
    ("4/12", at(4, 12, 17), False),  # day/month, whatever the language
    ("2026-12-04", at(4, 12, 17), False),
    # Vietnamese
    ("2 tiếng nữa", at(30, 11, 12), True),
    ("17h", at(30, 11, 17), True),  # 13h to 23h alone are times of day, as Vietnamese writes them
    ("20 giờ", at(30, 11, 20), True),
    ("15 tiếng nữa", at(1, 12, 1), True),  # "nữa" keeps it a duration
    ("30 phút nữa", at(30, 11, 10, 30), True),
    ("9h sáng mai", at(1, 12, 9), True),
    ("sáng mai", at(1, 12, 8), True),
    ("chiều nay", at(30, 11, 13), True),
    ("ngày mai", at(1, 12, 17), False),
    ("9 giờ ngày mai", at(1, 12, 9), True),
    ("ngày mai 14h30", at(1, 12, 14, 30), True),
    ("thứ sáu", at(4, 12, 17), False),
    ("thứ 6", at(4, 12, 17), False),
    ("T6", at(4, 12, 17), False),
    ("thứ 2", at(30, 11, 17), False),
    ("thứ hai tuần sau", at(7, 12, 17), False),
    ("tuần sau", at(7, 12, 8), False),
    ("tuần tới", at(7, 12, 8), False),
    ("cuối ngày", at(30, 11, 17), False),
    ("cuối tuần", at(4, 12, 17), False),
    ("ngày 4/12", at(4, 12, 17), False),
    ("17h thứ sáu", at(4, 12, 17), True),
]


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    warm_up()


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize(("text", "expected", "has_time"), PHRASES)
def test_phrase_table(text: str, expected: datetime, has_time: bool, locale: str) -> None:
    """Each phrase, in either user language, names exactly this local moment (Mon 30/11 10:00)."""
    assert (expected, has_time) == when(text, locale)


MORE_PHRASES = [
    ("3h chiều", at(30, 11, 15), True),
    ("chiều nay 3h", at(30, 11, 15), True),
    ("8h tối mai", at(1, 12, 20), True),
    ("tối nay", at(30, 11, 19), True),
    ("12h trưa", at(30, 11, 12), True),
    ("9 giờ 30 phút sáng mai", at(1, 12, 9, 30), True),
    ("1 tiếng 30 phút nữa", at(30, 11, 11, 30), True),
    ("nửa tiếng nữa", at(30, 11, 10, 30), True),
    ("sau 2 tiếng", at(30, 11, 12), True),
    ("2h30m", at(30, 11, 12, 30), True),
    ("9am", at(1, 12, 9), True),  # a bare time already past today: tomorrow's
    ("15:00", at(30, 11, 15), True),
    ("noon", at(30, 11, 12), True),
    ("Tomorrow at 3pm.", at(1, 12, 15), True),
    ("dec 4 at 3pm", at(4, 12, 15), True),
    ("4 December", at(4, 12, 17), False),
    ("4 tháng 12", at(4, 12, 17), False),
    ("ngày 4 tháng 12 năm 2026 lúc 10h", at(4, 12, 10), True),
    ("4/11", at(4, 11, 17), False),  # just past: returned as past, for the caller to refuse
    ("4/8", at(4, 8, 17, year=2027), False),  # months back: next year's
    ("30/11", at(30, 11, 17), False),  # today is not past
    ("by friday", at(4, 12, 17), False),
    ("this friday", at(4, 12, 17), False),
    ("next friday", at(11, 12, 17), False),  # Friday of next week, like "thứ sáu tuần sau"
    ("thứ sáu tuần sau", at(11, 12, 17), False),
    ("thứ 6 tuần này", at(4, 12, 17), False),
    ("thứ sáu tới", at(4, 12, 17), False),
    ("chủ nhật", at(6, 12, 17), False),
    ("CN", at(6, 12, 17), False),
    ("thứ bảy", at(5, 12, 17), False),
    ("tuần sau 9h", at(7, 12, 9), True),
    ("day after tomorrow", at(2, 12, 17), False),
    ("ngày mốt", at(2, 12, 17), False),
    ("in 3 days", at(3, 12, 17), False),
    ("hôm qua", at(29, 11, 17), False),  # past, returned as is: the caller refuses it
    ("thứ\u0301 sa\u0301u", at(4, 12, 17), False),  # decomposed diacritics (macOS input)
    ("thứ sáu tối", at(4, 12, 19), True),
    ("thứ sáu ngày 4/12", at(4, 12, 17), False),
    ("thu 3/12", at(3, 12, 17), False),  # English "Thu", not Vietnamese "thứ 3"
    ("Tues", at(1, 12, 17), False),
    ("sat 9am", at(5, 12, 9), True),
    ("tomorrow at noon", at(1, 12, 12), True),
    # Vietnamese typed without diacritics
    ("thu 6", at(4, 12, 17), False),
    ("thu sau", at(4, 12, 17), False),
    ("thu hai", at(30, 11, 17), False),
    ("chu nhat", at(6, 12, 17), False),
    ("ngay mai", at(1, 12, 17), False),
    ("9h sang mai", at(1, 12, 9), True),
    ("chieu nay", at(30, 11, 13), True),
    ("2 tieng nua", at(30, 11, 12), True),
    ("tuan toi", at(7, 12, 8), False),
    ("cuoi tuan", at(4, 12, 17), False),
    ("4 thang 12", at(4, 12, 17), False),
    ("thu sau toi", at(4, 12, 17), False),  # unaccented "toi" after a day: "tới" (coming)
]


@pytest.mark.parametrize(("text", "expected", "has_time"), MORE_PHRASES)
def test_more_phrases(text: str, expected: datetime, has_time: bool) -> None:
    """Parts of day shift the hour, bare times come next, numeric dates are day/month."""
    assert (expected, has_time) == when(text)


@pytest.mark.parametrize(
    "text", ["blah", "", "   ", "thứ tám", "32/13", "31/11", "2026-13-01", "25:00", "9h70",
             "13pm", "next month", "month", "hôm kia", "at", "friday 3/12", "29/2",
             "9999999999h"],
)  # fmt: skip
def test_unreadable_phrases(text: str) -> None:
    """A phrase that cannot be read gives None, never a guess."""
    expected = (None, None)
    assert expected == (when(text), parse_date(text, "vi", NOW, CAL))


def test_past_afternoon_is_returned_as_is() -> None:
    """At 15:00, "chiều nay" is today 13:00, in the past: the caller refuses it."""
    assert (at(30, 11, 13), True) == when("chiều nay", now=at(30, 11, 15))


def test_weekday_time_already_past_today_is_returned_as_is() -> None:
    """At Monday 18:00, "17h thứ hai" is today 17:00, in the past: the caller refuses it."""
    assert (at(30, 11, 17), True) == when("17h thứ hai", now=at(30, 11, 18))


def test_weekday_on_that_weekday_is_today() -> None:
    """On a Friday morning, "friday" is the end of today."""
    assert (at(4, 12, 17), False) == when("friday", "en", now=at(4, 12, 9))


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(30, 11, 16, 59), at(30, 11, 17)),
        (at(30, 11, 17), at(1, 12, 17)),  # today's end has come: the next working day's
        (at(5, 12, 10), at(7, 12, 17)),  # Saturday: Monday's
    ],
)
def test_eod_after_hours_and_on_days_off(now: datetime, expected: datetime) -> None:
    """eod is today's end of day, or the next working day's once it is past or off."""
    assert [(expected, False)] * 2 == [when("eod", "en", now), when("cuối ngày", now=now)]


def test_end_of_week_on_a_weekend_is_the_past_friday() -> None:
    """On Saturday, "end of week" is the Friday just gone (past: the caller refuses it)."""
    assert (at(4, 12, 17), False) == when("end of week", "en", now=at(5, 12, 10))


def test_holiday_eve() -> None:
    """On Friday 24/4/2026 "thứ hai" is Monday 27/4, a VN holiday, returned as is."""
    friday = at(24, 4, 10)
    assert ((at(27, 4, 17), False), date(2026, 4, 27), False) == (
        when("thứ hai", now=friday),
        parse_date("thứ hai", "vi", friday, CAL),
        CAL.is_working_day(date(2026, 4, 27)),
    )


def test_weeks_around_holidays() -> None:
    """End of week in Tết 2027 week is Wed 3/2; next week from it starts Thu 11/2."""
    tet_week = at(1, 2, 10, year=2027)  # Monday; Thu 4 - Wed 10 Feb are off
    assert ((at(3, 2, 17, year=2027), False), (at(11, 2, 8, year=2027), False)) == (
        when("end of week", "en", tet_week),
        when("tuần sau", now=at(4, 2, 10, year=2027)),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4/12", date(2026, 12, 4)),
        ("2026-12-04", date(2026, 12, 4)),
        ("04/12/2026", date(2026, 12, 4)),
        ("thứ sáu", date(2026, 12, 4)),
        ("tuần sau", date(2026, 12, 7)),
        ("eod", date(2026, 11, 30)),
        ("Dec 4", date(2026, 12, 4)),
        ("2h", date(2026, 11, 30)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    """parse_date gives the calendar day the phrase names."""
    assert expected == parse_date(text, "en", NOW, CAL)


def test_parse_date_of_a_midnight_end() -> None:
    """With 00:00-24:00 hours the end of Friday is Saturday 00:00, but the day named is Friday."""
    cal = WorkCalendar(tz=HCM, spans=((0, 1440),))
    assert date(2026, 12, 4) == parse_date("friday", "en", NOW, cal)


def test_other_zone_across_dst() -> None:
    """In Berlin, "2h" adds real hours across the spring-forward night; "tomorrow 9am" is local."""
    berlin = ZoneInfo("Europe/Berlin")
    cal = WorkCalendar(tz=berlin)
    now = datetime(2026, 3, 29, 1, 30, tzinfo=berlin)
    assert (
        When(now.astimezone(UTC) + timedelta(hours=2), True),
        When(datetime(2026, 3, 30, 9, tzinfo=berlin).astimezone(UTC), True),
    ) == (parse_when("2h", "en", now, cal), parse_when("tomorrow 9am", "vi", now, cal))


def test_moment_is_utc() -> None:
    """parse_when returns an aware UTC moment."""
    found = parse_when("tomorrow 9am", "en", NOW, CAL)
    assert (UTC, datetime(2026, 12, 1, 2, tzinfo=UTC)) == (
        found and found.moment.tzinfo,
        found and found.moment,
    )


@given(
    st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC)),
    st.integers(1, 12) | st.integers(24, 48),
)
@settings(max_examples=100, deadline=None)
def test_hours_are_clock_time(now: datetime, hours: int) -> None:
    """At any moment, "{N}h" and "{N} tiếng nữa" are now + N clock hours (13h-23h are times)."""
    expected = When(now + timedelta(hours=hours), True)
    assert (expected, expected) == (
        parse_when(f"{hours}h", "vi", now, CAL),
        parse_when(f"{hours} tiếng nữa", "en", now, CAL),
    )


# fmt: off
WORDS = ["2h", "9999999999h", "in", "99999999", "days", "9999-12-31", "31/12/9999", "0/0",
         "00:00", "24:00", "thứ", "sáu", "tuần", "sau", "tới", "mai", "ngày", "sáng", "chiều",
         "friday", "next", "week", "eod", "4/12", "dec", "4", "at", "h", "giờ", "nữa", "pm", "/"]
# fmt: on
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14: a date's end can leave datetime's range
EXTREME = WorkCalendar(tz=KIRITIMATI, spans=((0, 1440),), days=frozenset(range(7)))


@given(
    st.lists(st.sampled_from(WORDS), max_size=5).map(" ".join) | st.text(max_size=20),
    st.sampled_from([CAL, EXTREME]),
)
@settings(max_examples=200, deadline=None)
def test_never_raises(text: str, cal: WorkCalendar) -> None:
    """Whatever is typed, parse_when and parse_date answer (a reading or None) without raising."""
    found, day = parse_when(text, "vi", NOW, cal), parse_date(text, "vi", NOW, cal)
    assert (found is None, True) == (day is None, isinstance(found, When | None))


# -- Writing -------------------------------------------------------------------------------

WEEK = [date(2026, 11, 30) + timedelta(days=k) for k in range(7)]  # Monday to Sunday


def test_format_date_vietnamese_weekdays() -> None:
    """Vietnamese dates name the weekday with correct diacritics, then dd/mm/yyyy."""
    expected = [
        "thứ Hai, 30/11/2026",
        "thứ Ba, 01/12/2026",
        "thứ Tư, 02/12/2026",
        "thứ Năm, 03/12/2026",
        "thứ Sáu, 04/12/2026",
        "thứ Bảy, 05/12/2026",
        "Chủ Nhật, 06/12/2026",
    ]
    assert expected == [format_date(day, "vi") for day in WEEK]


def test_format_date_english_and_unknown_locale() -> None:
    """English dates read "Friday, 4 December 2026"; an unknown locale falls back to Vietnamese."""
    friday = date(2026, 12, 4)
    expected = ("Friday, 4 December 2026", "thứ Sáu, 04/12/2026", "Friday, 4 December 2026")
    assert expected == (
        format_date(friday, "en"),
        format_date(friday, "fr"),
        format_date(friday, "en-US"),
    )


def test_format_day_short() -> None:
    """Short days: T2..T7 and CN in Vietnamese, Mon..Sun d/m in English."""
    expected = (
        ["T2 30/11", "T3 01/12", "T4 02/12", "T5 03/12", "T6 04/12", "T7 05/12", "CN 06/12"],
        ["Mon 30/11", "Tue 1/12", "Wed 2/12", "Thu 3/12", "Fri 4/12", "Sat 5/12", "Sun 6/12"],
    )
    assert expected == (
        [format_day_short(d, "vi") for d in WEEK],
        [format_day_short(d, "en") for d in WEEK],
    )


def test_format_moment_in_the_readers_zone() -> None:
    """A UTC moment is written in the reader's zone: "10:00 T5 03/12" / "Thu 3/12 10:00"."""
    moment = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
    expected = ("10:00 T5 03/12", "Thu 3/12 10:00", "04:00 T5 03/12")
    assert expected == (
        format_moment(moment, "vi", HCM),
        format_moment(moment, "en", HCM),
        format_moment(moment, "vi", ZoneInfo("Europe/Berlin")),
    )


@pytest.mark.parametrize(
    ("span", "vi", "en"),
    [
        (timedelta(hours=5, minutes=30), "5 giờ 30 phút", "5 h 30 min"),
        (timedelta(minutes=45), "45 phút", "45 min"),
        (timedelta(hours=24), "24 giờ", "24 h"),
        (timedelta(0), "0 phút", "0 min"),
        (timedelta(minutes=44, seconds=59), "44 phút", "44 min"),
        (-timedelta(hours=2, minutes=5), "2 giờ 5 phút", "2 h 5 min"),
    ],
)
def test_format_hours(span: timedelta, vi: str, en: str) -> None:
    """Working time left in hours and whole minutes; negative spans read as their absolute value."""
    assert (vi, en) == (format_hours(span, "vi"), format_hours(span, "en"))
