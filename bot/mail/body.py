"""The leaf parts of a message → text, links and attachment metadata.

The last step of `parse.py`, after `mime.py` has cut the message into parts.
Text is the text/plain parts, else the HTML parts converted; links are every
`<a href>` of every HTML part plus the bare http(s) URLs of the plain parts.

Attachments: a part with a filename or `Content-Disposition: attachment`, except
an inline image with a Content-ID and no attachment disposition (a logo drawn in
the body, not a file anyone opens); a nameless inline part of another type counts
for nothing. An attached message (message/rfc822) counts as "<its subject>.eml".
Sizes are estimated from the encoded length: attachment content is never decoded.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.core.attachments import PROGRAM_TYPES, danger
from bot.core.mail import TEXT_LIMIT, Attachment, Link
from bot.mail.charsets import decode_header_value, decode_text, unbase64
from bot.mail.htmltext import read_html
from bot.mail.mime import Fields, Part, leaves, read_head

SCAN_CHARS = 512 * 1024  # encoded bytes read of each text part
LINK_LIMIT = 200
_EMBEDDED = frozenset({"message/rfc822", "message/global"})
_TEXTS = frozenset({"text/plain", "text/html"})
_PROSE = re.compile(rb"\S[ \t]+\S")  # words with spaces between: never base64
_PROSE_LOOKED_AT = 2048  # bytes of a base64 part looked at for prose
_BLANK_RUN = re.compile(r"\n\n\n+")
_URL = re.compile(r"[hH][tT][tT][pP][sS]?://[^\s<>\"'()\[\]{}]+")  # (IGNORECASE is slower)


@dataclass(frozen=True, slots=True)
class Body:
    text: str
    links: tuple[Link, ...]
    attachments: tuple[Attachment, ...]
    charset: str | None  # the first charset a text part declares: a hint for raw 8-bit headers


@dataclass(slots=True)
class _Parts:
    charset: str | None = None
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


def read_body(fields: Fields, body: bytes) -> Body:
    parts = _Parts()
    for part in leaves(fields, body):
        _sort(part, parts)
    links: list[Link] = []
    html_texts: list[str] = []
    for markup in parts.html:
        text, found = read_html(
            markup, text=not parts.plain, text_limit=TEXT_LIMIT, link_limit=LINK_LIMIT
        )
        html_texts.append(text)
        links.extend(found)
    for text in parts.plain:
        links.extend(Link(text=url, href=url) for url in _urls(text))
    text = _tidy("\n\n".join(parts.plain or html_texts)[: 2 * TEXT_LIMIT])
    unique_links = tuple(dict.fromkeys(links))[:LINK_LIMIT]
    return Body(text, unique_links, tuple(parts.attachments), parts.charset)


def _sort(part: Part, parts: _Parts) -> None:
    if part.content_type in _EMBEDDED:
        parts.attachments.append(_embedded(part))
    elif _is_attachment(part):
        size = _encoded_size(part)
        parts.attachments.append(Attachment(_shown_name(part), part.content_type, size))
    elif part.content_type == "text/plain" or part.content_type.startswith("multipart/"):
        parts.plain.append(_text(part))  # a multipart left whole had a broken boundary
    elif part.content_type == "text/html":
        parts.html.append(_text(part))
    parts.charset = parts.charset or part.charset


def _is_attachment(part: Part) -> bool:
    if part.disposition == "attachment" or part.content_type in PROGRAM_TYPES:
        return True  # (a program is one even with no name: it is what a click runs)
    if part.disposition == "inline" and part.content_type in _TEXTS:
        return _runs(part.filename())  # shown as the body, unless named as a program
    if part.content_type.startswith("image/") and part.content_id:
        return False  # drawn inside the HTML body, not a file the reader opens
    return bool(part.filename())


def _shown_name(part: Part) -> str:
    """Its name; of two (Content-Disposition's and Content-Type's differ: mail programs
    differ in which they show), the one that warns ("invoice.pdf" and "invoice.exe": the
    latter); a program's type when it has none."""
    names = part.filenames()
    warning = (name for name in names if danger(Attachment(name, part.content_type, 0), True))
    return next(warning, names[0]) or (
        part.content_type if part.content_type in PROGRAM_TYPES else ""
    )


def _runs(name: str) -> bool:
    return bool(name) and danger(Attachment(name, "", 0), False) in ("program", "disguised")


def _embedded(part: Part) -> Attachment:
    inner = read_head(part.body)[0] if part.transfer_encoding != "base64" else []
    raw_subject = next((value for name, value in inner if name.lower() == "subject"), "")
    subject = decode_header_value(raw_subject)
    name = f"{subject}.eml" if subject else part.filename() or "message.eml"
    return Attachment(name, part.content_type, _encoded_size(part))


def _encoded_size(part: Part) -> int:
    """An estimate from the encoded length: attachment content is never decoded."""
    if part.transfer_encoding == "base64":
        return (len(part.body) - part.body.count(b"\n") - part.body.count(b"\r")) * 3 // 4
    return len(part.body)


def _text(part: Part) -> str:
    """The decoded text of a part, at most `SCAN_CHARS` bytes of it looked at."""
    data = part.body[:SCAN_CHARS]
    if part.transfer_encoding == "base64" and not _prose(data[:_PROSE_LOOKED_AT]):
        data = unbase64(data)  # (base64 that is plainly prose: a wrong Content-Transfer-Encoding)
    elif part.transfer_encoding == "quoted-printable":
        data = binascii.a2b_qp(data)
    return decode_text(data, part.charset, final=len(part.body) <= SCAN_CHARS)


def _prose(head: bytes) -> bool:
    """Words with spaces between. Real base64 has no space or tab at all: asked first,
    it spares the pattern trying each of 2 KB of places (40 µs a part)."""
    return (b" " in head or b"\t" in head) and _PROSE.search(head) is not None


def _urls(text: str) -> Iterator[str]:
    """What `_URL.finditer` finds, looked for only where "://" is: a search for the
    pattern tried it at every "h" and "t" of the text (three times as slow)."""
    end = 0
    while (at := text.find("://", end)) >= 0:
        found = _URL.match(text, max(at - 5, end)) or _URL.match(text, max(at - 4, end))
        if found:
            yield found.group().rstrip(".,;:!?")
        end = found.end() if found else at + 3


def _tidy(text: str) -> str:
    """Spaces collapsed, lines trimmed, blank runs down to one (per line: regexes are slower)."""
    lines = text.splitlines()
    if "  " in text or "\t" in text or "\xa0" in text:
        lines = [
            " ".join(line.split()) if "  " in line or "\t" in line or "\xa0" in line else line
            for line in lines
        ]
    # (A blank line is an empty one once trimmed: runs of them are one search in C.)
    trimmed = "\n".join(map(str.strip, lines))
    return _BLANK_RUN.sub("\n\n", trimmed).strip()[:TEXT_LIMIT]
