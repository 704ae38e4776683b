"""WHEN and DATE as typed in chat, and dates written the way each language writes them.

Where it sits: the command grammar reads `snooze WHEN` and `hold DATE` here; cards and
replies write dates here. Pure: "now" and the user's working calendar are arguments.

Reading is a pipeline of tables, each entry pinned by a test:
1. `_REWRITES` turn Vietnamese (with or without diacritics) and loose English into one
   small English vocabulary: "9h sáng mai" → "09:00 morning tomorrow", "thu 6" → "friday",
   "2 tiếng nữa" → "in 120 minutes", "4 tháng 12" and "Dec 4" → "4/12";
2. `_PHRASES` read whole phrases that depend on the clock or the working calendar;
3. the rest splits into a time of day and a day; `_DAYS` read the days dateparser gets
   wrong, dateparser reads the others (the long tail: "in 3 days", "day after tomorrow").
Why not dateparser alone (1.5.0, checked 2026-11): "9 giờ ngày mai" → 19:00, "t6" →
6 November, "9am" → the 1st of the month, "32/13" → 2032-11-13, "2026-13-01" → 13 January,
"thu 3/12" → 12 November, "monday" on a Monday → next week, "30/11" on 30/11 → next year.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

from bot.core.calendar import WorkCalendar
from bot.core.i18n import pick

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# fmt: off
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
# fmt: on
_VI_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ Nhật")
_VI_SHORT = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")
_WD = "|".join(WEEKDAYS)
_MON = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_NOT_LETTER = r"(?![^\W\d_])"


@dataclass(frozen=True, slots=True)
class When:
    moment: datetime  # aware, UTC
    has_time: bool  # the phrase named a time of day (or was relative like "2h")


@dataclass(frozen=True, slots=True)
class _Reading:
    day: date  # the calendar day the phrase names, in the user's zone
    moment: datetime
    has_time: bool


# -- 1. Rewrites into the small vocabulary ----------------------------------------------


def _duration(m: re.Match[str]) -> str:
    if m["h"] is None and m["m"] is None:
        return m[0]
    return f"in {int(m['h'] or 0) * 60 + int(m['m'] or 0)} minutes"


def _hh_mm(hour: int, minute: int) -> str:
    """Canonical "HH:MM", or "!" (unreadable) for a time that does not exist."""
    return f"{hour:02}:{minute:02}" if hour < 24 and minute < 60 else "!"


def _clock12(m: re.Match[str]) -> str:
    hour = int(m[1])
    return _hh_mm(hour % 12 + (12 if m[3] == "p" else 0), int(m[2] or 0)) if hour <= 12 else "!"


def _named_date(day: str, month: str, year: str | None) -> str:
    number = next(i for i, name in enumerate(MONTHS, 1) if name.startswith(month))
    return f"{day}/{number}" + (f"/{year}" if year else "")


def _vi_weekday(number: str, words: str, english: str) -> tuple[str, str]:
    return rf"\b(?:thứ (?:{number}|{words})|t{number})(?![\w/:])", english


# Order matters: durations before clock times ("2h" is two hours, "9h sáng" is 09:00);
# "cuối tuần", "tuần này", "thứ sáu này" before "nay" (today); "ngày mai" before "ngày".
# fmt: off
_REWRITES: tuple[tuple[str, str | Callable[[re.Match[str]], str]], ...] = (
    # "17h" alone is 17:00 in Vietnamese use; nobody snoozes for 13 to 23 hours
    (r"^(1[3-9]|2[0-3]) ?(?:h|giờ)$", r"\1:00"),
    (r"^(?:in |sau )?(?:nửa tiếng|half an hour)(?: nữa)?$", "in 30 minutes"),
    (r"^(?:in |sau )?(?:một tiếng|an hour|one hour)(?: nữa)?$", "in 60 minutes"),
    (r"^(?:in |sau )?(?:(?P<h>\d+) ?(?:h|hours?|hrs?|tiếng|giờ))? ?"
     r"(?:(?P<m>\d+) ?(?:m|mins?|minutes?|phút|p))?(?: nữa)?$", _duration),
    (r"^(?:sau )?(\d+) ngày(?: nữa)?$", r"in \1 days"),
    (r"\b(\d{1,2})(?::(\d{2}))? ?([ap])\.?m\b\.?", _clock12),
    (rf"\b(\d{{1,2}}) ?(?::|h{_NOT_LETTER}|giờ|g{_NOT_LETTER})(?: ?(\d{{2}})(?: ?phút)?)?",
     lambda m: _hh_mm(int(m[1]), int(m[2] or 0))),
    (r"\b(?:cuối ngày(?: hôm nay)?|hết ngày|cuối giờ|end of (?:the )?day|eod)\b", "eod"),
    (r"\b(?:cuối tuần(?: này)?|end of (?:the |this )?week|eow)\b", "end of week"),
    (r"\b(?:đầu tuần (?:sau|tới)|(?:start of|early) next week)\b", "next week"),
    (r"\btuần (?:sau|tới|kế)\b", "next week"),
    (r"\btuần này\b", "this week"),
    _vi_weekday("2", "hai", "monday"),
    _vi_weekday("3", "ba", "tuesday"),
    _vi_weekday("4", "tư", "wednesday"),
    _vi_weekday("5", "năm", "thursday"),
    _vi_weekday("6", "sáu", "friday"),
    _vi_weekday("7", "bảy|bẩy", "saturday"),
    (r"\b(?:chủ nhật|cn)\b", "sunday"),
    (r"\b(mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday|s|r|rs)?\b\.?",
     lambda m: next(name for name in WEEKDAYS if name.startswith(m[1]))),
    (rf"\b({_WD}) này\b", r"\1 this week"),
    (rf"\b({_WD}) tới\b", r"\1"),
    (r"\bhôm nay\b|\bnay\b", "today"),
    (r"\bngày mai\b|\bmai\b", "tomorrow"),
    (r"\bngày (?:mốt|kia)\b", "day after tomorrow"),
    (r"\bhôm qua\b", "yesterday"),
    (r"\bsáng\b", "morning"),
    (r"\btrưa\b|\bmidday\b", "noon"),
    (r"\bchiều\b", "afternoon"),
    (r"\btối\b|\bthis evening\b", "evening"),
    (r"\btonight\b", "today evening"),
    (r"\bthis (morning|afternoon|evening)\b", r"today \1"),
    (r"\b(\d{1,2}) tháng (\d{1,2}) năm (\d{4})\b", r"\1/\2/\3"),
    (r"\b(\d{1,2}) tháng (\d{1,2})\b", r"\1/\2"),
    (rf"\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MON}(?:,? (\d{{4}}))?\b",
     lambda m: _named_date(m[1], m[2], m[3])),
    (rf"\b{_MON} (\d{{1,2}})(?:st|nd|rd|th)?(?:,? (\d{{4}}))?\b",
     lambda m: _named_date(m[2], m[1], m[3])),
    (r"\b(?:at|on|by|lúc|vào|buổi|ngày|the)\b", ""),
)
# fmt: on


def _loose(pattern: str) -> str:
    """Let a pattern match Vietnamese typed without diacritics: "thứ" also matches "thu"."""
    return "".join(_loose_letter(c) for c in pattern)


def _loose_letter(letter: str) -> str:
    base = "d" if letter == "đ" else unicodedata.normalize("NFD", letter)[0]
    return letter if base == letter else f"[{letter}{base}]"


_COMPILED = tuple((re.compile(_loose(pattern)), new) for pattern, new in _REWRITES)


def _normalise(text: str) -> str:
    phrase = " ".join(unicodedata.normalize("NFC", text).lower().split()).rstrip(".!?")
    for pattern, new in _COMPILED:
        phrase = pattern.sub(new, phrase)
    return " ".join(phrase.split())


# -- 2. Whole phrases: (pattern, reading of (match, local now, calendar)) ---------------


def _local(day: date, clock: time, cal: WorkCalendar) -> datetime:
    return datetime.combine(day, clock, tzinfo=cal.tz).astimezone(UTC)


def _end_of(day: date, cal: WorkCalendar) -> _Reading:
    """A day named without a time: the end of that working day."""
    return _Reading(day, cal.day_end(day), has_time=False)


def _monday(today: date) -> date:
    return today - timedelta(days=today.weekday())


def _first_working_day_of_next_week(today: date, cal: WorkCalendar) -> date:
    return cal.next_working_day(_monday(today) + timedelta(days=6))


def _in_minutes(m: re.Match[str], now: datetime, cal: WorkCalendar) -> _Reading:
    """Clock time, not working time: "2h" is two hours from now, whatever the hour."""
    moment = now.astimezone(UTC) + timedelta(minutes=int(m[1]))
    return _Reading(moment.astimezone(cal.tz).date(), moment, has_time=True)


def _eod(m: re.Match[str], now: datetime, cal: WorkCalendar) -> _Reading:
    """Today's end of day; the next working day's once today's is past or today is off."""
    today = now.date()
    if cal.is_working_day(today) and cal.day_end(today) > now:
        return _end_of(today, cal)
    return _end_of(cal.next_working_day(today), cal)


