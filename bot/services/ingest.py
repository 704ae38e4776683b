"""Ingest: a mailbox's changes → triage and risks → threads, in one unit per page.

For each mailbox, Sent is read before the Inbox, so that a first sync already
knows whom the user writes to (frequent correspondents, known senders) when it
triages the inbox. Matching is symmetric: an incoming mail looks for a reply the
user already sent, and a sent mail looks for the mail it answers, so the order
in which a provider reports them never matters. Changes are at-least-once: a
message seen again is recognized by its Message-ID and changes nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.core import conversation, reminders
from bot.core.calendar import WorkCalendar
from bot.core.language import language_of
from bot.core.mail import MARKER_HEADER, Folder, Mail, Verb, Viewer
from bot.core.ports import MailboxUnavailable, MailError, MailProvider, SyncPage
from bot.core.risks import assess
from bot.core.suggest import PastForward, Route
from bot.core.thread import OPEN_STATES
from bot.core.triage import Triage, triage
from bot.services import threads as thread_rules
from bot.store import threads as store
from bot.store import users
from bot.store.db import Store
from bot.store.models import ForwardRecord, MailboxRow, MessageRow, Thread, User

log = logging.getLogger(__name__)

Progress = Callable[[str, SyncPage], None]
BOT_ECHO = timedelta(minutes=15)  # how long before Outlook's "replied" mark a bot reply explains it
CLOCK_SKEW = timedelta(minutes=1)  # a reply stamped a little before the mail it answers


@dataclass(frozen=True, slots=True)
class Org:
    """What ingest needs of the organisation's settings."""

    internal_domains: frozenset[str]
    policy: reminders.Policy
    calendar: Callable[[str], WorkCalendar]  # time zone → the user's working calendar
    routes: Sequence[Route] = ()
    lookback: timedelta = timedelta(days=14)
    poll: timedelta = timedelta(minutes=5)
    workers: int = 1  # mailboxes synced at once


@dataclass
class Report:
    """What one sync pass did, per mailbox."""

    email: str
    new: int = 0
    skipped: int = 0
    error: str | None = None
    answered: list[int] = field(default_factory=list)


@dataclass
class Context:
    """One mailbox's ingest: its owner, what they taught the bot, the clock."""

    user: User
    viewer: Viewer
    cal: WorkCalendar
    org: Org
    now: datetime
    backfill: bool
    report: Report
    correspondents: dict[str, int] = field(default_factory=dict)  # the viewer's, kept in step
    history: list[PastForward] = field(default_factory=list)


def sync_mailbox(
    store_: Store,
    provider: MailProvider,
    mailbox_id: int,
    org: Org,
    now: datetime,
    progress: Progress | None = None,
) -> Report:
    """One pass over one mailbox: Sent, then Inbox, each page committed with its state."""
    with store_.unit() as session:
        row = session.get(MailboxRow, mailbox_id)
        assert row is not None
        user = session.get(User, row.user_id)
        assert user is not None
        mailbox, email = users.as_mailbox(user, row), user.email
        states = {s.folder: s.state for s in store.sync_states(session, mailbox_id)}
    report = Report(email)
    try:
        for folder in (Folder.SENT, Folder.INBOX):
            since = now - org.lookback
            for page in provider.sync(mailbox, folder, states.get(folder), since):
                _ingest_page(store_, mailbox_id, page, org, now, states.get(folder) is None, report)
                if progress:
                    progress(email, page)
    except MailError as error:  # MailboxUnavailable included: this mailbox only
        report.error = str(error)
        log.warning("mailbox %s: %s", email, error)
    return report


def _ingest_page(
    store_: Store,
    mailbox_id: int,
    page: SyncPage,
    org: Org,
    now: datetime,
    backfill: bool,
    report: Report,
) -> None:
    with store_.unit() as session:
        context = _context(session, mailbox_id, org, now, backfill, report)
        for mail in page.mails:
            ingest(session, context, mail)
        store.save_sync_state(session, mailbox_id, page.folder.value, page.state, now)
    report.skipped += page.skipped


