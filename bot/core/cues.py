"""The words triage listens for, in English and Vietnamese: urgency, requests, deadlines.

Each cue is a pair of patterns. The `plain` one is matched on the text with its accents
taken off (`language.plain`), so it catches Vietnamese typed with or without
diacritics; it only holds phrases that stay unambiguous without accents ("khan cap",
"vui long"). The `marked` one is matched on the text as written, for short words that
only mean what we want when they carry their accents ("gấp" is urgent, "gap" is English).
Both are case-insensitive and bounded by word edges, so "gấp" never fires inside another word.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Final

from bot.core import folded
from bot.core.language import plain


@dataclass(frozen=True, slots=True)
class Prose:
    """A piece of mail text made ready for matching: as written (NFC) and without accents."""

    text: str
    plain: str

    @classmethod
    def of(cls, text: str) -> Prose:
        written = unicodedata.normalize("NFC", text)
        return cls(written, plain(written))


@dataclass(frozen=True, slots=True)
class Cue:
    plain: re.Pattern[str] | None = None
    marked: re.Pattern[str] | None = None

    def find(self, prose: Prose, within: frozenset[str] | None = None) -> str | None:
        """The first match, quoted as written, or None. `within`: the watched words of a
        text holding this one (`held`): a pattern none of whose words are there is skipped."""
        for pattern, haystack in ((self.plain, prose.plain), (self.marked, prose.text)):
            if pattern is None or (within is not None and not _may_hold(pattern, within)):
                continue
            found = folded.search(pattern, haystack)
            if found:
                return " ".join(prose.text[found.start() : found.end()].split())
        return None


def _words(alternatives: str, *guard: str) -> re.Pattern[str]:
    """`alternatives` as whole words, case-insensitive; `guard`: words one of which every
    match holds, searched for first (see `folded.guard`, which proves it)."""
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return folded.guard(pattern, *guard) if guard else pattern


def _marked_words(alternatives: str, *guard: str) -> re.Pattern[str]:
    """`_words` for a pattern matched on text as written, with accents: its guard words
    are also watched without their accents, as `held` finds words (see `_may_hold`)."""
    pattern = _words(alternatives, *guard)
    if guard:
        _UNMARKED[pattern] = tuple(plain(word) for word in guard)
        folded.watch(*_UNMARKED[pattern])
    return pattern


# A marked pattern's guard words without accents: a match holds one of the words as
# written, so the text without accents holds it without them.
_UNMARKED: Final[dict[re.Pattern[str], tuple[str, ...]]] = {}


def _may_hold(pattern: re.Pattern[str], within: frozenset[str]) -> bool:
    words = _UNMARKED.get(pattern)
    return folded.may_hold(pattern, within) if words is None else not within.isdisjoint(words)


URGENT: Final = Cue(
    plain=_words(
        r"urgent(?:ly)?|asap|a\.s\.a\.p\.?|immediately|right away|time[- ]sensitive"
        r"|khan cap|khan truong|can gap|rat gap|gap gap|hoa toc|cuc gap",
        *("urgent", "asap", "a.s.a.p", "immediately", "right away", "sensitive", "khan", "gap"),
        "hoa toc",
    ),
    # "gấp đôi", "gấp 3 lần" multiply, they do not hurry.
    marked=_marked_words(
        r"khẩn|gấp(?! (?:đôi|ba|rưỡi|nhiều|mấy|\d))|hỏa tốc|hoả tốc", "khẩn", "gấp", "tốc"
    ),
)

REQUEST: Final = Cue(
    plain=_words(
        r"please|pls|plz|kindly|could you|can you|would you|will you|let me know"
        r"|(?:i )?need you to|are you able to"
        r"|vui long|lam on|de nghi|nho (?:anh|chi|em|ban|a|c)(?:/(?:anh|chi|em))?"
        r"|(?:anh|chi|em|ban)(?:/(?:anh|chi|em))? co the|giup (?:em|anh|chi|minh|toi)"
        r"|cho (?:em|anh|chi|toi|minh) (?:hoi|xin)|phan hoi giup|tra loi giup"
    ),
    marked=_marked_words(r"xin (?!chào|cảm ơn|cám ơn|lỗi|trân trọng|gửi lời)\w+"),
)

QUESTION: Final = Cue(
    plain=folded.guard(
        re.compile(r"\?(?!\w)|(?<!\w)(?:duoc khong|chua a|khong a|the nao a)(?!\w)", re.I),
        *("?", "duoc khong", "chua a", "khong a", "the nao a"),
    ),
)

_URL: Final = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)

_CLOCK: Final = r"\d{1,2}(?::\d{2})?\s*(?:am|pm|h\d{0,2}|g\d{0,2}|gio)(?!\w)|\d{1,2}:\d{2}"
_DATE: Final = r"\d{1,2}/\d{1,2}(?:/\d{2,4})?"
_DAY_EN: Final = (
    r"eod|cob|noon|midday|midnight|today|tonight|tomorrow(?: morning| afternoon)?"
    r"|this (?:morning|afternoon|evening|week)|end of (?:the )?(?:business )?(?:day|week|month)"
    r"|(?:next |this )?(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{1,2}"
)
_DAY_VI: Final = (
    r"hom nay|ngay mai|(?:sang|trua|chieu|toi) (?:nay|mai)|mai|cuoi (?:ngay|tuan|thang|gio)"
    r"|(?:thu (?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat)(?: tuan (?:nay|sau|toi))?"
    r"|ngay \d{1,2}(?:/\d{1,2}(?:/\d{2,4})?)?"
)
_WHEN_EN: Final = rf"(?:{_CLOCK}|{_DATE}|{_DAY_EN})"
_WHEN_VI: Final = rf"(?:{_CLOCK}|{_DATE}|{_DAY_VI})(?:\s+(?:sang|chieu|toi)(?!\s+(?:nay|mai)))?"

DEADLINE: Final = Cue(
    plain=_words(
        rf"(?:by|before|no later than|due(?: by| on)?|deadline(?: is)?:?)\s+(?:the\s+)?{_WHEN_EN}"
        rf"(?:,?\s+{_WHEN_EN})?"
        r"|(?:truoc|(?:han|thoi han)(?: chot| cuoi| nop)?(?: la|:)|han (?:chot|cuoi|nop)"
        r"|cham nhat(?: la| vao)?|muon nhat(?: la| vao)?"
        rf"|deadline(?: la)?:?)\s+{_WHEN_VI}(?:,?\s+{_WHEN_VI})?"
        r"|eod|cob|end of (?:the )?business day|trong (?:ngay )?hom nay|ngay trong hom nay"
    ),
)

_SOON: Final = _words(
    r"today|tonight|eod|cob|end of (?:the )?(?:business )?day|this (?:morning|afternoon|evening)"
    r"|tomorrow|hom nay|(?:sang|trua|chieu|toi) (?:nay|mai)|cuoi ngay|ngay mai|mai"
)
_ANY_DAY: Final = _words(rf"{_DATE}|{_DAY_EN}|{_DAY_VI}")
_WEEKDAYS: Final = (
    ("monday", "thu hai", "thu 2"),
    ("tuesday", "thu ba", "thu 3"),
    ("wednesday", "thu tu", "thu 4"),
    ("thursday", "thu nam", "thu 5"),
    ("friday", "thu sau", "thu 6"),
    ("saturday", "thu bay", "thu 7"),
    ("sunday", "chu nhat"),
)


def is_soon(deadline: str, now: datetime) -> bool:
    """A deadline falls today or tomorrow: named so, a bare clock time, or today's weekday."""
    said = plain(deadline).lower()
    if _SOON.search(said) or not _ANY_DAY.search(said):
        return True
    near = {now.weekday(), (now.weekday() + 1) % 7}
    return any(name in said for day in near for name in _WEEKDAYS[day])


