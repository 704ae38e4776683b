"""Commands that send mail on the user's behalf: the holding reply and the forward.

Each is checked and written (prepare) inside the command's unit of work, then
sent through the user's mail provider outside any transaction, then recorded.
The outbox key (`hold:<thread>:<date>`, `forward:<thread>:<to>`) makes a double
click or a repeated command a no-op; a failed send leaves the thread as it was.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import dates
from bot.core.answers import ANSWERS, EXAMPLES
from bot.core.commands import Command, Verb
from bot.core.domains import within
from bot.core.i18n import Text, render
from bot.core.mail import Address, Outgoing
from bot.core.names import short_name
from bot.core.ports import Mailbox, MailError, MailProvider
from bot.core.present import proposed_promise
from bot.core.replies import TemplateError, fill, forward_subject, reply_subject
from bot.core.risks import looks_like_phishing
from bot.core.thread import State
from bot.services.turn import Acting, Answer, Turn, open_thread, reschedule, split_confirm
from bot.store import outbox, users
from bot.store import threads as store
from bot.store.db import Store
from bot.store.models import ForwardRecord, OutboxRow, Thread, User

LEASE = timedelta(minutes=2)
_EMAIL = re.compile(r"^[\w.+'-]+@[\w-]+(?:\.[\w-]+)+$")
NOTE: Text = {"en": "\n\nNote: {note}", "vi": "\n\nGhi chú: {note}"}
# How an email opens: to the sender a holding reply answers, to a colleague or a team
# (of the routing file) a forward goes to; without a name to call them by, no name.
GREETINGS: dict[str, Text] = {
    "holding": {"en": "Dear {name}", "vi": "Kính gửi anh/chị {name}"},
    "holding_nameless": {"en": "Hello", "vi": "Kính gửi anh/chị"},
    "forward": {"en": "Hi {name}", "vi": "Chào anh/chị {name}"},
    "forward_nameless": {"en": "Hi", "vi": "Chào anh/chị"},
    "team": {"en": "Hello {name}", "vi": "Kính gửi {name}"},
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Send:
    """A prepared mail action, ready for the outbox and the provider."""

    kind: str  # "reply" or "forward"
    key: str
    user_id: int
    thread_id: int
    message: Outgoing
    platform: str = ""
    promised: date | None = None  # hold: the promised day


def prepare_hold(turn: Turn) -> Answer | Send:
    thread = open_thread(turn)
    if isinstance(thread, Answer):
        return thread
    if looks_like_phishing(store.view(thread).risks):
        return turn.say("hold_phishing", "refused", thread, ref=thread.ref)
    text, confirmed = split_confirm(turn.command.arg)
    day = _promised_day(turn, thread, text)
    if isinstance(day, Answer):
        return day
    recipient = _recipient(turn, thread, day, confirmed)
    if isinstance(recipient, Answer):
        return recipient
    return _holding_reply(turn, thread, day, recipient)


def _promised_day(turn: Turn, thread: Thread, text: str) -> date | Answer:
    if not text:
        return proposed_promise(turn.cal, turn.now)
    day = dates.parse_date(text, turn.locale, turn.now, turn.cal)
    if day is None:
        examples = render(EXAMPLES["day"], turn.locale)
        return turn.say("unreadable", "error", thread, text=text, examples=examples)
    if turn.cal.day_end(day) <= turn.now:
        return turn.say("past", "error", thread, moment=dates.format_date(day, turn.locale))
    if not turn.cal.is_working_day(day):
        following = turn.cal.next_working_day(day)
        return turn.say(
            "not_working_day",
            "error",
            thread,
            day=dates.format_date(day, turn.locale),
            next=dates.format_date(following, turn.locale),
        )
    return day


def _recipient(turn: Turn, thread: Thread, day: date, confirmed: bool) -> Address | Answer:
    """The original sender; a Reply-To only within the sender's own domain."""
    sender = Address(thread.sender_email, thread.sender_name)
    if not thread.reply_to or thread.reply_to == sender.email:
        return sender
    reply_to = Address(thread.reply_to, thread.sender_name)
    if reply_to.domain == sender.domain:
        return reply_to
    if confirmed:
        return sender
    return turn.say(
        "reply_to_elsewhere",
        "confirm_needed",
        thread,
        reply_to=reply_to.email,
        sender=sender.email,
        ref=thread.ref,
        day=f"{day.day}/{day.month}",
    )


