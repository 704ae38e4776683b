"""Ingest: a mailbox's changes → triage and risks → threads, in one unit per page.

For each mailbox, Sent is read before the Inbox, so that a first sync already
knows whom the user writes to (frequent correspondents, known senders) when it
triages the inbox. Each page of changes is filed message by message (`filing.py`)
in one unit of work, committed with the provider's sync state: a page's lookups are
fetched up front in a few queries (`bot/store/lookup.py`) and its rows are written in
one flush at its end, which is what makes a first sync of a big mailbox quick.
Changes are at-least-once: a message seen again is recognized by its Message-ID.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.core import reminders
from bot.core.calendar import Calendars
from bot.core.mail import Folder, Viewer
from bot.core.ports import MailboxUnavailable, MailError, MailProvider, SyncPage
from bot.core.suggest import Forwards, Route
from bot.services.filing import Context, ingest
from bot.store import db, users
from bot.store import threads as store
from bot.store.db import Store
from bot.store.lookup import Lookup
from bot.store.models import MailboxRow, User

log = logging.getLogger(__name__)

Progress = Callable[[str, SyncPage], None]


@dataclass(frozen=True, slots=True)
class Org:
    """What ingest needs of the organisation's settings."""

    internal_domains: frozenset[str]
    policy: reminders.Policy
    calendar: Calendars  # a user's zone and hours → their working calendar
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
    # not synced: another process holds the mailbox's lease until then (`sync` says so)
    busy_until: datetime | None = None


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
        # A first sync cut short is resumed as one (its pages say so); a provider starting
        # over later (an expired Graph link) is not: what came meanwhile is new mail.
        never_synced = row.last_success_at is None
    report = Report(email)
    statistics_at = STATISTICS_AFTER
    try:
        with _collector_for_bulk():
            for folder in (Folder.SENT, Folder.INBOX):
                since = now - org.lookback
                for page in provider.sync(mailbox, folder, states.get(folder), since):
                    backfill = (page.first and never_synced) or states.get(folder) is None
                    _ingest_page(store_, mailbox_id, page, org, now, backfill, report)
                    if report.new >= statistics_at:  # a bulk load: after 1,000, 2,000, 4,000…
                        _refresh_statistics(store_, email)
                        statistics_at *= 2
                    if progress:
                        progress(email, page)
    except MailError as error:  # MailboxUnavailable included: this mailbox only
        report.error = str(error)
        log.debug("mailbox %s: %s", email, error)  # the caller reports it (worker log, CLI)
    return report


def _refresh_statistics(store_: Store, email: str) -> None:
    """Only a help to the planner: should it fail (a lock, a busy server), the sync goes on."""
    try:
        store_.refresh_statistics()
    except SQLAlchemyError as error:
        log.warning("mailbox %s: planner statistics not refreshed: %s", email, error)


@contextmanager
def _collector_for_bulk() -> Iterator[None]:
    """The garbage collector tuned for a sync, which makes objects by the hundred thousand.

    Each full pass would also walk every object made before the sync (the modules',
    SQLAlchemy's, the calendars': some 160,000), a tenth of a first sync's time: those
    outlive it, and are set aside while it runs (CPython's `gc.freeze`). And the young
    objects are collected every 50,000 allocations rather than 700 (reference counting
    frees nearly all of them anyway; only cycles wait): a thousand passes fewer per
    10,000 messages. Syncs run in threads: the first in sets both, the last out restores.
    """
    with _BULK.lock:
        if not _BULK.running:
            _BULK.saved = gc.get_threshold()
            # unfreeze() thaws every frozen object: freeze only if nothing else did
            _BULK.froze = gc.get_freeze_count() == 0
            if _BULK.froze:
                gc.freeze()
            gc.set_threshold(BULK_THRESHOLD, *_BULK.saved[1:])
        _BULK.running += 1
    try:
        yield
    finally:
        with _BULK.lock:
            _BULK.running -= 1
            if not _BULK.running:
                gc.set_threshold(*_BULK.saved)
                if _BULK.froze:
                    gc.unfreeze()


STATISTICS_AFTER = 1_000  # messages a sync adds before the planner is told the tables grew
BULK_THRESHOLD = 50_000  # allocations between two collections of young objects, in a sync


