"""The state the fake Graph holds: mailboxes, their folders and messages, and change versions.

A message is kept as Graph shows it (its JSON properties), beside what Graph only
shows on request: its extended properties (by id, e.g. "Integer 0x1081") and its
attachments with their content. Every change bumps the mailbox's sequence number
and stamps the message with it (`version`), and a message leaving a folder leaves
a tombstone there: that is all a delta query needs. Messages are made the way
Exchange Online shows them (shapes from Microsoft's Graph reference): HTML
bodies, internet headers on received mail only, In-Reply-To and References as
PidTagInReplyToId (0x1042) and PidTagInternetReferences (0x1039), ids in the
immutable-id form (URL-safe base64 ending in "=").
"""

from __future__ import annotations

import base64
import html
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]
IN_REPLY_TO = "String 0x1042"
REFERENCES = "String 0x1039"
LAST_VERB = "Integer 0x1081"
LAST_VERB_TIME = "SystemTime 0x1082"
VERBS = {"reply": 102, "reply_all": 103, "forward": 104}


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id() -> str:
    tail = base64.urlsafe_b64encode(secrets.token_bytes(16)).decode().rstrip("=")
    return f"AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A{tail}AAA="


def address(email: str, name: str = "") -> Json:
    return {"emailAddress": {"name": name or email, "address": email}}


@dataclass
class Message:
    id: str
    folder: str  # "inbox" | "sentitems" | "drafts"
    data: Json  # Graph's properties, without id
    properties: dict[str, str] = field(default_factory=dict)  # extended, by canonical id
    attachments: list[Json] = field(default_factory=list)  # with contentBytes
    headers: list[Json] = field(default_factory=list)  # internetMessageHeaders
    version: int = 0
    origin: tuple[str, str] | None = None  # a draft's original message id and its verb

    @property
    def received(self) -> str:
        return str(self.data.get("receivedDateTime") or "")


@dataclass
class Box:
    address: str
    name: str
    guid: str = field(default_factory=lambda: secrets.token_hex(16))
    seq: int = 0
    messages: dict[str, Message] = field(default_factory=dict)
    removed: dict[str, tuple[str, int]] = field(default_factory=dict)  # id → (folder, version)
    in_flight: int = 0
    most_in_flight: int = 0

    def touch(self, message: Message) -> None:
        self.seq += 1
        message.version = self.seq

    def put(self, message: Message) -> Message:
        self.messages[message.id] = message
        self.touch(message)
        return message

    def move(self, message: Message, folder: str) -> None:
        self.seq += 1
        self.removed[message.id] = (message.folder, self.seq)
        message.folder = folder
        self.touch(message)

    def delete(self, message_id: str) -> None:
        message = self.messages.pop(message_id)
        self.seq += 1
        self.removed[message_id] = (message.folder, self.seq)

    def in_folder(self, folder: str) -> list[Message]:
        return [m for m in self.messages.values() if m.folder == folder]

    def set_verb(self, message_id: str, verb: str, at: datetime) -> None:
        """What Outlook and Exchange do to the original when it is replied to or forwarded."""
        message = self.messages[message_id]
        message.properties[LAST_VERB] = str(VERBS[verb])
        message.properties[LAST_VERB_TIME] = stamp(at)
        self.touch(message)


def received_message(
    box: Box,
    *,
    sender: tuple[str, str],
    subject: str,
    text: str,
    received: datetime,
    message_id: str | None = None,
    in_reply_to: Message | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, int, bool]] = (),  # type: ignore[assignment]
    importance: str = "normal",
    cc: tuple[tuple[str, str], ...] = (),
) -> Message:
    name, email = sender
    internet_id = message_id or f"<{secrets.token_hex(8)}@{email.rpartition('@')[2]}>"
    data = _common(subject, text, received, internet_id, in_reply_to)
    data.update(
        {
            "from": address(email, name),
            "sender": address(email, name),
            "toRecipients": [address(box.address, box.name)],
            "ccRecipients": [address(e, n) for n, e in cc],
            "replyTo": [],
            "importance": importance,
            "hasAttachments": any(not inline for *_, inline in attachments),
        }
    )
    message = Message(new_id(), "inbox", data, attachments=[_attachment(*a) for a in attachments])
    message.headers = _internet_headers(data, headers or {}, in_reply_to)
    _thread(message, in_reply_to)
    return box.put(message)


def sent_message(
    box: Box,
    *,
    to: tuple[str, str],
    subject: str,
    text: str,
    sent: datetime,
    in_reply_to: Message | None,
) -> Message:
    """A message the user sent from Outlook: in Sent Items, with no internet headers."""
    domain = box.address.rpartition("@")[2]
    data = _common(subject, text, sent, f"<{secrets.token_hex(8)}@{domain}>", in_reply_to)
    data.update(
        {
            "from": address(box.address, box.name),
            "sender": address(box.address, box.name),
            "toRecipients": [address(to[1], to[0])],
            "ccRecipients": [],
            "replyTo": [],
            "importance": "normal",
            "hasAttachments": False,
        }
    )
    message = Message(new_id(), "sentitems", data)
    _thread(message, in_reply_to)
    return box.put(message)


def _common(
    subject: str, text: str, at: datetime, internet_id: str, parent: Message | None
) -> Json:
    conversation = parent.data["conversationId"] if parent else "AAQkAD" + secrets.token_urlsafe(18)
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
    return {
        "createdDateTime": stamp(at),
        "lastModifiedDateTime": stamp(at),
        "receivedDateTime": stamp(at),
        "sentDateTime": stamp(at),
        "subject": subject,
        "bodyPreview": text[:255],
        "body": {
            "contentType": "html",
            "content": f"<html><head></head><body>{paragraphs}</body></html>",
        },
        "internetMessageId": internet_id,
        "conversationId": conversation,
        "isDraft": False,
        "isRead": False,
    }


def _thread(message: Message, parent: Message | None) -> None:
    if parent is None:
        return
    parent_id = parent.data["internetMessageId"]
    message.properties[IN_REPLY_TO] = parent_id
    chain = parent.properties.get(REFERENCES, "")
    message.properties[REFERENCES] = f"{chain} {parent_id}".strip()


def _internet_headers(data: Json, extra: dict[str, str], parent: Message | None) -> list[Json]:
    sender = data["from"]["emailAddress"]
    found = [
        (
            "Received",
            "from mail.example.net (203.0.113.5) by SG2PR01MB1234.apcprd01.prod.exchangelabs.com",
        ),
        (
            "Authentication-Results",
            "spf=pass smtp.mailfrom=example.net; dkim=pass; dmarc=pass action=none",
        ),
        ("From", f"{sender['name']} <{sender['address']}>"),
        ("Subject", data["subject"]),
        ("Message-ID", data["internetMessageId"]),
        ("Content-Type", "text/html; charset=utf-8"),
        ("MIME-Version", "1.0"),
    ]
    if parent is not None:
        found.append(("In-Reply-To", parent.data["internetMessageId"]))
    found += list(extra.items())
    return [{"name": name, "value": value} for name, value in found]


def _attachment(name: str, content_type: str, size: int, inline: bool) -> Json:
    return {
        "@odata.type": "#microsoft.graph.fileAttachment",
        "id": "AAMkAGI2" + secrets.token_urlsafe(12),
        "name": name,
        "contentType": content_type,
        "size": size,
        "isInline": inline,
        "contentBytes": base64.b64encode(b"%PDF-1.4 not for bots").decode(),
    }
