"""Which language a mail is written in, and Vietnamese text with its accents taken off.

Runs on every incoming mail, before triage: the language picks the wording of a
holding reply, and `plain` lets the triage and risk rules match Vietnamese typed with
or without diacritics ("khẩn cấp", "khan cap") with one pattern. `plain` keeps the
length of the text, character for character, so that a match found in the plain text
can be quoted from the original.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from bot.core.mail import Mail
from bot.core.text import letter_for_letter

SAMPLE: Final = 1_500  # characters of body text looked at: enough to tell, cheap on every mail

# Letters only Vietnamese uses among Latin-script languages: ă đ ơ ư and the
# Latin Extended Additional block (ạ ả ấ ầ ẩ ẫ ậ ắ … ỹ), which French or German never need.
_VIETNAMESE_ONLY: Final = frozenset("ăđơưĂĐƠƯ") | frozenset(map(chr, range(0x1EA0, 0x1EFA)))
_VIETNAMESE_LETTER: Final = re.compile(f"[{''.join(sorted(_VIETNAMESE_ONLY))}]")

# Frequent Vietnamese words as typed without accents (on a phone, in old mail clients).
_PLAIN_WORDS: Final = frozenset(
    (
        "anh", "chi", "em", "ban", "minh", "toi", "chung", "cac", "nhung", "cua", "duoc", "khong",
        "chua", "roi", "nhe", "da", "dang", "se", "voi", "cho", "trong", "ngay", "gui", "nay",
        "thi", "va", "la", "co", "de", "ve", "lam", "bao", "cao", "vui", "long", "cam", "xin",
        "chao", "nhan", "vien", "cong", "ty", "hop", "dong", "hoa", "don", "giup",
    )
)  # fmt: skip
_PLAIN_SHARE: Final = 0.3  # share of such words above which unaccented text is Vietnamese
_WORD: Final = re.compile(r"[^\W\d_]+")


def _base(char: str) -> str:
    if char in "đĐ":
        return "d" if char == "đ" else "D"
    return unicodedata.normalize("NFD", char)[0]


_PLAIN_TABLE: Final = {
    code: _base(chr(code))
    for code in [*range(0xC0, 0x250), *range(0x1EA0, 0x1F00)]
    if _base(chr(code)) != chr(code) and _base(chr(code)).isascii()
}
# The same as a list indexed by code point (past its end, a character stays as it is):
# `str.translate` looks a list up about twice as fast as a dict, and it runs on every mail.
_PLAIN_LIST: Final = [ord(_PLAIN_TABLE.get(code, chr(code))) for code in range(0x1F00)]
_PLAIN_VIETNAMESE: Final = letter_for_letter(lambda char: _PLAIN_TABLE.get(ord(char), char))


def plain(text: str) -> str:
    """`text` without diacritics, same length ("Khẩn cấp" → "Khan cap"); expects NFC."""
    if text.isascii():
        return text
    fast = _PLAIN_VIETNAMESE(text)  # most Vietnamese text, in C; else the table, from Python
    return text.translate(_PLAIN_LIST) if fast is None else fast


def language_of(mail: Mail) -> str:
    """ "vi" or "en": Vietnamese letters win, then Content-Language, then unaccented words.

    Outlook writes its own UI language into Content-Language whatever the text is, so the
    header only decides when the text shows no Vietnamese letters.
    """
    sample = unicodedata.normalize("NFC", f"{mail.subject}\n{mail.text[:SAMPLE]}")
    first = _VIETNAMESE_LETTER.search(sample)  # two of them: a search each, not a loop
    if first and _VIETNAMESE_LETTER.search(sample, first.end()):
        return "vi"
    declared = mail.header("content-language").strip().lower()[:2]
    if declared in ("vi", "en"):
        return declared
    return "vi" if _mostly_plain_vietnamese(sample) else "en"


def _mostly_plain_vietnamese(sample: str) -> bool:
    words = [word.lower() for word in _WORD.findall(sample)]
    if len(words) < 4:
        return False
    return sum(word in _PLAIN_WORDS for word in words) / len(words) >= _PLAIN_SHARE