def _end_of_week(m: re.Match[str], now: datetime, cal: WorkCalendar) -> _Reading:
    """The last working day of this week (Mon-Sun); in a week without one, the next."""
    week = [_monday(now.date()) + timedelta(days=k) for k in range(7)]
    working = [day for day in week if cal.is_working_day(day)]
    return _end_of(working[-1] if working else cal.next_working_day(week[-1]), cal)


def _next_week(m: re.Match[str], now: datetime, cal: WorkCalendar) -> _Reading:
    day = _first_working_day_of_next_week(now.date(), cal)
    return _Reading(day, cal.day_start(day), has_time=False)


PhraseRule = Callable[[re.Match[str], datetime, WorkCalendar], _Reading]
_PHRASES: tuple[tuple[re.Pattern[str], PhraseRule], ...] = (
    (re.compile(r"in (\d+) minutes"), _in_minutes),
    (re.compile(r"(?:today )?eod"), _eod),
    (re.compile(r"end of week"), _end_of_week),
    (re.compile(r"next week"), _next_week),
)


# -- 3. Days: (pattern, resolver of (match, today, calendar) to a date or None) ----------


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


RECENT_PAST = timedelta(days=62)  # "27/11" said on 30/11 is a slip, not next November


def _numeric(day: str, month: str, year: str | None, today: date) -> date | None:
    """Day/month[/year]; with no year, the nearest: this year's, or next year's once it
    lies more than two months back (a date just past is returned as past, to be refused)."""
    if year:
        return _valid(int(year) + (2000 if len(year) == 2 else 0), int(month), int(day))
    candidates = (_valid(today.year + k, int(month), int(day)) for k in (-1, 0, 1))
    return next((d for d in candidates if d is not None and d >= today - RECENT_PAST), None)