def without_urls(text: str) -> str:
    """Text with URLs and addresses blanked, so that their "?" and words do not count.

    A URL or an address never spans white space, and holds "@", "://" or "www.": so only
    the words holding one are blanked, each as the whole text would have been. (Over the
    whole text, `_URL`'s "\\S+@" tries every word to its end for an "@": most of read's time.)
    """
    marks = _marks(text)
    if not marks:
        return text
    backwards, pieces, done = text[::-1], list[str](), 0
    for at in marks:
        if at < done:
            continue  # in the word just blanked
        start, end = at - _run(backwards, len(text) - at), at + _run(text, at)
        pieces += (text[done:start], _URL.sub(" ", text[start:end]))
        done = end
    return "".join(pieces) + text[done:]


def _marks(text: str) -> list[int]:
    """Where each "@", "://" and "www." (in any case) begins, in order: what `_URL` cannot
    match without. Found by string search: a pattern, or lower-casing the text, costs
    several times more on text with accents, and most mail has one mark or none."""
    dots = (*folded.occurrences(text, "w."), *folded.occurrences(text, "W."))
    www = (dot - 2 for dot in dots if dot >= 2 and text[dot - 2 : dot] in _WW)
    return sorted([*folded.occurrences(text, "@"), *folded.occurrences(text, "://"), *www])