def holding_body(setup: Acting, thread: Thread, user: User, day: date, to: Address) -> str:
    """The holding reply's text, in the language of the mail it answers (TemplateError if
    the organisation's template cannot be filled)."""
    language, given = thread.language, short_name(to.name)
    return fill(
        setup.template("holding", language),
        greeting=greeting("holding", language, given),
        name=given or to.email,  # (for templates of before $greeting)
        subject=thread.subject,
        date=dates.format_date(day, language),
        signature=user.name,
    )


def _holding_reply(turn: Turn, thread: Thread, day: date, to: Address) -> Answer | Send:
    try:
        body = holding_body(turn.setup, thread, turn.user, day, to)
    except TemplateError as error:
        return turn.say("template_broken", "error", thread, error=str(error))
    key = f"hold:{thread.id}:{day.isoformat()}"
    message = Outgoing(
        sender=Address(turn.user.email, turn.user.name),
        to=(to,),
        subject=reply_subject(thread.subject),
        body=body,
        message_id=message_id(key, turn.user),
        marker=key,
        in_reply_to=thread.message_id,
        references=tuple(thread.references),
    )
    return Send("reply", key, turn.user.id, thread.id, message, turn.platform, promised=day)


def prepare_forward(turn: Turn) -> Answer | Send:
    thread = open_thread(turn)
    if isinstance(thread, Answer):
        return thread
    text, confirmed = split_confirm(turn.command.arg)
    if not text:
        examples = render(EXAMPLES["to"], turn.locale)
        return turn.say("missing_to", "error", thread, examples=examples)
    who, _, note = text.partition(" ")
    to = _recipient_named(turn, who)
    if to is None:
        return turn.say("unknown_to", "error", thread, to=who, aliases=_aliases(turn))
    if to.email in (turn.user.email, thread.sender_email):
        return turn.say("self_forward", "refused", thread)
    if not _internal(turn, to) and not confirmed:
        return turn.say("external", "confirm_needed", thread, to=to.email, ref=thread.ref)
    return _forward(turn, thread, to, note.strip())


def _recipient_named(turn: Turn, who: str) -> Address | None:
    """An address, a routing-file alias or team name, or a name the mail system knows."""
    if _EMAIL.match(who):
        return Address(who)
    wanted = who.casefold()
    for route in turn.setup.routes:
        if wanted in (route.alias.casefold(), route.name.casefold()):
            return Address(route.email, route.name)
    mailbox = users.as_mailbox(turn.user, users.mailbox_of(turn.session, turn.user))
    provider = turn.setup.providers.get(mailbox.kind)
    return provider.resolve(mailbox, who) if provider else None


def _aliases(turn: Turn) -> str:
    names = ", ".join(route.alias for route in turn.setup.routes)
    return render(ANSWERS["aliases"], turn.locale, names=names) if names else ""


def _internal(turn: Turn, to: Address) -> bool:
    domains = turn.setup.internal_domains or frozenset({Address(turn.user.email).domain})
    return any(within(to.domain, d) for d in domains)


def _forward(turn: Turn, thread: Thread, to: Address, note: str) -> Answer | Send:
    try:
        body = fill(
            turn.setup.template("forward", turn.locale),
            greeting=_greeting(turn, to),
            sender=thread.sender_name or thread.sender_email,
            note=render(NOTE, turn.locale, note=note) if note else "",
            signature=turn.user.name,
        )
    except TemplateError as error:
        return turn.say("template_broken", "error", thread, error=str(error))
    key = f"forward:{thread.id}:{to.email}"
    message = Outgoing(
        sender=Address(turn.user.email, turn.user.name),
        to=(to,),
        subject=forward_subject(thread.subject),
        body=body,
        message_id=message_id(key, turn.user),
        marker=key,
    )
    return Send("forward", key, turn.user.id, thread.id, message, turn.platform)


def _greeting(turn: Turn, to: Address) -> str:
    """ "Chào anh/chị Lan" for a person, "Kính gửi Phòng Kế toán" for a team of the routing file."""
    if any(route.email == to.email for route in turn.setup.routes):
        return greeting("team", turn.locale, to.name or to.email)
    return greeting("forward", turn.locale, short_name(to.name))


def greeting(kind: str, locale: str, name: str) -> str:
    """How an email of `kind` opens, by `name` or, without one, by none: never by an
    address ("Dear thao@vantaiviet.vn")."""
    if not name.strip():
        return render(GREETINGS[f"{kind}_nameless"], locale)
    return render(GREETINGS[kind], locale, name=name)


def message_id(key: str, user: User) -> str:
    """A Message-ID derived from the outbox key: a retried send reuses it."""
    digest = hashlib.sha256(f"{user.id}:{key}".encode()).hexdigest()[:24]
    return f"replyminder.{digest}@{Address(user.email).domain}"


