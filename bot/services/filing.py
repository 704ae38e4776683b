"""Filing one message: find the thread it belongs to, record it, move the thread along.

Part of ingest (`bot/services/ingest.py` runs it over each page of a mailbox's
changes). Matching is symmetric: an incoming mail looks for a reply the user already
sent, and a sent mail looks for the mail it answers, so the order in which a provider
reports them never matters. A message seen again is recognized by its Message-ID and
changes nothing twice. Every lookup goes through the page's `Lookup`, which also
knows what earlier messages of the same page recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.core import conversation
from bot.core.calendar import WorkCalendar
from bot.core.language import language_of
from bot.core.mail import MARKER_HEADER, Folder, Mail, Verb, Viewer
from bot.core.risks import assess
from bot.core.suggest import Forwards, PastForward
from bot.core.thread import OPEN_STATES, State
from bot.core.triage import Triage, triage
from bot.services import threads as thread_rules
from bot.store.lookup import Lookup, NewMessage
from bot.store.models import ForwardRecord, MessageRow, Thread, User

if TYPE_CHECKING:
    from bot.services.ingest import Org, Report

BOT_ECHO = timedelta(minutes=15)  # how long before Outlook's "replied" mark a bot reply explains it
CLOCK_SKEW = timedelta(minutes=1)  # a reply stamped a little before the mail it answers
# Mail stamped later than this after it was seen arrived when seen: a wrong or forged Date
# (with no Received header to go by) must not move its deadline into the future.
ARRIVAL_SKEW = timedelta(minutes=5)


@dataclass
class Context:
    """One page of one mailbox's ingest: its owner, what they taught the bot, the clock."""

    user: User
    viewer: Viewer
    cal: WorkCalendar
    org: Org
    now: datetime
    backfill: bool
    report: Report
    lookup: Lookup
    correspondents: dict[str, int] = field(default_factory=dict)  # the viewer's, kept in step
    history: Forwards = field(default_factory=Forwards)
    answered: list[Thread] = field(default_factory=list)  # ids are known once the page is flushed

    @property
    def session(self) -> Session:
        return self.lookup.session


def ingest(context: Context, mail: Mail) -> None:
    """Record one mail (idempotent on its Message-ID) and move its thread along."""
    seen = context.lookup.message(mail.folder, mail.message_id)
    if seen is not None:
        _seen_again(context, seen, mail)
        return
    if mail.folder is Folder.SENT:
        _ingest_sent(context, mail)
    else:
        _ingest_inbox(context, mail)
    context.report.new += 1


def _seen_again(context: Context, seen: MessageRow | NewMessage, mail: Mail) -> None:
    """A message reported again: it may have moved (new provider id) or been replied to."""
    seen.provider_id = mail.provider_id
    thread = seen.thread
    if thread is None:
        return
    if thread.message_id == mail.message_id:
        thread.provider_id = mail.provider_id
    if mail.last_verb in (Verb.REPLIED, Verb.REPLIED_ALL) and thread.state in OPEN_STATES:
        _replied_in_client(context, thread, mail)
        thread_rules.schedule(thread, context)


def _replied_in_client(context: Context, thread: Thread, mail: Mail) -> None:
    """Outlook says it was replied to: the user's answer, unless it was the bot's own reply."""
    at = mail.last_verb_at or context.now
    if not context.lookup.bot_acted_since(thread, at - BOT_ECHO):
        _answered(context, thread, context.user.email, at)


def _ingest_inbox(context: Context, mail: Mail) -> None:
    if mail.received_at > context.now + ARRIVAL_SKEW:
        mail = replace(mail, received_at=context.now)
    verdict = triage(mail, context.viewer, context.now)
    risks = assess(mail, context.viewer)
    thread = _find_inbox_thread(context, mail, verdict)
    if thread is None:
        thread = thread_rules.new_thread(context, mail, verdict, risks, language_of(mail))
        context.lookup.add_thread(thread)
    else:
        outcome = thread_rules.apply_inbound(context, thread, mail, verdict, risks)
        if outcome.answered_by:
            context.lookup.record(thread, outcome.answered_by, "answered", context.now)
            context.answered.append(thread)
    context.lookup.add_message(thread_rules.message_row(context, mail, thread))
    _check_already_answered(context, thread, mail)
    thread_rules.schedule(thread, context)


