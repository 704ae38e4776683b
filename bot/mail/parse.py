"""RFC 822 bytes → the core `Mail`: how a raw message enters the system.

The Maildir provider reads every message through here (Exchange and Graph may use
it for MIME they fetch). A first sync reads a whole mailbox, so this is a hot
path, about 3,500 typical messages a second on one core: `mime.py` cuts the bytes
into header fields and parts (faster than the stdlib's parser, see there),
`charsets.py` decodes headers and bodies, `dates.py` reads dates, `body.py` reads
at most `SCAN_CHARS` of each text part, never decodes attachments, and says what
counts as one. Only the headers that triage and the risk checks read are kept.

Dates: `sent_at` is the Date header (None when missing or unreadable);
`received_at` is the caller's value, else the top Received header's date (for
Sent: the Date first), else the Date, else `file_time` (the Maildir file's mtime).
A message without a Message-ID gets a stable one made from its Date, From,
Subject and first KB of body.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email.utils import getaddresses

from bot.core.mail import Address, Folder, Mail, Verb
from bot.mail.body import read_body
from bot.mail.charsets import decode_header_value, unescape
from bot.mail.dates import read_date
from bot.mail.mime import Fields, read_head

KEPT_HEADERS = (
    "importance", "x-priority", "x-msmail-priority", "priority", "precedence",
    "list-id", "list-unsubscribe", "list-post", "feedback-id", "x-campaign", "x-mailgun-tag",
    "auto-submitted", "x-auto-response-suppress", "x-autoreply", "x-autorespond",
    "authentication-results", "arc-authentication-results", "received-spf", "return-path",
    "sender", "x-mailer", "x-spam-flag", "x-spam-status", "content-language", "x-replyminder",
)  # fmt: skip
_OWN_FIELDS = ("from", "to", "cc", "reply-to", "subject", "date", "message-id")
_WANTED = frozenset((*KEPT_HEADERS, *_OWN_FIELDS, "in-reply-to", "references", "received"))
_HEADER_LIMIT = 2000  # characters kept of each header value
_RECEIVED_TRIED = 3  # top Received headers searched for a delivery date
_ID = re.compile(r"<([^<>]+)>")
_ROUTE = re.compile(r"<@[^<>:]*:")  # an obsolete source route, "<@relay,@relay:user@host>"
# The usual header holds one plain address; `getaddresses` (a parser in Python) takes the rest.
_ONE_ADDRESS = re.compile(
    r"\s*(?:(?P<name>[^\"<>,;:()\\@]*|\"[^\"\\<>]*\")\s*<(?P<email>[^\s<>,;:()\"\\]+@[^\s<>,;:()\"\\@]+)>"
    r"|(?P<bare>[^\s<>,;:()\"\\]+@[^\s<>,;:()\"\\@]+))\s*"
)

__all__ = ["KEPT_HEADERS", "MalformedMail", "parse"]


class MalformedMail(ValueError):
    """Nothing usable in the bytes; the reason is short and never quotes the content."""


def parse(
    raw: bytes,
    *,
    folder: Folder,
    provider_id: str,
    received_at: datetime | None = None,
    file_time: datetime | None = None,
    last_verb: Verb | None = None,
    last_verb_at: datetime | None = None,
) -> Mail:
    """The normalized mail in `raw`; raises `MalformedMail` only when there is no mail in it.
    (`last_verb` and its time are the provider's to tell: given here, the mail is not
    built twice.)"""
    header_fields, body_bytes = read_head(raw.lstrip(b"\r\n"))
    if not header_fields:
        raise MalformedMail("no mail headers")
    fields = _wanted(header_fields)
    sent_at = read_date(_first(fields, "date"))
    delivered = received_at or _arrival(fields, folder, sent_at) or file_time
    if delivered is None:
        raise MalformedMail("no date anywhere: no Date, Received or file time")
    body = read_body(header_fields, body_bytes)
    # "From: Nguyen, Van A <a@x.vn>" (an unquoted comma) splits off a piece with no "@":
    # the sender is the first real address
    found = _addresses(fields, "from", body.charset)
    authors = [a for a in found if "@" in a.email] or list(found)
    return Mail(
        folder=folder,
        provider_id=provider_id,
        message_id=next(iter(_ids(_first(fields, "message-id"))), "")
        or _made_up_id(fields, body_bytes),
        subject=_header(fields, "subject", body.charset),
        sender=next(iter(authors), None),
        also_from=tuple(authors[1:]),
        received_at=delivered,
        to=_addresses(fields, "to", body.charset),
        cc=_addresses(fields, "cc", body.charset),
        reply_to=_addresses(fields, "reply-to", body.charset),
        sent_at=sent_at,
        in_reply_to=next(iter(_ids(_first(fields, "in-reply-to"))), None),
        references=tuple(dict.fromkeys(_ids(" ".join(fields.get("references", []))))),
        headers={name: _header(fields, name, None) for name in KEPT_HEADERS if name in fields},
        text=body.text,
        links=body.links,
        attachments=body.attachments,
        last_verb=last_verb,
        last_verb_at=last_verb_at,
    )


def _wanted(header_fields: Fields) -> dict[str, list[str]]:
    """The wanted headers by lower-case name, raw values in order (the topmost first)."""
    fields: dict[str, list[str]] = {}
    for name, value in header_fields:
        key = name.lower()
        if key in _WANTED:
            fields.setdefault(key, []).append(value)
    return fields


def _first(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name)
    return values[0] if values else ""


def _header(fields: dict[str, list[str]], name: str, hint: str | None) -> str:
    """The first occurrence: for trace headers that is the one our own server added."""
    return decode_header_value(_first(fields, name), hint)[:_HEADER_LIMIT]


def _addresses(fields: dict[str, list[str]], name: str, hint: str | None) -> tuple[Address, ...]:
    raw = fields.get(name)
    if not raw:
        return ()  # (as `getaddresses` would say, 3 µs later: most mail has no Cc or Reply-To)
    # Split first, decode names after: an encoded name may hide a comma.
    values = [_unrouted(unescape(value, hint)) for value in raw]
    one = _ONE_ADDRESS.fullmatch(values[0]) if len(values) == 1 else None
    if one:  # (the usual header, built directly)
        display, email = one.group("name", "email")
        return (Address(email=email or one["bare"], name=_display_name(display or "", hint)),)
    return tuple(
        Address(email=email, name=_display_name(display, hint))
        for display, email in getaddresses(values)
        if email.strip()
    )


def _unrouted(value: str) -> str:
    return _ROUTE.sub("<", value) if "<@" in value else value


def _display_name(display: str, hint: str | None) -> str:
    return decode_header_value(display, hint).strip("\"' ") if display else ""


def _ids(value: str) -> list[str]:
    """Message ids without angle brackets; a bare id counts when it is all there is."""
    if not value:
        return []  # (most mail answers nothing: no In-Reply-To, no References)
    value = unescape(value)
    found = ["".join(match.split()) for match in _ID.findall(value)]
    if not found and len(value.split()) == 1:
        found = [value.strip()]
    return [found_id for found_id in found if found_id]


def _arrival(
    fields: dict[str, list[str]], folder: Folder, sent_at: datetime | None
) -> datetime | None:
    received = fields.get("received", [])[:_RECEIVED_TRIED]
    dates = (read_date(value.rpartition(";")[2]) for value in received)
    delivered = next(filter(None, dates), None)
    if folder is Folder.SENT:
        return sent_at or delivered
    return delivered or sent_at


def _made_up_id(fields: dict[str, list[str]], body: bytes) -> str:
    """A stable id for a message without one: the same bytes always give the same id."""
    seed = "\0".join(_first(fields, name) for name in ("date", "from", "subject"))
    digest = hashlib.sha256(seed.encode("utf-8", "surrogateescape") + b"\0" + body[:1024])
    return f"generated.{digest.hexdigest()[:32]}@replyminder.invalid"