def _context(
    session: Session,
    mailbox_id: int,
    org: Org,
    now: datetime,
    backfill: bool,
    report: Report,
) -> Context:
    row = session.get(MailboxRow, mailbox_id)
    assert row is not None
    user = session.get(User, row.user_id)
    assert user is not None
    known = users.correspondents(session, user.id)
    viewer = Viewer(
        email=user.email,
        name=user.name,
        # without INTERNAL_DOMAINS, the user's own mail domain is the company's
        internal_domains=org.internal_domains or frozenset({user.email.rpartition("@")[2]}),
        correspondents=known,
        known_domains=frozenset(e.rpartition("@")[2] for e in known),
        preferences=users.preferences(session, user.id),
    )
    history = store.forward_history(session, user.id)
    calendar = org.calendar(user.timezone)
    return Context(user, viewer, calendar, org, now, backfill, report, known, history)


def ingest(session: Session, context: Context, mail: Mail) -> None:
    """Record one mail (idempotent on its Message-ID) and move its thread along."""
    seen = store.message(session, context.user.id, mail.folder.value, mail.message_id)
    if seen is not None:
        _seen_again(session, context, seen, mail)
        return
    if mail.folder is Folder.SENT:
        _ingest_sent(session, context, mail)
    else:
        _ingest_inbox(session, context, mail)
    context.report.new += 1


def _seen_again(session: Session, context: Context, seen: MessageRow, mail: Mail) -> None:
    """A message reported again: it may have moved (new provider id) or been replied to."""
    seen.provider_id = mail.provider_id
    thread = session.get(Thread, seen.thread_id) if seen.thread_id else None
    if thread is None:
        return
    if thread.message_id == mail.message_id:
        thread.provider_id = mail.provider_id
    if mail.last_verb in (Verb.REPLIED, Verb.REPLIED_ALL) and thread.state in OPEN_STATES:
        _replied_in_client(session, context, thread, mail)
        thread_rules.schedule(thread, context)


def _replied_in_client(session: Session, context: Context, thread: Thread, mail: Mail) -> None:
    """Outlook says it was replied to: the user's answer, unless it was the bot's own reply."""
    at = mail.last_verb_at or context.now
    if not store.bot_acted_since(session, thread.id, at - BOT_ECHO):
        _answered(session, context, thread, context.user.email, at)


def _ingest_inbox(session: Session, context: Context, mail: Mail) -> None:
    verdict = triage(mail, context.viewer, context.now)
    risks = assess(mail, context.viewer)
    thread = _find_inbox_thread(session, context, mail, verdict)
    if thread is None:
        thread = thread_rules.new_thread(context, mail, verdict, risks, language_of(mail))
        session.add(thread)
        session.flush()
    else:
        outcome = thread_rules.apply_inbound(context, thread, mail, verdict, risks)
        if outcome.answered_by:
            store.record(session, thread, outcome.answered_by, "answered", context.now, "mail")
            context.report.answered.append(thread.id)
    session.add(thread_rules.message_row(context, mail, thread.id))
    _check_already_answered(session, context, thread, mail)
    thread_rules.schedule(thread, context)


def _find_inbox_thread(
    session: Session,
    context: Context,
    mail: Mail,
    verdict: Triage,
) -> Thread | None:
    user_id = context.user.id
    thread = store.thread_for_ids(session, user_id, conversation.referenced_ids(mail))
    if thread is None and mail.conversation_id:
        thread = store.thread_by_conversation(session, user_id, mail.conversation_id)
    if thread is None and verdict.tracked and mail.sender is not None:
        key = conversation.subject_key(mail.subject)
        thread = store.thread_by_subject(session, user_id, key, [mail.sender.email])
    return thread


def _check_already_answered(session: Session, context: Context, thread: Thread, mail: Mail) -> None:
    if thread.state not in OPEN_STATES:
        return
    if mail.last_verb in (Verb.REPLIED, Verb.REPLIED_ALL):
        _replied_in_client(session, context, thread, mail)
        return
    sender = mail.sender.email if mail.sender else ""
    key = conversation.subject_key(mail.subject)
    reply = store.sent_answer(
        session, context.user.id, mail.message_id, key, sender, mail.received_at
    )
    if reply is not None:
        _answered(session, context, thread, context.user.email, reply.at)


def _answered(
    session: Session,
    context: Context,
    thread: Thread,
    by: str,
    at: datetime | None,
) -> None:
    thread_rules.close_answered(thread, by, at or context.now, context.now)
    store.record(session, thread, by, "answered", context.now, "mail")
    context.report.answered.append(thread.id)