def _find_inbox_thread(context: Context, mail: Mail, verdict: Triage) -> Thread | None:
    lookup = context.lookup
    thread = lookup.thread_for_ids(conversation.referenced_ids(mail))
    if thread is None and mail.conversation_id:
        thread = lookup.thread_by_conversation(mail.conversation_id)
    if thread is None and verdict.tracked and mail.sender is not None:
        key = conversation.subject_key(mail.subject)
        thread = lookup.thread_by_subject(key, [mail.sender.email])
    return thread


def _check_already_answered(context: Context, thread: Thread, mail: Mail) -> None:
    if thread.state not in OPEN_STATES:
        return
    if mail.last_verb in (Verb.REPLIED, Verb.REPLIED_ALL):
        _replied_in_client(context, thread, mail)
        return
    sender = mail.sender.email if mail.sender else ""
    key = conversation.subject_key(mail.subject)
    answered_at = context.lookup.sent_answer(mail.message_id, key, sender, mail.received_at)
    if answered_at is not None:
        _answered(context, thread, context.user.email, answered_at)


def _answered(context: Context, thread: Thread, by: str, at: datetime | None) -> None:
    thread_rules.close_answered(thread, by, at or context.now, context.now)
    context.lookup.record(thread, by, "answered", context.now)
    context.answered.append(thread)


def _ingest_sent(context: Context, mail: Mail) -> None:
    own = bool(mail.header(MARKER_HEADER))
    recipients = {a.email for a in mail.recipients}
    at = mail.sent_at or mail.received_at
    context.lookup.count_written(context.correspondents, recipients, at)
    thread = _find_answered_thread(context, mail)
    context.lookup.add_message(thread_rules.message_row(context, mail, thread, own=own))
    forward = conversation.is_forward(mail.subject)
    if forward:
        _record_forward(context, mail, thread)
    # A reply after a forward still answers the sender (the forward only handed it on).
    closable = OPEN_STATES if forward else OPEN_STATES | {State.FORWARDED}
    if thread is None or own or thread.state not in closable:
        return
    if forward:
        thread_rules.close_forwarded(thread, ", ".join(sorted(recipients)), context.now)
        context.lookup.record(thread, context.user.email, "forwarded", context.now)
    elif at >= thread.received_at - CLOCK_SKEW:
        _answered(context, thread, context.user.email, at)
    thread_rules.schedule(thread, context)


def _find_answered_thread(context: Context, mail: Mail) -> Thread | None:
    lookup = context.lookup
    thread = lookup.thread_for_ids(conversation.referenced_ids(mail))
    if thread is None and mail.conversation_id:
        thread = lookup.thread_by_conversation(mail.conversation_id)
    if thread is None:
        thread = _by_quoted_original(context, mail)
    if thread is None:
        key = conversation.subject_key(mail.subject)
        thread = lookup.thread_by_subject(key, [a.email for a in mail.recipients])
    return thread


def _by_quoted_original(context: Context, mail: Mail) -> Thread | None:
    quoted = conversation.quoted_original(mail.text)
    if quoted is None:
        return None
    sender = conversation.quoted_sender_email(quoted)
    key = conversation.subject_key(quoted.subject or mail.subject)
    return context.lookup.thread_by_subject(key, [sender]) if sender else None


def _record_forward(context: Context, mail: Mail, thread: Thread | None) -> None:
    original = thread.sender_email if thread else _quoted_sender(mail)
    key = conversation.subject_key(mail.subject)
    at = mail.sent_at or mail.received_at
    for to in mail.to:
        context.session.add(
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
