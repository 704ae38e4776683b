"""The normalized mail every provider hands to the core.

Maildir, Exchange (EWS) and Graph each translate their own items into these
types; nothing above `bot/mail/` ever sees a provider's own objects. Bodies are
carried only as far as triage needs them and are never stored whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.core.domains import within

TEXT_LIMIT = 20_000  # characters of body text kept for triage; the rest is never read


class Folder(StrEnum):
    INBOX = "inbox"
    SENT = "sent"


class Verb(StrEnum):
    """What the mailbox owner last did to a message (PidTagLastVerbExecuted)."""

    REPLIED = "replied"
    REPLIED_ALL = "replied_all"
    FORWARDED = "forwarded"


@dataclass(frozen=True, slots=True)
class Address:
    email: str
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "email", self.email.strip().lower())

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]

    @property
    def display(self) -> str:
        return self.name or self.email


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """Metadata only: attachment content is never opened or kept."""

    name: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class Mail:
    folder: Folder
    provider_id: str  # the provider's own handle (a Maildir key, an EWS ItemId, a Graph id)
    message_id: str  # without angle brackets; synthesized by the provider when missing
    subject: str
    sender: Address | None
    received_at: datetime  # aware; when it reached the mailbox (or was sent, for Sent)
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    sent_at: datetime | None = None  # the Date header, aware
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    conversation_id: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names, decoded values
    text: str = ""  # plain text (HTML converted), at most TEXT_LIMIT characters
    links: tuple[Link, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    last_verb: Verb | None = None
    last_verb_at: datetime | None = None

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    @property
    def recipients(self) -> tuple[Address, ...]:
        return self.to + self.cc


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message the bot sends on the user's behalf (a holding reply or a forward).

    `marker` is the outbox key: providers write it into the `X-Replyminder` header so
    that when the message comes back through Sent Items it is known as the bot's own
    and never mistaken for the user's real answer.
    """

    sender: Address
    to: tuple[Address, ...]
    subject: str
    body: str
    message_id: str
    marker: str
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()


MARKER_HEADER = "x-replyminder"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The mailbox owner a mail is read for: what triage and the risk checks know of them."""

    email: str
    name: str = ""
    internal_domains: frozenset[str] = frozenset()
    correspondents: Mapping[str, int] = field(default_factory=dict)  # address → times written to
    known_domains: frozenset[str] = frozenset()  # domains the owner has exchanged mail with
    preferences: Mapping[str, int] = field(default_factory=dict)  # sender or list id → +1 / -1

    def is_internal(self, address: Address) -> bool:
        domain = address.domain
        return any(within(domain, d) for d in self.internal_domains)
