"""Server items → the core `Mail`: what the Exchange (EWS) and Graph providers share.

Both servers hand over a message as properties rather than RFC 822 bytes (fetching
the MIME would download every attachment). Each provider fills a `ServerItem` from
its own types; this module turns it into the one normalized `Mail`, the same way
for both: ids without brackets, the sender's Importance as the header triage
reads, HTML bodies through the same converter as Maildir's, Outlook's last verb
(PidTagLastVerbExecuted, 0x1081) as a reply signal.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.mail import TEXT_LIMIT, Address, Attachment, Folder, Link, Mail, Verb
from bot.mail.body import LINK_LIMIT
from bot.mail.htmltext import read_html

LAST_VERB_TAG = 0x1081  # PidTagLastVerbExecuted
LAST_VERB_TIME_TAG = 0x1082  # PidTagLastVerbExecutionTime
VERBS = {102: Verb.REPLIED, 103: Verb.REPLIED_ALL, 104: Verb.FORWARDED, 108: Verb.FORWARDED}
_ID = re.compile(r"<([^<>\s]+)>")


@dataclass(frozen=True, slots=True)
class ServerItem:
    """A message as a mail server describes it, before normalization."""

    folder: Folder
    provider_id: str
    subject: str
    received_at: datetime
    message_id: str | None = None
    sender: Address | None = None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    sent_at: datetime | None = None
    in_reply_to: str | None = None
    references: str | None = None  # the raw References header
    conversation_id: str | None = None
    importance: str | None = None  # "High", "Normal", "Low" (either server's spelling)
    body: str = ""
    body_is_html: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)  # internet headers, when fetched
    attachments: tuple[Attachment, ...] = ()
    last_verb: int | None = None
    last_verb_at: datetime | None = None


def ids(raw: str | None) -> tuple[str, ...]:
    """Message ids in a header value, without brackets, in order, each once."""
    if not raw:
        return ()
    found = _ID.findall(raw) or raw.split()
    return tuple(dict.fromkeys(i.strip() for i in found if i.strip()))


def to_mail(item: ServerItem) -> Mail:
    text, links = _text_and_links(item.body, item.body_is_html)
    headers = {name.lower(): value for name, value in item.headers.items()}
    if item.importance and item.importance.lower() != "normal":
        headers.setdefault("importance", item.importance.lower())
    return Mail(
        folder=item.folder,
        provider_id=item.provider_id,
        message_id=next(iter(ids(item.message_id)), "") or _made_up_id(item),
        subject=item.subject or "",
        sender=item.sender,
        received_at=item.received_at,
        to=item.to,
        cc=item.cc,
        reply_to=item.reply_to,
        sent_at=item.sent_at,
        in_reply_to=next(iter(ids(item.in_reply_to or headers.get("in-reply-to"))), None),
        references=ids(item.references or headers.get("references")),
        conversation_id=item.conversation_id,
        headers=headers,
        text=text,
        links=links,
        attachments=item.attachments,
        last_verb=VERBS.get(item.last_verb or 0),
        last_verb_at=item.last_verb_at,
    )


def _text_and_links(body: str, is_html: bool) -> tuple[str, tuple[Link, ...]]:
    if not is_html:
        return body[:TEXT_LIMIT], ()
    text, links = read_html(body, text=True, text_limit=TEXT_LIMIT, link_limit=LINK_LIMIT)
    return text, tuple(links)


def _made_up_id(item: ServerItem) -> str:
    """A stable id for an item the server knows no Message-ID for (drafts, some imports)."""
    digest = hashlib.sha256(item.provider_id.encode()).hexdigest()[:32]
    return f"generated.{digest}@replyminder.invalid"