def _ingest_sent(session: Session, context: Context, mail: Mail) -> None:
    own = bool(mail.header(MARKER_HEADER))
    recipients = {a.email for a in mail.recipients}
    at = mail.sent_at or mail.received_at
    users.count_written(session, context.user.id, context.correspondents, recipients, at)
    thread = _find_answered_thread(session, context, mail)
    session.add(thread_rules.message_row(context, mail, thread.id if thread else None, own=own))
    forward = conversation.is_forward(mail.subject)
    if forward:
        _record_forward(session, context, mail, thread)
    if thread is None or own or thread.state not in OPEN_STATES:
        return
    if forward:
        thread_rules.close_forwarded(thread, ", ".join(sorted(recipients)), context.now)
        store.record(session, thread, context.user.email, "forwarded", context.now, "mail")
    elif at >= thread.received_at - CLOCK_SKEW:
        _answered(session, context, thread, context.user.email, at)
    thread_rules.schedule(thread, context)


def _find_answered_thread(session: Session, context: Context, mail: Mail) -> Thread | None:
    user_id = context.user.id
    thread = store.thread_for_ids(session, user_id, conversation.referenced_ids(mail))
    if thread is None and mail.conversation_id:
        thread = store.thread_by_conversation(session, user_id, mail.conversation_id)
    if thread is None:
        thread = _by_quoted_original(session, context, mail)
    if thread is None:
        key = conversation.subject_key(mail.subject)
        thread = store.thread_by_subject(session, user_id, key, [a.email for a in mail.recipients])
    return thread


def _by_quoted_original(session: Session, context: Context, mail: Mail) -> Thread | None:
    quoted = conversation.quoted_original(mail.text)
    if quoted is None:
        return None
    sender = conversation.quoted_sender_email(quoted)
    key = conversation.subject_key(quoted.subject or mail.subject)
    return store.thread_by_subject(session, context.user.id, key, [sender]) if sender else None


def _record_forward(session: Session, context: Context, mail: Mail, thread: Thread | None) -> None:
    original = thread.sender_email if thread else _quoted_sender(mail)
    key = conversation.subject_key(mail.subject)
    at = mail.sent_at or mail.received_at
    for to in mail.to:
        session.add(
            ForwardRecord(
                user_id=context.user.id,
                sender_email=original,
                subject_key=key,
                to_email=to.email,
                to_name=to.name,
                at=at,
            )
        )
        context.history.append(PastForward(original, key, to))


def _quoted_sender(mail: Mail) -> str:
    quoted = conversation.quoted_original(mail.text)
    return conversation.quoted_sender_email(quoted) if quoted else ""


__all__ = ["Context", "MailboxUnavailable", "Org", "Report", "ingest", "sync_mailbox"]


def sync_all(
    store_: Store,
    providers: Mapping[str, MailProvider],
    org: Org,
    now: datetime,
    owner: str,
    lease: timedelta,
    *,
    due_only: bool,
    progress: Progress | None = None,
) -> list[Report]:
    """Sync every mailbox this worker can lease; one failing mailbox never stops the others.

    Mailboxes are synced `org.workers` at a time (threads: the work is waiting on mail
    servers); each provider bounds its own requests per mailbox.
    """
    with store_.unit() as session:
        claimed = [
            (row.id, row.kind)
            for row in users.claim_mailboxes(session, owner, now, lease, due_only=due_only)
        ]

    def one(mailbox: tuple[int, str]) -> Report:
        mailbox_id, kind = mailbox
        provider = providers.get(kind)
        if provider is None:
            report = Report(email=str(mailbox_id), error=f"no {kind} provider is configured")
        else:
            report = sync_mailbox(store_, provider, mailbox_id, org, now, progress)
        with store_.unit() as session:
            users.release_mailbox(session, mailbox_id, owner, now, now + org.poll, report.error)
        return report

    if org.workers <= 1 or len(claimed) <= 1:
        return [one(mailbox) for mailbox in claimed]
    with ThreadPoolExecutor(max_workers=org.workers, thread_name_prefix="sync") as pool:
        return list(pool.map(one, claimed))