def _weekday(m: re.Match[str]) -> int:
    return WEEKDAYS.index(next(g for g in m.groups() if g))


def _weekday_and_date(m: re.Match[str], today: date, cal: WorkCalendar) -> date | None:
    """A weekday and a date ("friday 4/12"): the date if it is that weekday, else None."""
    day = _numeric(m[2], m[3], m[4], today)
    return day if day and day.weekday() == WEEKDAYS.index(m[1]) else None


DayRule = Callable[[re.Match[str], date, WorkCalendar], date | None]
_NUMERIC = r"(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?"
# fmt: off
_DAY_RULES: tuple[tuple[str, DayRule], ...] = (
    (rf"({_WD})", lambda m, t, c: t + timedelta(days=(_weekday(m) - t.weekday()) % 7)),
    (rf"next ({_WD})|({_WD}) next week", lambda m, t, c: _monday(t) + timedelta(7 + _weekday(m))),
    (rf"this ({_WD})|({_WD}) this week", lambda m, t, c: _monday(t) + timedelta(_weekday(m))),
    (r"next week", lambda m, t, c: _first_working_day_of_next_week(t, c)),
    (_NUMERIC, lambda m, t, c: _numeric(m[1], m[2], m[3], t)),
    (rf"({_WD}) {_NUMERIC}", _weekday_and_date),
    (r"(\d{4})-(\d{1,2})-(\d{1,2})", lambda m, t, c: _valid(int(m[1]), int(m[2]), int(m[3]))),
)
# fmt: on
_DAYS = tuple((re.compile(pattern), rule) for pattern, rule in _DAY_RULES)


