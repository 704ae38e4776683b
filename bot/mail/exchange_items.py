"""Exchange items → `ServerItem`: what the EWS provider asks for, and how it reads it.

The step between a GetItem answer and `normalize.to_mail`. Only the listed
fields are fetched (`only_fields`): a GetItem without them asks for every field
of every item type. Attachments are read as metadata (name, type, size); their
content is never requested (exchangelib fetches it lazily, only when `.content`
is read, which this module never does).

Three MAPI properties are read as extended properties registered on `Message`:
Outlook's last verb and its time (PidTagLastVerbExecuted 0x1081, …Time 0x1082),
and the `X-Replyminder` internet header (a named property in PS_INTERNET_HEADERS)
that marks the bot's own replies and forwards. exchangelib's registration is
global to the process (INTEGRATIONS.md, "Exchange"): `register_properties` is
idempotent and `deregister_properties` exists for test teardown.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from exchangelib import ExtendedProperty, FileAttachment, HTMLBody, ItemAttachment, Message
from exchangelib.fields import InvalidField

from bot.core.mail import MARKER_HEADER, Address, Attachment, Folder
from bot.mail.normalize import LAST_VERB_TAG, LAST_VERB_TIME_TAG, ServerItem
from bot.mail.parse import KEPT_HEADERS

LAST_VERB, LAST_VERB_AT, MARKER = "rm_last_verb", "rm_last_verb_at", "rm_marker"
_HEADER_LIMIT = 2000  # characters kept of each header value, as for Maildir


class LastVerbExecuted(ExtendedProperty):  # type: ignore[misc]
    property_tag = LAST_VERB_TAG
    property_type = "Integer"


class LastVerbExecutionTime(ExtendedProperty):  # type: ignore[misc]
    property_tag = LAST_VERB_TIME_TAG
    property_type = "SystemTime"


class ReplyminderMarker(ExtendedProperty):  # type: ignore[misc]
    """The `X-Replyminder` header: an item property that transport writes into the MIME."""

    distinguished_property_set_id = "InternetHeaders"
    property_name = "X-Replyminder"
    property_type = "String"


_PROPERTIES: tuple[tuple[str, type[ExtendedProperty]], ...] = (
    (LAST_VERB, LastVerbExecuted),
    (LAST_VERB_AT, LastVerbExecutionTime),
    (MARKER, ReplyminderMarker),
)
_registering = threading.Lock()

# What SyncFolderItems returns per change: the id comes always; the received time lets a
# first sync skip what is older than the look-back window without a GetItem.
SYNC_FIELDS = ("datetime_received",)
_COMMON = (
    "subject", "message_id", "author", "sender", "to_recipients", "cc_recipients",
    "reply_to", "datetime_received", "datetime_sent", "in_reply_to", "references",
    "conversation_id", "importance", "body", "attachments", LAST_VERB, LAST_VERB_AT, MARKER,
)  # fmt: skip
# Inbox mail also brings its internet headers: triage reads List-Id, Auto-Submitted, the
# spam and authentication verdicts. A Sent Items copy has none worth reading.
FIELDS = {Folder.INBOX: (*_COMMON, "headers"), Folder.SENT: _COMMON}


def register_properties() -> None:
    """Teach exchangelib's `Message` the three extended properties, once per process."""
    with _registering:
        for name, cls in _PROPERTIES:
            if not _registered(name):
                Message.register(name, cls)


def deregister_properties() -> None:
    """Undo `register_properties` (tests: the registration outlives a test otherwise)."""
    with _registering:
        for name, _ in _PROPERTIES:
            if _registered(name):
                Message.deregister(name)


def _registered(name: str) -> bool:
    try:
        Message.get_field_by_fieldname(name)
    except InvalidField:
        return False
    return True


def server_item(item: Any, folder: Folder) -> ServerItem:
    """An exchangelib `Message` fetched with `FIELDS[folder]` → the shared `ServerItem`."""
    body = item.body or ""
    received = item.datetime_received or item.datetime_sent
    headers = _headers(item.headers or ())
    if marker := getattr(item, MARKER, None):
        headers[MARKER_HEADER] = marker
    return ServerItem(
        folder=folder,
        provider_id=item.id,
        subject=item.subject or "",
        received_at=_aware(received),
        message_id=item.message_id,
        sender=_address(item.author) or _address(item.sender),
        to=_addresses(item.to_recipients),
        cc=_addresses(item.cc_recipients),
        reply_to=_addresses(item.reply_to),
        sent_at=_utc(item.datetime_sent),
        in_reply_to=item.in_reply_to,
        references=item.references,
        conversation_id=item.conversation_id.id if item.conversation_id else None,
        importance=item.importance,
        body=str(body),
        body_is_html=isinstance(body, HTMLBody),
        headers=headers,
        attachments=tuple(a for a in map(_attachment, item.attachments or ()) if a),
        last_verb=getattr(item, LAST_VERB, None),
        last_verb_at=_utc(getattr(item, LAST_VERB_AT, None)),
    )


def _aware(moment: datetime | None) -> datetime:
    if moment is None:
        raise ValueError("an item without a received or sent time")
    return datetime.fromisoformat(moment.isoformat()).astimezone(UTC)


def _utc(moment: datetime | None) -> datetime | None:
    """A plain aware datetime: exchangelib gives its own `EWSDateTime` subclass."""
    return _aware(moment) if moment is not None else None


def _address(mailbox: Any) -> Address | None:
    """An SMTP address; an Exchange-internal one (routing type EX, a legacy DN) is left out."""
    email = getattr(mailbox, "email_address", None) or ""
    if "@" not in email or getattr(mailbox, "routing_type", "SMTP") not in (None, "SMTP"):
        return None
    return Address(email, mailbox.name or "")


def _addresses(mailboxes: Iterable[Any] | None) -> tuple[Address, ...]:
    return tuple(a for a in map(_address, mailboxes or ()) if a is not None)


def _headers(headers: Iterable[Any]) -> dict[str, str]:
    """The headers triage reads, by lower-case name; the first (topmost) of each wins."""
    kept: dict[str, str] = {}
    for header in headers:
        name = (header.name or "").lower()
        if name in KEPT_HEADERS and name not in kept:
            kept[name] = (header.value or "")[:_HEADER_LIMIT]
    return kept


def _attachment(attachment: Any) -> Attachment | None:
    """Metadata only. An inline image with a Content-ID is part of the body, as for Maildir."""
    content_type = (attachment.content_type or "").lower()
    if isinstance(attachment, ItemAttachment):
        name = attachment.name or "message"
        return Attachment(f"{name}.eml", content_type or "message/rfc822", attachment.size or 0)
    if not isinstance(attachment, FileAttachment):
        return None
    if attachment.is_inline and content_type.startswith("image/") and attachment.content_id:
        return None
    kind = content_type or "application/octet-stream"
    return Attachment(attachment.name or "", kind, attachment.size or 0)
