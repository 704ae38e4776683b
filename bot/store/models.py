"""The database schema: SQLAlchemy 2 typed models.

Times are stored in UTC through `UTCDateTime` (SQLite would silently drop the
offset). Mail bodies are never stored: a thread keeps a short excerpt for its card.
Alembic migrations in `migrations/` must match these models (a test runs
autogenerate and expects no difference).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.core.mail import ADDRESS_LIMIT, ID_LIMIT, KEY_LIMIT, NAME_LIMIT

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; comes back aware (UTC) on every engine."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: say which zone they are in")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    work_hours: Mapped[str | None] = mapped_column(String(64))  # None: the organisation's
    digest: Mapped[bool] = mapped_column(default=True)
    last_platform: Mapped[str | None] = mapped_column(String(16))
    next_ref: Mapped[int] = mapped_column(Integer, default=1)
    next_digest_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime]


class MailboxRow(Base):
    """A user's mailbox, with its sync lease and health (what `status` shows)."""

    __tablename__ = "mailboxes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    locator: Mapped[str] = mapped_column(Text)
    next_sync_at: Mapped[datetime] = mapped_column(index=True)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None]


class SyncState(Base):
    __tablename__ = "sync_states"

    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailboxes.id"), primary_key=True)
    folder: Mapped[str] = mapped_column(String(16), primary_key=True)
    state: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class ChatIdentity(Base):
    """How a user is reached on a chat platform; `key` is opaque outside its adapter."""

    __tablename__ = "chat_identities"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(255))
    key: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class Thread(Base):
    __tablename__ = "threads"
    __table_args__ = (
        UniqueConstraint("user_id", "ref"),
        Index(None, "user_id", "subject_key", "sender_email"),  # choosing by subject and person
        Index(None, "user_id", "conversation_id"),
        Index(None, "user_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The sentinel lets SQLite insert a page's new threads in one statement and still tell
    # which id went to which (else one INSERT each). Its values must differ within a flush:
    # refs do, since a flush only ever holds one user's new threads (one mailbox's page).
    ref: Mapped[int] = mapped_column(insert_sentinel=True)
    subject: Mapped[str] = mapped_column(Text)
    subject_key: Mapped[str] = mapped_column(String(255))
    conversation_id: Mapped[str | None] = mapped_column(String(KEY_LIMIT))
    sender_email: Mapped[str] = mapped_column(String(ADDRESS_LIMIT))
    sender_name: Mapped[str] = mapped_column(String(NAME_LIMIT))
    reply_to: Mapped[str | None] = mapped_column(String(ADDRESS_LIMIT))
    list_id: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(5))
    excerpt: Mapped[str] = mapped_column(String(400))
    message_id: Mapped[str] = mapped_column(String(ID_LIMIT))  # the latest message awaiting a reply
    provider_id: Mapped[str] = mapped_column(Text)
    references: Mapped[list[Any]] = mapped_column(default=list)
    importance: Mapped[str] = mapped_column(String(8))
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    risks: Mapped[list[Any]] = mapped_column(default=list)
    suggestions: Mapped[list[Any]] = mapped_column(default=list)
    # set aside (bulk, spam-like) yet dangerous: owed a line in the next digest
    needs_warning: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(12))
    received_at: Mapped[datetime]
    first_seen_at: Mapped[datetime]
    backfilled: Mapped[bool] = mapped_column(default=False)
    due_at: Mapped[datetime]
    snoozed_until: Mapped[datetime | None]
    promised_by: Mapped[datetime | None]
    forwarded_to: Mapped[str | None] = mapped_column(String(ADDRESS_LIMIT))
    answered_by: Mapped[str | None] = mapped_column(String(ADDRESS_LIMIT))
    answered_at: Mapped[datetime | None]
    next_remind_at: Mapped[datetime | None] = mapped_column(index=True)
    last_reminded_at: Mapped[datetime | None]
    steps_done: Mapped[list[Any]] = mapped_column(default=list)
    updated_at: Mapped[datetime]


class MessageRow(Base):
    """Every message seen, by id, so that later mail finds its thread (no body kept)."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("user_id", "folder", "message_id"),
        Index(None, "user_id", "message_id"),
        Index(None, "user_id", "in_reply_to"),
        Index(None, "user_id", "subject_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    folder: Mapped[str] = mapped_column(String(8))
    message_id: Mapped[str] = mapped_column(String(ID_LIMIT))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"))
    # Ingest sets the thread object, new or not, and the page's one flush fills the id in.
    thread: Mapped[Thread | None] = relationship()
    provider_id: Mapped[str] = mapped_column(Text)
    sender_email: Mapped[str] = mapped_column(String(ADDRESS_LIMIT))
    counterpart: Mapped[str] = mapped_column(String(ADDRESS_LIMIT))  # Sent: first recipient
    in_reply_to: Mapped[str | None] = mapped_column(String(ID_LIMIT))
    subject_key: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime]
    own: Mapped[bool] = mapped_column(default=False)  # written by the bot itself


class Contact(Base):
    """How often the user wrote to an address: frequent correspondents, known senders."""

    __tablename__ = "contacts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    written: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[datetime]


class ForwardRecord(Base):
    """Where the user forwarded mail before: the history behind forward suggestions."""

    __tablename__ = "forwards"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sender_email: Mapped[str] = mapped_column(String(ADDRESS_LIMIT))
    subject_key: Mapped[str] = mapped_column(String(255))
    to_email: Mapped[str] = mapped_column(String(ADDRESS_LIMIT))
    to_name: Mapped[str] = mapped_column(String(NAME_LIMIT))
    at: Mapped[datetime]


class Preference(Base):
    """ "important" / "not important": a sender or list weighted for one user."""

    __tablename__ = "preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(320), primary_key=True)
    weight: Mapped[int]
    at: Mapped[datetime]


class Event(Base):
    """A thread's history: every action, by whom, when, from which platform."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), index=True)
    thread: Mapped[Thread] = relationship()  # set instead of thread_id for a thread not yet flushed
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    platform: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]


class OutboxRow(Base):
    """Every outgoing action, once: a unique key, a lease while sending, retries after."""

    __tablename__ = "outbox"
    __table_args__ = (Index(None, "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # dm, reply, forward
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(8))  # pending, sending, sent, failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    delivery_id: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
