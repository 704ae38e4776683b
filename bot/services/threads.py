"""How a stored thread moves when mail arrives: open, continue, reopen, close.

A thread is one conversation of one user. Its deadline runs from the first
message still awaiting the user's reply; a new message from the counterpart
keeps that deadline while the thread is open and starts a new one once it was
closed. A reply-all by a third person to the counterpart answers it for the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.core import conversation, reminders
from bot.core.mail import ADDRESS_LIMIT, Address, Folder, Mail, fitted_name
from bot.core.risks import Risk
from bot.core.suggest import suggest
from bot.core.text import excerpt
from bot.core.thread import OPEN_STATES, State
from bot.core.triage import Importance, Triage
from bot.store import threads as store
from bot.store.lookup import NewMessage
from bot.store.models import Thread

if TYPE_CHECKING:
    from bot.services.filing import Context

REFERENCES_KEPT = 20


def new_thread(
    context: Context,
    mail: Mail,
    verdict: Triage,
    risks: tuple[Risk, ...],
    language: str,
) -> Thread:
    now, sender = context.now, mail.sender or Address("")
    key = conversation.subject_key(mail.subject)
    return store.new_thread_row(
        user_id=context.user.id,
        ref=store.take_ref(context.user),
        subject=mail.subject,
        subject_key=key,
        conversation_id=mail.conversation_id,
        sender_email=sender.email,
        sender_name=sender.name,
        language=language,
        first_seen_at=now,
        # mail from before the look-back, read late (moved back into the Inbox), is history
        # too: listed, not DMed as overdue
        backfilled=context.backfill or mail.received_at < now - context.org.lookback,
        updated_at=now,
        **_message(mail),
        **_cycle(context, key, mail, verdict, risks),
    )


def _take_message(thread: Thread, mail: Mail) -> None:
    _set(thread, _message(mail))


def _start_cycle(
    context: Context, thread: Thread, mail: Mail, verdict: Triage, risks: tuple[Risk, ...]
) -> None:
    _set(thread, _cycle(context, thread.subject_key, mail, verdict, risks))


def _set(thread: Thread, values: dict[str, Any]) -> None:
    """Set what differs: a new cycle resets a dozen columns most threads hold already
    (None, []), and each assignment costs the ORM a change event, then a comparison at
    the flush and a column in the page's UPDATE (`Lookup.write_threads`)."""
    for name, value in values.items():
        if not _same(getattr(thread, name), value):
            setattr(thread, name, value)


def _same(held: object, value: object) -> bool:
    """Whether assigning `value` would leave `held` as it is: equal, of one type, and for
    a time in one zone (equal times in two zones are one instant written two ways)."""
    return (
        type(held) is type(value)
        and held == value
        and getattr(held, "tzinfo", None) is getattr(value, "tzinfo", None)
    )


def _message(mail: Mail) -> dict[str, Any]:
    """The thread's latest message from the counterpart: the one a reply answers."""
    return {
        "message_id": mail.message_id,
        "provider_id": mail.provider_id,
        "references": [*mail.references, mail.message_id][-REFERENCES_KEPT:],
        "excerpt": excerpt(mail.text),
        "reply_to": _reply_to(mail),
        "list_id": list_key(mail),
    }


def list_key(mail: Mail) -> str | None:
    """The list a mail came through ("<team.lists.example.com>" → "team.lists.example.com")."""
    raw = mail.header("list-id")
    inner = raw[raw.find("<") + 1 : raw.rfind(">")] if "<" in raw else raw
    return inner.strip().lower()[:255] or None


def _reply_to(mail: Mail) -> str | None:
    return mail.reply_to[0].email if mail.reply_to else None


def _cycle(
    context: Context,
    subject_key: str,
    mail: Mail,
    verdict: Triage,
    risks: tuple[Risk, ...],
) -> dict[str, Any]:
    """A new wait for the user's answer, from this mail on."""
    return {
        "state": State.PENDING if verdict.tracked else State.IGNORED,
        "importance": verdict.importance.value,
        "reasons": store.dump_reasons(verdict.reasons),
        "risks": store.dump_risks(risks),
        "needs_warning": not verdict.tracked and reminders.deserves_warning(risks),
        "received_at": mail.received_at,
        "due_at": context.cal.add(mail.received_at, context.org.policy.sla_hours),
        "snoozed_until": None,
        "promised_by": None,
        "answered_at": None,
        "forwarded_to": None,
        "answered_by": None,
        "last_reminded_at": None,
        "steps_done": [],
        "suggestions": _suggestions(context, subject_key, mail),
    }


