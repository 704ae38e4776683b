"""The core `Outgoing` → complete RFC 822 bytes, for providers that send raw MIME.

The Maildir provider writes these into Sent; a provider that submits MIME to a
server may send the same bytes. Not a hot path, so the stdlib's modern
`EmailMessage` does the encoding: RFC 2047 for Vietnamese names and subjects,
quoted-printable UTF-8 bodies (7-bit clean, still readable raw). Every message
carries the `X-Replyminder` marker, so that when it comes back through Sent it is
known as the bot's own and never taken for the user's real answer.

Lines end in LF, as files in a Maildir do; an SMTP client converts on the wire.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime

from bot.core.mail import MARKER_HEADER, Address, Outgoing
from bot.mail.charsets import decode_header_value
from bot.mail.mime import read_head

_NAME_LIMIT = 120  # characters of the original's subject kept in the attachment's file name
_PLACEHOLDER = "replyminder-original-message-goes-here"
# Headers are written unfolded (up to RFC 5322's 998): the stdlib's folding of RFC 2047
# words drops the space between two of them ("PO-2311 trước" → "PO-2311trước", seen with
# CPython 3.11's policy.default, 2026-11). Bodies are encoded before this applies, so their
# quoted-printable lines keep 76 characters.
_UNFOLDED = default.clone(max_line_length=998)


def compose_reply(message: Outgoing, date: datetime) -> bytes:
    """A reply: threaded under `message.in_reply_to` with the References chain."""
    mail = _headed(message, date)
    if message.in_reply_to:
        mail["In-Reply-To"] = f"<{message.in_reply_to}>"
    if references := _references(message):
        mail["References"] = " ".join(f"<{reference}>" for reference in references)
    mail.set_content(message.body, charset="utf-8", cte="quoted-printable")
    return mail.as_bytes(policy=_UNFOLDED)


def compose_forward(message: Outgoing, original: bytes, date: datetime) -> bytes:
    """A forward: the note first, then the original message attached unchanged (as .eml).

    The stdlib generator can only write a message/rfc822 part it has re-serialized
    (which re-folds headers and breaks signatures) or ASCII; so the part is written
    around a placeholder and the original's own bytes are put in its place.
    """
    original = _unframed(original)
    mail = _headed(message, date)
    mail.set_content(message.body, charset="utf-8", cte="quoted-printable")
    mail.make_mixed()
    mail.set_boundary(_boundary(message.message_id, original))
    mail.attach(_attachment_part(original))
    before, _, after = mail.as_bytes(policy=_UNFOLDED).rpartition(_PLACEHOLDER.encode())
    return before + original + after


def _headed(message: Outgoing, date: datetime) -> EmailMessage:
    if date.tzinfo is None:
        raise ValueError("a message date needs a time zone")
    mail = EmailMessage(policy=default)
    mail["Message-ID"] = f"<{message.message_id}>"
    mail["Date"] = format_datetime(date)
    mail["From"] = _address(message.sender)
    mail["To"] = [_address(address) for address in message.to]
    mail["Subject"] = " ".join(message.subject.split())  # no line breaks into a header
    mail[MARKER_HEADER.title()] = message.marker
    return mail


def _address(address: Address) -> HeaderAddress:
    username, _, domain = address.email.rpartition("@")
    name = " ".join(address.name.split())
    return HeaderAddress(display_name=name, username=username, domain=domain)


def _references(message: Outgoing) -> list[str]:
    """The thread's References, ending with the message replied to (RFC 5322 §3.6.4)."""
    references = list(dict.fromkeys(message.references))
    if message.in_reply_to and message.in_reply_to not in references:
        references.append(message.in_reply_to)
    return references


def _unframed(original: bytes) -> bytes:
    """The original as a message: no mbox separator line, LF line ends like the rest."""
    if original.startswith(b"From "):
        original = original.partition(b"\n")[2]
    return original.replace(b"\r\n", b"\n")


def _boundary(message_id: str, original: bytes) -> str:
    """Stable for one message (the same forward gives the same bytes), absent from the original."""
    boundary = "=_replyminder_" + hashlib.sha256(message_id.encode()).hexdigest()[:24]
    while f"--{boundary}".encode() in original:
        boundary += "_"
    return boundary


def _attachment_part(original: bytes) -> EmailMessage:
    part = EmailMessage(policy=default)
    part["Content-Type"] = "message/rfc822"
    part["Content-Transfer-Encoding"] = "7bit" if original.isascii() else "8bit"
    part.add_header("Content-Disposition", "attachment", filename=_eml_name(original))
    part.set_payload(_PLACEHOLDER)
    return part


def _eml_name(original: bytes) -> str:
    fields, _ = read_head(original)
    raw_subject = next((value for name, value in fields if name.lower() == "subject"), "")
    subject = decode_header_value(raw_subject).translate(str.maketrans("/\\:", "___"))
    return f"{subject[:_NAME_LIMIT].strip() or 'message'}.eml"