_WW: Final = ("ww", "wW", "Ww", "WW")  # before "w." or "W.": "www." in any case


_WORD_RUN: Final = re.compile(r"\S*")


def _run(text: str, at: int) -> int:
    """How many characters from `at` on are not white space."""
    found = _WORD_RUN.match(text, at)
    return found.end() - at if found else 0


def sentences(prose: Prose, *wanted: re.Pattern[str]) -> Iterator[Prose]:
    """The sentences of a text (wrapped lines joined) that may hold a match of one of
    `wanted`, each as written and without accents; all of them when none is given.

    Cutting a long mail into sentences is costly, and most sentences hold none of the
    phrases asked for. Where a pattern matches in a sentence, it also matches in the
    whole text with its lines joined the same way (the sentences, joined by spaces), at
    the same place: so the whole text is searched first for every place a match starts,
    and only the sentences holding one are made; the caller searches those again. Only
    for patterns that tie no match to the start or end of the text (`^`, `$`) and whose
    look-arounds test no more than the character next to a match (word edges): one that
    looks further (`gấp(?! đôi)`) could see the next sentence in the joined text.
    """
    joined = _joined(prose.plain)
    starts = sorted(at for p in wanted for at in folded.starts(p, joined)) if wanted else None
    if starts == []:
        return
    begin = offset = 0  # where the sentence begins in `prose` and in `joined`
    for end in [*(found.end() for found in _SENTENCE_END.finditer(prose.plain)), None]:
        if starts is not None and offset > starts[-1]:
            return  # past the last place a match starts: no later sentence holds one
        plain = " ".join(prose.plain[begin:end].split())
        if plain and (starts is None or _holds(starts, offset, offset + len(plain))):
            yield Prose(" ".join(prose.text[begin:end].split()), plain)
        offset += len(plain) + 1 if plain else 0
        begin = end or 0


# After ".", "!" or "?" before a space, or a blank line; the text's end closes the last one.
# (Written to begin with a class: the engine then skips ahead to where one can start.)
_SENTENCE_END: Final = re.compile(r"[.!?\n](?:(?<=[.!?])[.!?]*(?=\s)|(?<=\n)\s*\n)")


def _holds(starts: list[int], begin: int, end: int) -> bool:
    """Whether one of the sorted `starts` falls in [begin, end)."""
    at = bisect_left(starts, begin)
    return at < len(starts) and starts[at] < end


def held(prose: Prose) -> frozenset[str]:
    """The watched words (`folded.watch`) in a text, its lines joined, without accents, in
    any case: the pre-check of the rules read over a whole mail, one pass for them all.
    (It holds every such word the text as written holds, and sometimes one more.)"""
    return folded.held(_joined(prose.plain))


@lru_cache(maxsize=16)
def _joined(text: str) -> str:
    """`text` with every run of white space one space, as `sentences` joins a sentence."""
    return " ".join(text.split())


_DAY_WORD: Final = _words(
    r"today|tonight|tomorrow|hom nay|toi nay|ngay mai|(?:sang|trua|chieu) (?:nay|mai)",
    *("today", "tonight", "tomorrow", "hom nay", "toi nay", "ngay mai", "sang nay", "sang mai"),
    *("trua nay", "trua mai", "chieu nay", "chieu mai"),
)


def asked_for_day(prose: Prose, within: frozenset[str] | None = None) -> str | None:
    """A day named in a sentence that asks something: "please send it today". `within`:
    the watched words of a text holding this one, when known (see `held`)."""
    if within is not None and not folded.may_hold(_DAY_WORD, within):
        return None
    for sentence in sentences(prose, _DAY_WORD):
        day = _DAY_WORD.search(sentence.plain)
        if day and (REQUEST.find(sentence) or QUESTION.find(sentence)):
            return sentence.text[day.start() : day.end()]
    return None
