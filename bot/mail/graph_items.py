"""Graph message JSON → `ServerItem` → the core `Mail` (pure: no I/O).

What the Graph provider asks for and how it reads the answer. `graph.py` puts
`select(folder)` and `EXPAND` on the first delta request of a folder (Graph
encodes them into every next and delta link); each message of a delta page comes
through `to_mail`, which hands a `ServerItem` to the normalization shared with
the Exchange provider (`normalize.py`).

Graph has no In-Reply-To or References property and a sent item has no internet
headers at all, so the MAPI properties behind them are read as extended
properties (MS-OXPROPS): PidTagInReplyToId (0x1042), PidTagInternetReferences
(0x1039), Outlook's last verb and its time (0x1081, 0x1082), and the bot's own
`X-Replyminder` marker, a named property in the internet-headers namespace
(PS_INTERNET_HEADERS): Exchange writes such a property out as a header when the
message is sent, and the copy in Sent Items keeps it. Attachments come as
metadata only (`$select` leaves their content out).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.core.mail import MARKER_HEADER, Address, Attachment, Folder, Mail
from bot.mail.charsets import decode_header_value
from bot.mail.normalize import ServerItem, to_mail
from bot.mail.parse import KEPT_HEADERS

Json = dict[str, Any]
PS_INTERNET_HEADERS = "{00020386-0000-0000-C000-000000000046}"
MARKER = f"String {PS_INTERNET_HEADERS} Name X-Replyminder"
IN_REPLY_TO = "String 0x1042"
REFERENCES = "String 0x1039"
LAST_VERB = "Integer 0x1081"
LAST_VERB_TIME = "SystemTime 0x1082"
PROPERTIES = (IN_REPLY_TO, REFERENCES, LAST_VERB, LAST_VERB_TIME, MARKER)
FOLDER_IDS = {Folder.INBOX: "inbox", Folder.SENT: "sentitems"}  # Graph's well-known names

FIELDS = (
    "internetMessageId",
    "subject",
    "from",
    "sender",
    "toRecipients",
    "ccRecipients",
    "replyTo",
    "receivedDateTime",
    "sentDateTime",
    "conversationId",
    "importance",
    "body",
    "isDraft",
)
_WANTED_HEADERS = frozenset((*KEPT_HEADERS, "in-reply-to", "references"))
_HEADER_LIMIT = 2000  # characters kept of a header value, as parse.py keeps
_FRACTION = re.compile(r"(\.\d{6})\d+")  # Graph writes up to 7 digits; Python reads 6


def select(folder: Folder) -> str:
    """The properties a delta page carries: internet headers only for received mail."""
    return ",".join((*FIELDS, "internetMessageHeaders") if folder is Folder.INBOX else FIELDS)


def _property_filter() -> str:
    return " or ".join(f"id eq '{name}'" for name in PROPERTIES)


EXPAND = (
    f"singleValueExtendedProperties($filter={_property_filter()}),"
    "attachments($select=name,contentType,size,isInline)"
)


def to_mail_or_none(folder: Folder, data: Json) -> Mail | None:
    """A delta entry as a Mail; None for a removal (`@removed`) or a draft."""
    if "@removed" in data or data.get("isDraft"):
        return None
    return to_mail(to_item(folder, data))


def to_item(folder: Folder, data: Json) -> ServerItem:
    properties = extended(data)
    headers = _headers(data.get("internetMessageHeaders") or [])
    if properties.get(MARKER):
        headers[MARKER_HEADER] = properties[MARKER]
    body = data.get("body") or {}
    received = when(data.get("receivedDateTime")) or when(data.get("sentDateTime"))
    if received is None:
        raise ValueError("a message without a received or sent time")
    return ServerItem(
        folder=folder,
        provider_id=str(data["id"]),
        subject=str(data.get("subject") or ""),
        received_at=received,
        message_id=data.get("internetMessageId"),
        sender=_address(data.get("from") or data.get("sender")),
        to=_addresses(data.get("toRecipients")),
        cc=_addresses(data.get("ccRecipients")),
        reply_to=_addresses(data.get("replyTo")),
        sent_at=when(data.get("sentDateTime")),
        in_reply_to=properties.get(IN_REPLY_TO),
        references=properties.get(REFERENCES),
        conversation_id=data.get("conversationId"),
        importance=data.get("importance"),
        body=str(body.get("content") or ""),
        body_is_html=str(body.get("contentType", "")).lower() == "html",
        headers=headers,
        attachments=tuple(_attachments(data.get("attachments") or [])),
        last_verb=_integer(properties.get(LAST_VERB)),
        last_verb_at=when(properties.get(LAST_VERB_TIME)),
    )


def extended(data: Json) -> dict[str, str]:
    """The expanded single-value extended properties by id (Graph may lower-case GUIDs)."""
    wanted = {name.lower(): name for name in PROPERTIES}
    found: dict[str, str] = {}
    for entry in data.get("singleValueExtendedProperties") or []:
        name = wanted.get(str(entry.get("id", "")).lower())
        if name is not None and entry.get("value") is not None:
            found[name] = str(entry["value"])
    return found


def when(value: object) -> datetime | None:
    """A Graph timestamp ("2026-03-02T01:00:00Z", up to 7 fraction digits) as an aware time."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(_FRACTION.sub(r"\1", value))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _headers(entries: list[Json]) -> dict[str, str]:
    """The headers triage reads, the first occurrence of each (the topmost, our server's)."""
    headers: dict[str, str] = {}
    for entry in entries:
        name = str(entry.get("name", "")).lower()
        if name in _WANTED_HEADERS and name not in headers:
            headers[name] = decode_header_value(str(entry.get("value", "")))[:_HEADER_LIMIT]
    return headers


def _address(value: Json | None) -> Address | None:
    inner = (value or {}).get("emailAddress") or {}
    email = str(inner.get("address") or "")
    if "@" not in email:  # an Exchange-internal (X.500) address says nothing to triage
        return None
    return Address(email, str(inner.get("name") or ""))


def _addresses(values: list[Json] | None) -> tuple[Address, ...]:
    found = (_address(value) for value in values or [])
    return tuple(address for address in found if address is not None)


def _attachments(entries: list[Json]) -> list[Attachment]:
    """Files a reader could open: an image drawn inside the body is not one (as in body.py)."""
    found = []
    for entry in entries:
        content_type = str(entry.get("contentType") or "application/octet-stream").lower()
        if entry.get("isInline") and content_type.startswith("image/"):
            continue
        name = str(entry.get("name") or "")
        if entry.get("@odata.type") == "#microsoft.graph.itemAttachment":
            name, content_type = f"{name or 'message'}.eml", "message/rfc822"
        found.append(Attachment(name, content_type, int(entry.get("size") or 0)))
    return found


def _integer(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