def _suggestions(context: Context, subject_key: str, mail: Mail) -> list[dict[str, object]]:
    found = suggest(
        mail.subject,
        mail.text,
        mail.sender or Address(""),
        context.user.email,
        context.org.routes,
        context.history,
        subject_key,
    )
    return [
        {"to": s.to.email, "name": s.to.name, "code": s.code, "params": dict(s.params)}
        for s in found
    ]


@dataclass(frozen=True, slots=True)
class Outcome:
    answered_by: str | None = None


def apply_inbound(
    context: Context,
    thread: Thread,
    mail: Mail,
    verdict: Triage,
    risks: tuple[Risk, ...],
) -> Outcome:
    """A new incoming message in an existing thread."""
    sender = mail.sender.email if mail.sender else ""
    counterpart = thread.sender_email
    third_party = sender not in (counterpart, context.user.email)
    if third_party and counterpart in {a.email for a in mail.recipients}:
        if thread.state in OPEN_STATES:
            close_answered(thread, sender, mail.received_at, context.now)
            return Outcome(answered_by=sender)
        return Outcome()
    if thread.state in OPEN_STATES:
        _continue(thread, mail, verdict, risks)
    elif verdict.tracked or thread.state != State.IGNORED:
        _take_message(thread, mail)
        _start_cycle(context, thread, mail, verdict, risks)
    _set(thread, {"updated_at": context.now})
    return Outcome()


def _continue(thread: Thread, mail: Mail, verdict: Triage, risks: tuple[Risk, ...]) -> None:
    """The counterpart wrote again before being answered: same deadline, latest message."""
    _take_message(thread, mail)
    # a follow-up can raise the importance, never lower it
    if verdict.importance.rank > Importance(thread.importance).rank:
        thread.importance = verdict.importance.value
        thread.reasons = store.dump_reasons(verdict.reasons)
    known = {r["kind"] for r in thread.risks}
    added = [r for r in store.dump_risks(risks) if r["kind"] not in known]
    if added:
        thread.risks = [*thread.risks, *added]


def close_answered(thread: Thread, by: str, at: datetime, now: datetime) -> None:
    thread.state, thread.answered_by, thread.answered_at = State.ANSWERED, by, at
    thread.snoozed_until, thread.next_remind_at, thread.updated_at = None, None, now


def close_forwarded(thread: Thread, to: str, now: datetime) -> None:
    """`to`: whom it went to, one address or several (cut short when very many)."""
    thread.state, thread.forwarded_to = State.FORWARDED, fitted_name(to, ADDRESS_LIMIT)
    thread.snoozed_until, thread.next_remind_at, thread.updated_at = None, None, now


def message_row(
    context: Context, mail: Mail, thread: Thread | None, own: bool = False
) -> NewMessage:
    sender = mail.sender.email if mail.sender else ""
    sent = mail.folder is Folder.SENT
    return NewMessage(
        user_id=context.user.id,
        folder=mail.folder.value,
        message_id=mail.message_id,
        thread=thread,
        provider_id=mail.provider_id,
        sender_email=sender,
        counterpart=conversation.answered_address(mail) if sent else sender,
        in_reply_to=mail.in_reply_to,
        subject_key=conversation.subject_key(mail.subject),
        at=(mail.sent_at or mail.received_at) if sent else mail.received_at,
        own=own,
    )


def schedule(thread: Thread, context: Context) -> None:
    """Set when the reminder pass should next look at this thread."""
    if thread.state not in OPEN_STATES:
        thread.next_remind_at = None  # the policy never looks at a closed thread again
        return
    view = store.view(thread, for_cards=False)
    thread.next_remind_at = reminders.next_check(view, context.cal, context.org.policy)
