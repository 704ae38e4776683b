"""Bytes of unknown honesty → text: declared charsets, fallbacks, RFC 2047 headers.

Used by `parse.py` (bodies and headers) and `compose.py` (the subject of a
forwarded original). Mail lies about its charset often enough that decoding never
raises: the declared charset is tried first, then utf-8 → windows-1258 → latin-1
(which cannot fail). Vietnamese arrives in windows-1258 (combining tone marks) and
NFD from some Mac clients, so every result is normalized to NFC.
"""

from __future__ import annotations

import binascii
import codecs
import itertools
import re
import unicodedata
from functools import lru_cache

from bot.mail import viscii

_FALLBACKS = ("utf-8", "cp1258", "latin-1")
# WHATWG's rule: "iso-8859-1" in the wild means windows-1252 (curly quotes in 0x80-0x9F).
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "iso8859-1": "cp1252"}
_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_JUNK = bytes(set(range(256)) - set(_B64_ALPHABET))
_REMEMBERED = 200  # characters of the longest header value whose decoding is remembered
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?]*)\?=")


def decode_text(data: bytes, charset: str | None, *, final: bool = True) -> str:
    """`data` as text; `final=False` when `data` was cut short (drops a split last letter)."""
    declared = _codec(charset)
    if declared is not None:
        text = _try(data, declared, final)
        if text is not None:
            return unicodedata.normalize("NFC", text)
        if declared == "utf-8":  # mostly utf-8 with a stray byte: keep the rest readable
            return unicodedata.normalize("NFC", data.decode("utf-8", "replace"))
    for fallback in _FALLBACKS:
        text = _try(data, fallback, final)
        if text is not None:
            return unicodedata.normalize("NFC", text)
    return data.decode("latin-1")  # not reached: latin-1 decodes every byte


@lru_cache(maxsize=256)
def _codec(charset: str | None) -> str | None:
    """The codec for a declared charset, None for none or an unknown one. (Kept: a mail
    asks for it once per part and encoded word, and `codecs.lookup` normalizes the name
    in Python each time.)"""
    name = (charset or "").strip().strip("\"'").lower().partition("*")[0]
    if name in viscii.NAMES:
        return "viscii"
    if not name or not name.isascii():  # (8-bit garbage in a charset parameter)
        return None
    try:
        return codecs.lookup(_ALIASES.get(name, name)).name
    except (LookupError, ValueError):
        return None


def _try(data: bytes, codec: str, final: bool) -> str | None:
    if codec == "viscii":
        return viscii.decode(data)
    try:
        if final:
            return data.decode(codec)
        return codecs.getincrementaldecoder(codec)("strict").decode(data, final=False)
    except (UnicodeDecodeError, LookupError):  # LookupError: "charset=base64" names no text codec
        return None


def unbase64(data: bytes) -> bytes:
    """Lenient base64: junk and line breaks ignored, a missing or broken tail tolerated."""
    padding = data.find(b"=")
    if padding < 0 or not data[padding:].strip(b"= \t\r\n"):
        # "=" only at the end (the usual body): the C decoder skips junk and line breaks
        # itself, so nothing need be copied; it refuses a broken tail, mended below.
        try:
            return binascii.a2b_base64(data)
        except binascii.Error:
            pass
    cleaned = data.translate(None, _B64_JUNK)
    extra = len(cleaned) % 4
    if extra == 1:
        cleaned = cleaned[:-1]
    elif extra:
        cleaned += b"=" * (4 - extra)
    return binascii.a2b_base64(cleaned)


def unescape(value: str, hint: str | None = None) -> str:
    """A raw header value whose 8-bit bytes were kept as surrogate escapes, as text.

    Raw 8-bit headers carry no charset: utf-8 is tried first, then `hint` (the
    charset the message's body declares: old Korean or Chinese mail writes its
    headers in that too), then the usual fallbacks.
    """
    if value.isascii():
        return value
    data = value.encode("utf-8", "surrogateescape")
    text = _try(data, "utf-8", True)
    return unicodedata.normalize("NFC", text) if text is not None else decode_text(data, hint)


def decode_header_value(value: str, hint: str | None = None) -> str:
    """A raw header value (8-bit bytes as surrogate escapes) decoded, unfolded and tidied."""
    value = unescape(value, hint)
    if "=?" in value:
        value = _remembered_words(value) if len(value) <= _REMEMBERED else _decode_words(value)
    return " ".join(value.split())


@lru_cache(maxsize=1024)
def _remembered_words(value: str) -> str:
    """`_decode_words`, remembered: the same names come in mail after mail of a mailbox
    (the owner's own in every To), and decoding one takes 4 µs, finding it 0.2 µs."""
    return _decode_words(value)


def _decode_words(value: str) -> str:
    if whole := _ENCODED_WORD.fullmatch(value):  # one word and nothing else: most names, subjects
        return _decode_run([_word(whole)])
    parts: list[str] = []
    pending: list[tuple[str, bytes]] = []  # adjacent encoded words, decoded together
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        gap = value[position : match.start()]
        position = match.end()
        if gap and not (pending and gap.isspace()):  # RFC 2047: spaces between words vanish
            parts.extend((_decode_run(pending), gap))
            pending = []
        pending.append(_word(match))
    parts.extend((_decode_run(pending), value[position:]))
    return "".join(parts)


def _decode_run(words: list[tuple[str, bytes]]) -> str:
    if len(words) < 2:  # nothing to join (most runs): spared the grouping, 2.5 µs
        return decode_text(words[0][1], words[0][0]) if words else ""
    # Same-charset neighbours are joined first: senders split multi-byte letters across words.
    groups = itertools.groupby(words, key=lambda word: word[0])
    return "".join(decode_text(b"".join(data for _, data in group), cs) for cs, group in groups)


def _word(match: re.Match[str]) -> tuple[str, bytes]:
    charset, encoding, text = match.groups()
    raw = text.encode("utf-8", "surrogateescape")
    if encoding in "Bb":
        return charset, unbase64(raw)
    return charset, binascii.a2b_qp(raw, header=True)
