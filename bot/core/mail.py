"""The normalized mail every provider hands to the core.

Maildir, Exchange (EWS) and Graph each translate their own items into these
types; nothing above `bot/mail/` ever sees a provider's own objects. Bodies are
carried only as far as triage needs them and are never stored whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.core.domains import within

TEXT_LIMIT = 20_000  # characters of body text kept for triage; the rest is never read
# What the store keeps of an id, an address, a name (its columns are this wide). Mail is
# written by anyone: a longer value is fitted here, once, so that every provider's mail
# and every later look-up agree on it, and a crafted header cannot fail a sync.
ID_LIMIT = 998  # a Message-ID: as long as a header line may be (RFC 5322)
KEY_LIMIT = 255  # a conversation id
ADDRESS_LIMIT = 320  # an address: 64 before the "@", 255 after (RFC 5321)
NAME_LIMIT = 200  # a display name


def fitted_id(value: str, limit: int = ID_LIMIT) -> str:
    """`value`, or when it is longer than `limit`, a stand-in made from all of it: the
    same for the same value (a reply naming it still finds it), and no real id."""
    return value if len(value) <= limit else f"{_stand_in(value)}@replyminder.invalid"


def _stand_in(value: str) -> str:
    return f"long.{hashlib.sha256(value.encode()).hexdigest()[:40]}"


def fitted_name(name: str, limit: int = NAME_LIMIT) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _fitted_id(value: str, limit: int = ID_LIMIT) -> str:
    return fitted_id(_without_nul(value), limit)


def _without_nul(text: str) -> str:
    """NUL is no character of any mail text, and PostgreSQL stores no string holding one."""
    return text.replace("\0", "") if "\0" in text else text


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
        email = _without_nul(self.email).strip().lower()
        if len(email) > ADDRESS_LIMIT:  # a stand-in before the "@"; the domain stays, checked
            domain = email.rpartition("@")[2]
            short = "@" in email and len(domain) <= ADDRESS_LIMIT - 64
            email = f"{_stand_in(email)}@{domain}" if short else fitted_id(email, ADDRESS_LIMIT)
        object.__setattr__(self, "email", email)
        if len(self.name) > NAME_LIMIT or "\0" in self.name:
            object.__setattr__(self, "name", fitted_name(_without_nul(self.name)))

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

    def __post_init__(self) -> None:
        if "\0" in self.text or "\0" in self.href:
            object.__setattr__(self, "text", _without_nul(self.text))
            object.__setattr__(self, "href", _without_nul(self.href))


@dataclass(frozen=True, slots=True)
class Attachment:
    """Metadata only: attachment content is never opened or kept."""

    name: str
    content_type: str
    size: int

    def __post_init__(self) -> None:
        if "\0" in self.name or "\0" in self.content_type:
            object.__setattr__(self, "name", _without_nul(self.name))
            object.__setattr__(self, "content_type", _without_nul(self.content_type))


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
    # From's further addresses, or a second From's: some mail clients show one of these as
    # the sender, which is how forged mail shows one sender to the filter, another to you
    also_from: tuple[Address, ...] = ()

    def __post_init__(self) -> None:
        for name in ("subject", "text", "provider_id"):
            if "\0" in getattr(self, name):
                object.__setattr__(self, name, _without_nul(getattr(self, name)))
        if any("\0" in value for value in self.headers.values()):
            object.__setattr__(
                self, "headers", {k: _without_nul(v) for k, v in self.headers.items()}
            )
        ids = (self.message_id, self.in_reply_to or "", *self.references)
        if any(len(i) > ID_LIMIT or "\0" in i for i in ids):
            object.__setattr__(self, "message_id", _fitted_id(self.message_id))
            if self.in_reply_to:
                object.__setattr__(self, "in_reply_to", _fitted_id(self.in_reply_to))
            object.__setattr__(self, "references", tuple(map(_fitted_id, self.references)))
        conversation = self.conversation_id
        if conversation and (len(conversation) > KEY_LIMIT or "\0" in conversation):
            object.__setattr__(self, "conversation_id", _fitted_id(conversation, KEY_LIMIT))

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
