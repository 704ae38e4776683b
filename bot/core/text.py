"""Small text helpers shared by the rules: folding case and Vietnamese accents."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Final

_MARKS = re.compile(r"[\u0300-\u036f]")


def fold(text: str) -> str:
    """Case-folded NFC text: "Hóa Đơn" and "hóa đơn" compare equal."""
    return unicodedata.normalize("NFC", text).casefold()


def unaccent(text: str) -> str:
    """Folded text without Vietnamese diacritics ("Hóa đơn" → "hoa don"), for typed commands
    and routing keywords (looked for in the text of every new thread)."""
    if text.isascii():
        return text.lower()  # the same: nothing to compose, decompose or fold beyond case
    fast = _UNACCENTED(text)  # Vietnamese letters and ASCII: in C (all are in the table)
    if fast is not None:
        return fast
    if _ELSEWHERE.search(text):
        return _normalized(text)
    return text.translate(_LETTERWISE)  # the same, letter by letter (see below)


def _normalized(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", fold(text)).replace("đ", "d")
    return unicodedata.normalize("NFC", _MARKS.sub("", decomposed))


# Latin letters (Vietnamese among them) and punctuation: here `unaccent` works letter by
# letter, since each one is NFC already, folds and decomposes to a letter and its marks,
# and what is left of it is ASCII or such a letter, which composes with no neighbour. So a
# translation table gives the same text as the normalizations, about twice as fast.
LETTERWISE_BLOCKS: Final = (range(0x80, 0x250), range(0x1E00, 0x1F00), range(0x2000, 0x2070))


def _in_blocks(char: str) -> bool:
    return char.isascii() or any(ord(char) in block for block in LETTERWISE_BLOCKS)


def _letterwise(char: str) -> str | None:
    """What `unaccent` makes of `char` wherever it stands, if that is sure."""
    if unicodedata.normalize("NFC", char) != char or unicodedata.combining(char):
        return None
    done = _normalized(char)
    return done if all(_in_blocks(c) and not unicodedata.combining(c) for c in done) else None


def _runs(codes: list[int]) -> Iterator[str]:
    """Sorted code points as the ranges of a regular-expression class ("a-z")."""
    start = previous = codes[0]
    for code in [*codes[1:], -1]:
        if code != previous + 1:
            yield f"{re.escape(chr(start))}-{re.escape(chr(previous))}"
            start = code
        previous = code


_TABLE: Final = {
    code: done
    for block in (range(0x80), *LETTERWISE_BLOCKS)
    for code in block
    if (done := _letterwise(chr(code))) is not None
}
_LETTERWISE: Final = [_TABLE.get(code, chr(code)) for code in range(max(_TABLE) + 1)]
_ELSEWHERE: Final = re.compile(f"[^{''.join(_runs(sorted(_TABLE)))}]")  # a letter not in the table


# The letters Vietnamese writes, in both cases where they are common (capitals with tone
# marks begin few words), and a few Latin-1 ones of French and German: at most 128, the
# room a one-byte codec has beside ASCII.
VIETNAMESE_LETTERS: Final = (
    "àáâãèéêìíòóôõùúýăđĩũơư"
    "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯ"
    "ẢẠẤẦẬẮẶẾỀỂỆỐỒỔỘỚỜỞỢỨỪỬỰẺẸỎỌỦ"
    "äåçëîïñöûü"
)


def letter_for_letter(mapping: Callable[[str], str]) -> Callable[[str], str | None]:
    """A translation of each of `VIETNAMESE_LETTERS` and of ASCII to one ASCII character
    (`mapping` of it), run by the codec machinery in C: about six times faster than
    `str.translate`, which looks each character up from Python. It answers None for a
    text holding any other character (the caller translates that one as before).
    """
    chars = "".join(map(chr, range(128))) + VIETNAMESE_LETTERS
    made = [mapping(char) for char in chars]
    if len(chars) > 256 or any(len(m) != 1 or not m.isascii() for m in made):
        raise ValueError("each letter must become one ASCII character")
    encoding = codecs.charmap_build(chars + "\ufffe" * (256 - len(chars)))
    to_ascii = bytes(map(ord, made)) + bytes(256 - len(chars))

    def translate(text: str) -> str | None:
        # The codec refuses any other character; only the filler is let through. (Asking
        # first, with a pattern of the letters, cost more than the translation itself.)
        try:
            encoded, _ = codecs.charmap_encode(text, "strict", encoding)
        except UnicodeEncodeError:
            return None
        return None if "\ufffe" in text else bytes.translate(encoded, to_ascii).decode("ascii")

    return translate


_UNACCENTED: Final = letter_for_letter(lambda char: _LETTERWISE[ord(char)])


def contains_word(haystack: str, word: str) -> bool:
    """`word` appears in `haystack` as whole words (both already folded): no letter, digit
    or "_" on either side, as a regular expression's word edges say, by string search."""
    at = haystack.find(word)
    while at >= 0:
        end = at + len(word)
        if not (at and _is_word(haystack[at - 1])) and not (
            end < len(haystack) and _is_word(haystack[end])
        ):
            return True
        at = haystack.find(word, at + 1)
    return False


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def excerpt(text: str, limit: int = 240) -> str:
    """The first words of a mail, on one line, cut at a word boundary."""
    # The words of a beginning of the text are those of the whole text's beginning (the
    # last one maybe cut short): when they make more than `limit`, the rest cannot matter.
    head = text[: limit * 4]
    flat = " ".join(head.split())
    if len(flat) <= limit and len(head) < len(text):
        flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "…"