@dataclass
class _BulkCollector:
    """The syncs running (in threads) and what the first of them changed."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    running: int = 0
    froze: bool = False  # whether it froze the older objects (so the last out thaws them)
    saved: tuple[int, int, int] = (700, 10, 10)  # the collector's thresholds before


_BULK = _BulkCollector()


def _ingest_page(
    store_: Store,
    mailbox_id: int,
    page: SyncPage,
    org: Org,
    now: datetime,
    backfill: bool,
    report: Report,
) -> None:
    # No autoflush: the page's Lookup answers from memory, and one flush at the end
    # writes every row (a flush per message was most of a first sync's time).
    with store_.unit() as session, session.no_autoflush:
        context = _context(session, mailbox_id, page, org, now, backfill, report)
        for mail in page.mails:
            ingest(context, mail)
        store.save_sync_state(session, mailbox_id, page.folder.value, page.state, now)
        context.lookup.write_threads()
        session.flush()
        context.lookup.write_messages()
        report.answered.extend(thread.id for thread in context.answered)
    report.skipped += page.skipped


def _context(
    session: Session,
    mailbox_id: int,
    page: SyncPage,
    org: Org,
    now: datetime,
    backfill: bool,
    report: Report,
) -> Context:
    row = session.get(MailboxRow, mailbox_id)
    assert row is not None
    user = session.get(User, row.user_id)
    assert user is not None
    lookup = Lookup(session, user.id, page.mails)
    known = {email: contact.written for email, contact in lookup.contacts.items()}
    viewer = Viewer(
        email=user.email,
        name=user.name,
        # without INTERNAL_DOMAINS, the user's own mail domain is the company's
        internal_domains=org.internal_domains or frozenset({user.email.rpartition("@")[2]}),
        correspondents=known,
        known_domains=frozenset(e.rpartition("@")[2] for e in known),
        preferences=users.preferences(session, user.id),
    )
    history = Forwards(store.forward_history(session, user.id))
    calendar = org.calendar(user.timezone, user.work_hours)
    return Context(user, viewer, calendar, org, now, backfill, report, lookup, known, history)


__all__ = ["Context", "MailboxUnavailable", "Org", "Report", "ingest", "sync_all", "sync_mailbox"]


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
        busy = [] if due_only else users.leased_mailboxes(session, now)  # before ours are
        claimed = [
            (row.id, row.kind, users.email_of(session, row))
            for row in users.claim_mailboxes(session, owner, now, lease, due_only=due_only)
        ]

    started: set[int] = set()  # (from several threads: set.add is atomic)

    def one(mailbox: tuple[int, str, str]) -> Report:
        mailbox_id, kind, email = mailbox
        started.add(mailbox_id)
        provider = providers.get(kind)
        if provider is None:
            report = Report(email, error=f"no {kind} provider is configured")
        else:
            try:
                report = sync_mailbox(store_, provider, mailbox_id, org, now, progress)
            except SQLAlchemyError as error:  # locked, gone away: this mailbox's pass ends
                # (what it stored stays); the others are tried, the lease handed back if it can
                why = f"database: {db.reason(error)}"
                log.debug("mailbox %s: %s", email, why)
                _release_quietly(store_, mailbox_id, owner, now, why)
                return Report(email, error=why)
            except BaseException:  # Ctrl-C, a bug: hand the lease back, or no sync runs for
                _release_quietly(store_, mailbox_id, owner, now)  # the lease's half hour
                raise
        with store_.unit() as session:
            users.release_mailbox(session, mailbox_id, owner, now, now + org.poll, report.error)
        return report

    others = [Report(email, busy_until=until) for email, until in busy]
    try:
        if org.workers <= 1 or len(claimed) <= 1:
            return [*(one(mailbox) for mailbox in claimed), *others]
        with ThreadPoolExecutor(max_workers=org.workers, thread_name_prefix="sync") as pool:
            return [*pool.map(one, claimed), *others]
    except BaseException:  # a stop, Ctrl-C: the mailboxes claimed but not begun go back too
        for mailbox_id, _, _ in claimed:
            if mailbox_id not in started:
                _release_quietly(store_, mailbox_id, owner, now, "not synced: the sync stopped")
        raise


def _release_quietly(
    store_: Store, mailbox_id: int, owner: str, now: datetime, why: str = "the sync was interrupted"
) -> None:
    try:
        with store_.unit() as session:
            users.release_mailbox(session, mailbox_id, owner, now, now, why)
    except SQLAlchemyError as error:
        log.warning("mailbox %d: its lease was not handed back: %s", mailbox_id, db.reason(error))
