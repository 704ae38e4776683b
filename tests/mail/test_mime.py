"""Header blocks: the one-pass reading of well-formed fields agrees with the line rule."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import example, given
from hypothesis import strategies as st

from bot.mail import mime

_NAMES = st.sampled_from(["Subject", "From", "X-Thing", "To", "From ", "Received", "a:b"])
_VALUES = st.text(st.sampled_from("ab ;:\t\x0b\x0c\r\xff\u00e9"), max_size=12)
_LINES = st.one_of(
    st.builds(lambda name, value: f"{name}:{value}", _NAMES, _VALUES),  # a field
    st.builds(lambda space, value: space + value, st.sampled_from([" ", "\t"]), _VALUES),
    st.sampled_from(["From someone Mon Jan 1", "no colon here", "", " ", "\r"]),
)


@given(st.lists(_LINES, max_size=8), st.sampled_from(["\n", "\r\n"]), st.booleans())
@example(["Subject: a ", " b\r", "To: c"], "\n", True)
@example(["From someone", "Subject: a"], "\n", True)
def test_one_pass_reads_what_the_line_rule_reads(lines: list[str], eol: str, blank: bool) -> None:
    text = eol.join(lines) + (eol + eol if blank else "")
    block = text.encode("utf-8", "surrogateescape")
    rule = mime._read_lines(block.decode("ascii", "surrogateescape"))
    assert rule == mime._read_fields(block)


def test_a_usual_head_is_read_in_one_pass() -> None:
    """Folded lines joined with their line breaks, first lines trimmed, CRLF as LF."""
    block = b"Subject: Re: b\xc3\xa1o gi\xc3\xa1  \r\n\tl\xe1\xba\xa7n 2\r\nTo: a@x.vn\r\n\r\n"
    fields, used = mime._read_fields(block)
    name, value = fields[0]
    assert (name, value.encode("utf-8", "surrogateescape")) == (
        "Subject",
        b"Re: b\xc3\xa1o gi\xc3\xa1\n\tl\xe1\xba\xa7n 2",
    )
    assert (fields[1], used) == (("To", "a@x.vn"), len(block))


_PIECES = st.sampled_from(
    [
        *("multipart/mixed", ";", " ", "\n\t", "boundary", "BOUNDARY", "=", '"', "\\", "<", ">"),
        *("*", "*0", "abc", "=_Part_1", "charset", "utf-8''x", "'", "\xa0", "\udcff", "name"),
    ]
)


@given(st.lists(_PIECES, max_size=14).map("".join))
@example('multipart/mixed; boundary="abc def "; charset=x')
@example("multipart/mixed; boundary=abc")
@example('multipart/mixed; boundary="<abc>"')
def test_a_plainly_written_boundary_is_the_one_compat32_reads(content_type: str) -> None:
    part = mime.Part(b"", "multipart/mixed", "", "", None, False, content_type, None, False)
    assert mime._boundary(part) == (part.params().get_boundary() or "")


def test_a_usual_boundary_is_read_without_compat32() -> None:
    part = mime.Part(b"", "multipart/mixed", "", "", None, False, "", None, False)
    for written, boundary in [
        ('multipart/alternative;\n\tboundary="----=_Part_1"', "----=_Part_1"),
        ("multipart/mixed; boundary=xyz; charset=utf-8", "xyz"),
    ]:
        assert mime._PLAIN_BOUNDARY.fullmatch(written)
        assert mime._boundary(replace(part, raw_type=written)) == boundary
