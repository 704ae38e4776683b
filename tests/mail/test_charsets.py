"""Lenient base64: the decoder's shortcut agrees with the rule it shortcuts."""

from __future__ import annotations

import binascii

from hypothesis import example, given
from hypothesis import strategies as st

from bot.mail import charsets

_JUNK = bytes(
    set(range(256)) - set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
)


def unbase64_by_the_rule(data: bytes) -> bytes:
    """Junk (and "=") dropped, a tail of one character dropped, padding added."""
    cleaned = data.translate(None, _JUNK)
    extra = len(cleaned) % 4
    if extra == 1:
        cleaned = cleaned[:-1]
    elif extra:
        cleaned += b"=" * (4 - extra)
    return binascii.a2b_base64(cleaned)


_PIECES = st.sampled_from(
    [b"QUJD", b"QQ", b"QUI", b"Q", b"=", b"==", b"\n", b"\r\n", b" ", b"!", b"\xff"]
)


@given(st.lists(_PIECES, max_size=12).map(b"".join))
@example(b"QUJD\nQQ==\n")
@example(b"QQ=\nQUJD")
@example(b"QUJDQ===")
def test_lenient_base64_decodes_by_the_rule(data: bytes) -> None:
    """Junk, line breaks, a broken tail and "=" anywhere give what the rule gives."""
    assert unbase64_by_the_rule(data) == charsets.unbase64(data)