def _dateparser(phrase: str, locale: str, now: datetime) -> tuple[datetime, bool] | None:
    """dateparser's (naive local result, has a time of day), user's language first.

    Explicit languages: detection costs ~90 ms. RELATIVE_BASE is naive local time: an
    aware UTC base makes "tomorrow 9am" come back as 09:00 UTC.
    """
    settings = {"RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DATES_FROM": "future",
                "DATE_ORDER": "DMY", "RETURN_TIME_AS_PERIOD": True}  # fmt: skip
    languages = ["vi", "en"] if locale == "vi" else ["en", "vi"]
    parser = DateDataParser(languages=languages, use_given_order=True, settings=settings)
    data = parser.get_date_data(phrase)
    if data.date_obj is None or data.period not in ("day", "time", "part_of_day"):
        return None
    found = data.date_obj.astimezone(now.tzinfo) if data.date_obj.tzinfo else data.date_obj
    return found.replace(tzinfo=None), data.period != "day"


def _ruled(phrase: str) -> tuple[re.Match[str], DayRule] | None:
    """The day rule that reads `phrase`: its answer is final, even None ("32/13")."""
    for pattern, rule in _DAYS:
        if match := pattern.fullmatch(phrase):
            return match, rule
    return None


def _day(phrase: str, locale: str, now: datetime, cal: WorkCalendar) -> date | None:
    if ruled := _ruled(phrase):
        return ruled[1](ruled[0], now.date(), cal)
    found = _dateparser(phrase, locale, now)
    return found[0].date() if found and not found[1] else None


def _whole(phrase: str, locale: str, now: datetime, cal: WorkCalendar) -> _Reading | None:
    """A phrase with no time of day we know: a day, or a moment only dateparser reads."""
    if _ruled(phrase):
        day = _day(phrase, locale, now, cal)
        return _end_of(day, cal) if day else None
    found = _dateparser(phrase, locale, now)
    if found is None:
        return None
    local, timed = found
    if not timed:
        return _end_of(local.date(), cal)
    return _Reading(local.date(), _local(local.date(), local.time(), cal), has_time=True)


# -- Times of day: a clock ("09:00") or a part of the day ("afternoon") ------------------

_CLOCK = re.compile(r"\b(\d{2}):(\d{2})\b")
_PART = re.compile(r"\b(morning|noon|afternoon|evening)\b")
# part → (its time when no hour is given (None: the working day's start),
#         the hour below which a given hour is in the afternoon: "3h chiều" is 15:00)
_PARTS: dict[str, tuple[time | None, int]] = {
    "morning": (None, 0),
    "noon": (time(12), 11),
    "afternoon": (time(13), 12),
    "evening": (time(19), 12),
}
TimeOfDay = Callable[[date], datetime]


def _time_of_day(clock: list[tuple[str, str]], part: str | None, cal: WorkCalendar) -> TimeOfDay:
    default, pm_below = _PARTS[part] if part else (None, 0)
    if clock:
        hour, minute = int(clock[0][0]), int(clock[0][1])
        shifted = time(hour + 12 if hour < pm_below else hour, minute)
        return lambda day: _local(day, shifted, cal)
    return lambda day: cal.day_start(day) if default is None else _local(day, default, cal)


def _next_occurrence(at: TimeOfDay, now: datetime) -> _Reading:
    """A time of day with no day: today's, or tomorrow's when today's is not ahead."""
    today = now.date()
    day = today if at(today) > now else today + timedelta(days=1)
    return _Reading(day, at(day), has_time=True)


