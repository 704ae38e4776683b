"""The ports: the small protocols adapters implement and services take as arguments.

A mail provider (Maildir, Exchange, Graph) syncs one folder in pages and sends on
the owner's behalf; a chat channel (console, Slack, Teams) delivers a message to a
chat address. The composition root (`bot/app.py`) is the only place that picks the
implementations.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.cards import Card
from bot.core.mail import Address, Folder, Mail, Outgoing


class MailError(Exception):
    """A mail operation failed; the message is safe to show to the user and to log."""


class MailboxUnavailable(MailError):
    """The mailbox cannot be reached at all (missing, wrong credentials, server down)."""


@dataclass(frozen=True, slots=True)
class Mailbox:
    email: str
    kind: str  # "maildir" | "exchange" | "graph"
    locator: str  # a Maildir path, or the SMTP address the server knows the mailbox by


@dataclass(frozen=True, slots=True)
class SyncPage:
    """Changed messages of one folder, and the state that covers them and all before.

    The caller stores `state` in the same transaction as the messages, so the state
    never runs ahead of the data. Changes are at-least-once: the same message may
    come again (moved, flagged, re-synced) and must be upserted.
    """

    folder: Folder
    mails: Sequence[Mail]
    state: str
    skipped: int = 0  # messages that could not be read (the provider logged why)
    seen: int = 0  # messages looked at so far in this pass, for progress
    total: int | None = None  # messages this pass will look at, when known
    # a page of a first sync, resumed ones too: the mailbox's past (mail found already
    # overdue in it is listed in the digest, not DMed)
    first: bool = False


class MailProvider(Protocol):
    kind: str

    def sync(
        self, mailbox: Mailbox, folder: Folder, state: str | None, since: datetime
    ) -> Iterator[SyncPage]:
        """Changes since `state` (None: a first sync looking back to `since`)."""
        ...

    def reply(self, mailbox: Mailbox, original: str, message: Outgoing) -> None:
        """Send `message` as a reply to the message with provider id `original`."""
        ...

    def forward(self, mailbox: Mailbox, original: str, message: Outgoing) -> None:
        """Forward the message `original` with `message.body` as the note above it."""
        ...

    def resolve(self, mailbox: Mailbox, name: str) -> Address | None:
        """An address for a person's name as the mail system knows it, if any."""
        ...


@dataclass(frozen=True, slots=True)
class ChatAddress:
    """Where a user is reached: `key` is opaque and only its platform's adapter reads it."""

    platform: str
    key: str


class ChatError(Exception):
    """A chat message could not be delivered; the outbox retries it later."""


class ChatChannel(Protocol):
    platform: str

    def send(self, to: ChatAddress, card: Card) -> str:
        """Deliver `card`; returns the platform's id for the message (to update it later)."""
        ...