def deliver(store_: Store, setup: Acting, prepared: Send, now: datetime) -> Answer:
    """Send once (the outbox key guards it), then record what happened."""
    claimed = _claim(store_, setup, prepared, now)
    if isinstance(claimed, Answer):
        return claimed
    provider, mailbox, original = claimed
    try:
        if prepared.kind == "reply":
            provider.reply(mailbox, original, prepared.message)
        else:
            provider.forward(mailbox, original, prepared.message)
    except MailError as error:
        return _failed(store_, prepared, str(error))
    return _succeeded(store_, setup, prepared, now)


_ALREADY_ACTION = {"reply": "holding_sent", "forward": "forwarded"}


def _claim(
    store_: Store,
    setup: Acting,
    prepared: Send,
    now: datetime,
) -> Answer | tuple[MailProvider, Mailbox, str]:
    """Take the outbox row for this send, unless it was (or is being) sent already."""
    with store_.unit() as session:
        to = [a.email for a in prepared.message.to]
        payload = {"to": to, "subject": prepared.message.subject}
        row = outbox.enqueue(
            session, prepared.key, prepared.kind, prepared.user_id, prepared.thread_id, payload, now
        )
        session.refresh(row, with_for_update=True)
        user, thread = _owner(session, prepared)
        if _taken(row, now):
            what = f"{prepared.message.subject} → {', '.join(to)}"
            text = render(ANSWERS["already_sent"], user.locale, what=what)
            return Answer(text, _ALREADY_ACTION[prepared.kind], thread.id)
        row.status, row.lease_until, row.attempts = outbox.SENDING, now + LEASE, row.attempts + 1
        mailbox = users.as_mailbox(user, users.mailbox_of(session, user))
        return setup.providers[mailbox.kind], mailbox, thread.provider_id


def _taken(row: OutboxRow, now: datetime) -> bool:
    busy = row.status == outbox.SENDING and row.lease_until is not None and row.lease_until > now
    return row.status == outbox.SENT or busy


def _owner(session: Session, prepared: Send) -> tuple[User, Thread]:
    user, thread = session.get(User, prepared.user_id), session.get(Thread, prepared.thread_id)
    assert user is not None
    assert thread is not None
    return user, thread


def _failed(store_: Store, prepared: Send, error: str) -> Answer:
    with store_.unit() as session:
        row = session.scalar(select(OutboxRow).where(OutboxRow.key == prepared.key))
        assert row is not None
        outbox.failed(row, error)
        user, thread = _owner(session, prepared)
        return Answer(render(ANSWERS["send_failed"], user.locale, error=error), "error", thread.id)


def _succeeded(store_: Store, setup: Acting, prepared: Send, now: datetime) -> Answer:
    with store_.unit() as session:
        row = session.scalar(select(OutboxRow).where(OutboxRow.key == prepared.key))
        assert row is not None
        outbox.sent(row, now)
        user, thread = _owner(session, prepared)
        turn = Turn(session, user, setup, Command(Verb.HOLD), now, prepared.platform)
        if prepared.promised is not None:
            return _now_holding(turn, thread, prepared)
        return _now_forwarded(turn, thread, prepared)


def _now_holding(turn: Turn, thread: Thread, prepared: Send) -> Answer:
    assert prepared.promised is not None
    to = prepared.message.to[0]
    thread.state, thread.snoozed_until = State.HOLDING, None
    thread.promised_by = turn.cal.day_end(prepared.promised)
    thread.steps_done = [s for s in thread.steps_done if not s.startswith("promise-")]
    shown = dates.format_date(prepared.promised, turn.locale)
    turn.record(thread, "holding_sent", f"to {to.email}, promising {prepared.promised.isoformat()}")
    reschedule(turn, thread)
    return turn.say(
        "holding_sent", "holding_sent", thread, name=to.display, to=to.email, date=shown
    )


def _now_forwarded(turn: Turn, thread: Thread, prepared: Send) -> Answer:
    to = prepared.message.to[0]
    thread.state, thread.forwarded_to, thread.snoozed_until = State.FORWARDED, to.email, None
    turn.session.add(
        ForwardRecord(
            user_id=turn.user.id,
            sender_email=thread.sender_email,
            subject_key=thread.subject_key,
            to_email=to.email,
            to_name=to.name,
            at=turn.now,
        )
    )
    turn.record(thread, "forwarded", f"to {to.email}")
    reschedule(turn, thread)
    return turn.say("forwarded", "forwarded", thread, ref=thread.ref, to=to.display)