def _day_and_time(phrase: str, locale: str, now: datetime, cal: WorkCalendar) -> _Reading | None:
    clock, parts = _CLOCK.findall(phrase), _PART.findall(phrase)
    if len(clock) > 1 or len(parts) > 1 or "!" in phrase:
        return None
    rest = " ".join(_PART.sub(" ", _CLOCK.sub(" ", phrase)).split())
    if not clock and not parts:
        return _whole(rest, locale, now, cal)
    at = _time_of_day(clock, parts[0] if parts else None, cal)
    if not rest:
        return _next_occurrence(at, now)
    day = _day(rest, locale, now, cal)
    return _Reading(day, at(day), has_time=True) if day else None


def _read(text: str, locale: str, now: datetime, cal: WorkCalendar) -> _Reading | None:
    phrase, local_now = _normalise(text), now.astimezone(cal.tz)
    try:
        for pattern, rule in _PHRASES:
            if match := pattern.fullmatch(phrase):
                return rule(match, local_now, cal)
        return _day_and_time(phrase, pick(locale), local_now, cal) if phrase else None
    except OverflowError:  # "9999999999h", "31/12/9999" in UTC+14: past datetime's range
        return None


# -- The API -----------------------------------------------------------------------------


def warm_up() -> None:
    """Load dateparser's language data now: its first parse costs 100-300 ms, later ~1 ms."""
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    for locale in ("vi", "en"):
        _dateparser("hôm kia", locale, now)
        _dateparser("in 3 days", locale, now)


def parse_when(text: str, locale: str, now: datetime, cal: WorkCalendar) -> When | None:
    """The moment a WHEN phrase names, in either language; None when it cannot be read."""
    reading = _read(text, locale, now, cal)
    return When(reading.moment, reading.has_time) if reading else None


def parse_date(text: str, locale: str, now: datetime, cal: WorkCalendar) -> date | None:
    """The calendar day a DATE phrase names ("thứ sáu", "4/12", "2026-12-04")."""
    reading = _read(text, locale, now, cal)
    return reading.day if reading else None


def format_date(day: date, locale: str) -> str:
    """vi "thứ Sáu, 04/12/2026"; en "Friday, 4 December 2026"."""
    if pick(locale) == "en":
        weekday, month = WEEKDAYS[day.weekday()], MONTHS[day.month - 1]
        return f"{weekday.capitalize()}, {day.day} {month.capitalize()} {day.year}"
    return f"{_VI_WEEKDAYS[day.weekday()]}, {day:%d/%m/%Y}"


def format_day_short(day: date, locale: str) -> str:
    """vi "T6 04/12" (CN for Sunday); en "Fri 4/12"."""
    if pick(locale) == "en":
        return f"{WEEKDAYS[day.weekday()][:3].capitalize()} {day.day}/{day.month}"
    return f"{_VI_SHORT[day.weekday()]} {day:%d/%m}"


def format_moment(moment: datetime, locale: str, tz: ZoneInfo) -> str:
    """vi "10:00 T5 03/12"; en "Thu 3/12 10:00" (in the reader's zone)."""
    local = moment.astimezone(tz)
    day = format_day_short(local.date(), locale)
    return f"{local:%H:%M} {day}" if pick(locale) == "vi" else f"{day} {local:%H:%M}"


_UNITS = {"vi": ("giờ", "phút"), "en": ("h", "min")}


def format_hours(span: timedelta, locale: str) -> str:
    """Working time left, whole minutes rounded down: "5 giờ 30 phút" / "5 h 30 min".

    A negative span gives the text of its absolute value: callers say "overdue".
    """
    hours, minutes = divmod(int(abs(span).total_seconds()) // 60, 60)
    hour_unit, minute_unit = _UNITS[pick(locale)]
    parts = [f"{hours} {hour_unit}"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes} {minute_unit}")
    return " ".join(parts)
