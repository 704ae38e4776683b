"""Users, their mailboxes, chat identities and what they taught the bot."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.core.mail import Address
from bot.core.ports import ChatAddress, Mailbox
from bot.store.models import ChatIdentity, Contact, MailboxRow, Preference, User


class UnknownUser(LookupError):
    def __init__(self, email: str) -> None:
        super().__init__(f"no user {email!r} (add one with: replyminder user add)")


def user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise UnknownUser(email)
    return user


def add_user(
    session: Session,
    address: Address,
    locale: str,
    timezone: str,
    mailbox: Mailbox,
    now: datetime,
) -> User:
    user = User(
        email=address.email,
        name=address.name,
        locale=locale,
        timezone=timezone,
        created_at=now,
        next_ref=1,
    )
    session.add(user)
    session.flush()
    session.add(
        MailboxRow(
            user_id=user.id,
            kind=mailbox.kind,
            locator=mailbox.locator,
            next_sync_at=now,
        )
    )
    return user


def mailbox_of(session: Session, user: User) -> MailboxRow:
    row = session.scalar(select(MailboxRow).where(MailboxRow.user_id == user.id))
    if row is None:
        raise LookupError(f"{user.email} has no mailbox")
    return row


def as_mailbox(user: User, row: MailboxRow) -> Mailbox:
    return Mailbox(email=user.email, kind=row.kind, locator=row.locator)


def claim_mailboxes(
    session: Session,
    owner: str,
    now: datetime,
    lease: timedelta,
    *,
    due_only: bool,
) -> list[MailboxRow]:
    """Mailboxes this worker may sync now, leased so that no other worker takes them.

    On PostgreSQL the rows are locked with SKIP LOCKED, so workers racing for the
    same mailbox each get a different one; an expired lease (a crashed worker) is
    free again.
    """
    query = select(MailboxRow).where(
        or_(MailboxRow.lease_until.is_(None), MailboxRow.lease_until < now)
    )
    if due_only:
        query = query.where(MailboxRow.next_sync_at <= now)
    rows = list(session.scalars(query.order_by(MailboxRow.id).with_for_update(skip_locked=True)))
    for row in rows:
        row.lease_owner, row.lease_until = owner, now + lease
    return rows


def email_of(session: Session, row: MailboxRow) -> str:
    user = session.get(User, row.user_id)
    assert user is not None
    return user.email


def leased_mailboxes(session: Session, now: datetime) -> list[tuple[str, datetime]]:
    """(owner's email, lease end) of each mailbox another process is syncing now (or held
    when it stopped without handing it back: until the lease ends)."""
    rows = session.execute(
        select(User.email, MailboxRow.lease_until)
        .join(MailboxRow, MailboxRow.user_id == User.id)
        .where(MailboxRow.lease_until >= now)
        .order_by(User.email)
    )
    return [(email, until) for email, until in rows if until is not None]


def release_mailbox(
    session: Session,
    mailbox_id: int,
    owner: str,
    now: datetime,
    next_sync_at: datetime,
    error: str | None,
) -> None:
    """Hand the lease back, recording the pass's outcome (what `status` shows)."""
    values: dict[str, object] = {
        "lease_owner": None,
        "lease_until": None,
        "next_sync_at": next_sync_at,
    }
    if error is None:
        values.update(last_success_at=now, last_error=None)
    else:
        values.update(last_error=error, last_error_at=now)
    session.execute(
        update(MailboxRow)
        .where(MailboxRow.id == mailbox_id, MailboxRow.lease_owner == owner)
        .values(**values)
    )


def correspondents(session: Session, user_id: int) -> dict[str, int]:
    rows = session.execute(select(Contact.email, Contact.written).where(Contact.user_id == user_id))
    return dict(rows.all())


