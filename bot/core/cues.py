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

    def find(self, prose: Prose) -> str | None:
        """The first match, quoted as written, or None."""
        for pattern, haystack in ((self.plain, prose.plain), (self.marked, prose.text)):
            found = folded.search(pattern, haystack) if pattern else None
            if found:
                return " ".join(prose.text[found.start() : found.end()].split())
        return None


def _words(alternatives: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


URGENT: Final = Cue(
    plain=_words(
        r"urgent(?:ly)?|asap|a\.s\.a\.p\.?|immediately|right away|time[- ]sensitive"
        r"|khan cap|khan truong|can gap|rat gap|gap gap|hoa toc|cuc gap"
    ),
    # "gấp đôi", "gấp 3 lần" multiply, they do not hurry.
    marked=_words(r"khẩn|gấp(?! (?:đôi|ba|rưỡi|nhiều|mấy|\d))|hỏa tốc|hoả tốc"),
)

REQUEST: Final = Cue(
    plain=_words(
        r"please|pls|plz|kindly|could you|can you|would you|will you|let me know"
        r"|(?:i )?need you to|are you able to"
        r"|vui long|lam on|de nghi|nho (?:anh|chi|em|ban|a|c)(?:/(?:anh|chi|em))?"
        r"|(?:anh|chi|em|ban)(?:/(?:anh|chi|em))? co the|giup (?:em|anh|chi|minh|toi)"
        r"|cho (?:em|anh|chi|toi|minh) (?:hoi|xin)|phan hoi giup|tra loi giup"
    ),
    marked=_words(r"xin (?!chào|cảm ơn|cám ơn|lỗi|trân trọng|gửi lời)\w+"),
)

QUESTION: Final = Cue(
    plain=re.compile(r"\?(?!\w)|(?<!\w)(?:duoc khong|chua a|khong a|the nao a)(?!\w)", re.I),
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
    """Text with URLs and addresses blanked, so that their "?" and words do not count."""
    return _URL.sub(" ", text)


def sentences(prose: Prose, *wanted: re.Pattern[str]) -> Iterator[Prose]:
    """The sentences of a text (wrapped lines joined), each as written and without accents.

    `wanted`: patterns the caller will look for in each sentence's plain text. When none
    of them matches the whole text (its lines joined the same way), no sentence can hold
    a match, and none is made: cutting a long mail into sentences is costly, and most
    mail holds none of the phrases asked for. Only for patterns that tie no match to the
    start or end of the text (`^`, `$`): across sentences, those would differ.
    """
    if wanted and not any(folded.search(p, _joined(prose.plain)) for p in wanted):
        return
    start = 0
    for end in re.finditer(r"[.!?]+(?=\s)|\n\s*\n|$", prose.plain):
        chunk = Prose(prose.text[start : end.end()], prose.plain[start : end.end()])
        start = end.end()
        if chunk.text.strip():
            yield Prose(" ".join(chunk.text.split()), " ".join(chunk.plain.split()))


@lru_cache(maxsize=16)
def _joined(text: str) -> str:
    """`text` with every run of white space one space, as `sentences` joins a sentence."""
    return " ".join(text.split())


_DAY_WORD: Final = _words(
    r"today|tonight|tomorrow|hom nay|toi nay|ngay mai|(?:sang|trua|chieu) (?:nay|mai)"
)


def asked_for_day(prose: Prose) -> str | None:
    """A day named in a sentence that asks something: "please send it today"."""
    for sentence in sentences(prose, _DAY_WORD):
        day = _DAY_WORD.search(sentence.plain)
        if day and (REQUEST.find(sentence) or QUESTION.find(sentence)):
            return sentence.text[day.start() : day.end()]
    return None
