"""Small text helpers shared by the rules: folding case and Vietnamese accents."""

from __future__ import annotations

import re
import unicodedata

_MARKS = re.compile(r"[\u0300-\u036f]")


def fold(text: str) -> str:
    """Case-folded NFC text: "Hóa Đơn" and "hóa đơn" compare equal."""
    return unicodedata.normalize("NFC", text).casefold()


def unaccent(text: str) -> str:
    """Folded text without Vietnamese diacritics ("Hóa đơn" → "hoa don"), for typed commands."""
    decomposed = unicodedata.normalize("NFD", fold(text)).replace("đ", "d")
    return unicodedata.normalize("NFC", _MARKS.sub("", decomposed))


def contains_word(haystack: str, word: str) -> bool:
    """`word` appears in `haystack` as whole words (both already folded)."""
    # the plain substring test first: it is quick, and usually says no
    return word in haystack and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", haystack) is not None


def excerpt(text: str, limit: int = 240) -> str:
    """The first words of a mail, on one line, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "…"