def count_written(
    session: Session,
    user_id: int,
    known: dict[str, int],
    emails: set[str],
    at: datetime,
    contacts: dict[str, Contact] | None = None,
) -> None:
    """The user wrote to `emails`: count it (and keep `known`, the viewer's map, in step).

    `contacts` (address → row, all of the user's) spares a lookup per address, and finds
    rows added since the last flush (ingest files a whole page before flushing).
    """
    for email in emails:
        if contacts is None:
            contact = session.get(Contact, (user_id, email))
        else:
            contact = contacts.get(email)
        if contact is None:
            contact = Contact(user_id=user_id, email=email, written=1, last_at=at)
            session.add(contact)
            if contacts is not None:
                contacts[email] = contact
        else:
            contact.written += 1
            contact.last_at = max(contact.last_at, at)
        known[email] = known.get(email, 0) + 1


def preferences(session: Session, user_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Preference.key, Preference.weight).where(Preference.user_id == user_id)
    )
    return dict(rows.all())


def set_preference(session: Session, user_id: int, key: str, weight: int, now: datetime) -> None:
    row = session.get(Preference, (user_id, key))
    if row is None:
        session.add(Preference(user_id=user_id, key=key, weight=weight, at=now))
    else:
        row.weight, row.at = weight, now


def chat_addresses(session: Session, user_id: int) -> dict[str, ChatAddress]:
    return chat_addresses_of(session, [user_id]).get(user_id, {})


def chat_addresses_of(
    session: Session, user_ids: Collection[int]
) -> dict[int, dict[str, ChatAddress]]:
    """Each user's chat addresses by platform, for many users in one query."""
    rows = session.scalars(select(ChatIdentity).where(ChatIdentity.user_id.in_(list(user_ids))))
    found: dict[int, dict[str, ChatAddress]] = {}
    for row in rows:
        found.setdefault(row.user_id, {})[row.platform] = ChatAddress(row.platform, row.key)
    return found


def user_by_chat(session: Session, platform: str, external_id: str) -> User | None:
    return session.scalar(
        select(User)
        .join(ChatIdentity, ChatIdentity.user_id == User.id)
        .where(ChatIdentity.platform == platform, ChatIdentity.external_id == external_id)
    )


def link_chat(
    session: Session,
    user: User,
    platform: str,
    external_id: str,
    key: str,
    now: datetime,
) -> None:
    """Remember how to reach `user` on `platform`; it becomes their platform of choice."""
    row = session.scalar(
        select(ChatIdentity).where(
            ChatIdentity.platform == platform, ChatIdentity.external_id == external_id
        )
    )
    if row is None:
        session.add(
            ChatIdentity(
                user_id=user.id,
                platform=platform,
                external_id=external_id,
                key=key,
                updated_at=now,
            )
        )
    else:
        row.user_id, row.key, row.updated_at = user.id, key, now
    user.last_platform = platform


def unlink_chat(session: Session, platform: str, external_id: str) -> User | None:
    """Forget how to reach a person on `platform` (they removed the app); their user, if any."""
    row = session.scalar(
        select(ChatIdentity).where(
            ChatIdentity.platform == platform, ChatIdentity.external_id == external_id
        )
    )
    if row is None:
        return None
    user = session.get(User, row.user_id)
    session.delete(row)
    if user is not None and user.last_platform == platform:
        # their reminders go to another platform they are linked on, if any, else they
        # wait for the organisation's (kept in the outbox until they can be delivered)
        others = select(ChatIdentity.platform).where(
            ChatIdentity.user_id == user.id, ChatIdentity.id != row.id
        )
        user.last_platform = session.scalars(
            others.order_by(ChatIdentity.updated_at.desc())
        ).first()
    return user


def user_exists(session: Session, email: str) -> bool:
    found = session.scalar(select(User.id).where(User.email == email.strip().lower()))
    return found is not None


def mailbox_status(session: Session) -> list[tuple[str, MailboxRow]]:
    rows = session.execute(
        select(User.email, MailboxRow)
        .join(MailboxRow, MailboxRow.user_id == User.id)
        .order_by(User.email)
    )
    return [(email, row) for email, row in rows]
