"""Act: a chat command → the store (and the mail provider), after checking ownership.

Every adapter (console, Slack, Teams) hands over the same thing: who the platform
says the user is, the command text (a button sends the very text a user could
type) and, for a button, the thread it was attached to. A user only ever reaches
their own threads: refs are per user, and a button's thread must be theirs.
Commands that send mail (hold, forward) are prepared here and sent by `send`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.core import commands, dates
from bot.core.answers import ANSWERS, EXAMPLES
from bot.core.cards import Card, CardKind
from bot.core.commands import Verb
from bot.core.i18n import render
from bot.core.names import short_name
from bot.core.present import line, proposed_promise
from bot.core.thread import State
from bot.core.triage import Importance, Reason
from bot.services import send
from bot.services.turn import Acting, Answer, Turn, open_thread, reschedule, resolve, split_confirm
from bot.store import threads as store
from bot.store import users
from bot.store.db import Store
from bot.store.models import Thread


def act(
    store_: Store,
    setup: Acting,
    email: str,
    text: str,
    platform: str,
    now: datetime,
    button_thread: int | None = None,
) -> Answer:
    """Handle `text` from the user `email` (as their platform proved it)."""
    command = commands.parse(text)
    with store_.unit() as session:
        user = users.user_by_email(session, email)
        if command is None:
            return Answer(render(ANSWERS["unknown"], user.locale, text=text.strip()[:80]), "error")
        turn = Turn(session, user, setup, command, now, platform, button_thread)
        outcome = HANDLERS[command.verb](turn)
    if isinstance(outcome, send.Send):
        return send.deliver(store_, setup, outcome, now)
    return outcome


def _list(turn: Turn) -> Answer:
    rows = store.open_threads(turn.session, turn.user.id)
    if not rows:
        return turn.say("list_empty", "listed")
    lines = tuple(line(store.view(t), turn.cal, turn.now, turn.locale) for t in rows)
    title = render(ANSWERS["list_title"], turn.locale, count=len(rows))
    card = Card(kind=CardKind.ANSWER, locale=turn.locale, title=title, lines=lines)
    return Answer(card.as_text(), "listed", None, card)


def _help(turn: Turn) -> Answer:
    title = render(ANSWERS["help_title"], turn.locale)
    return Answer(f"{title}\n{commands.help_text(turn.locale)}", "help")


def _snooze(turn: Turn) -> Answer:
    thread = open_thread(turn)
    if isinstance(thread, Answer):
        return thread
    text, confirmed = split_confirm(turn.command.arg)
    examples = render(EXAMPLES["when"], turn.locale)
    if not text:
        return turn.say("missing_when", "error", thread, examples=examples)
    when = dates.parse_when(text, turn.locale, turn.now, turn.cal)
    if when is None:
        return turn.say("unreadable", "error", thread, text=text, examples=examples)
    moment = _moment(turn, when.moment)
    if when.moment <= turn.now:
        return turn.say("past", "error", thread, moment=moment)
    view = store.view(thread)
    if when.moment > view.deadline() and not confirmed:
        return _snooze_past_deadline(turn, thread, text, moment)
    thread.state, thread.snoozed_until = State.SNOOZED, when.moment
    turn.record(thread, "snoozed", f"until {when.moment.isoformat()}")
    reschedule(turn, thread)
    due = _moment(turn, view.deadline())
    return turn.say("snoozed", "snoozed", thread, ref=thread.ref, moment=moment, due=due)


def _snooze_past_deadline(turn: Turn, thread: Thread, text: str, moment: str) -> Answer:
    view = store.view(thread)
    day = proposed_promise(turn.cal, turn.now)
    return turn.say(
        "snooze_past_deadline",
        "confirm_needed",
        thread,
        moment=moment,
        due=_moment(turn, view.deadline()),
        name=short_name(view.sender.display),
        ref=thread.ref,
        day=f"{day.day}/{day.month}",
        text=text,
    )


def _moment(turn: Turn, moment: datetime) -> str:
    return dates.format_moment(moment, turn.locale, turn.cal.tz)


def _done(turn: Turn) -> Answer:
    thread = open_thread(turn)
    if isinstance(thread, Answer):
        return thread
    thread.state, thread.snoozed_until = State.DONE, None
    turn.record(thread, "done", turn.command.arg)
    reschedule(turn, thread)
    return turn.say("done", "done", thread, ref=thread.ref)


def _feedback(turn: Turn) -> Answer:
    thread = resolve(turn)
    if isinstance(thread, Answer):
        return thread
    important = turn.command.verb is Verb.IMPORTANT
    key = thread.list_id or thread.sender_email
    users.set_preference(turn.session, turn.user.id, key, 1 if important else -1, turn.now)
    _apply_feedback(turn, thread, important)
    turn.record(thread, "important" if important else "not_important", key)
    reschedule(turn, thread)
    return turn.say("important" if important else "not_important", "feedback", thread, key=key)


def _apply_feedback(turn: Turn, thread: Thread, important: bool) -> None:
    code = "user_important" if important else "user_not_important"
    thread.reasons = [
        *store.dump_reasons([Reason(code)]),
        *(r for r in thread.reasons if not r["code"].startswith("user_")),
    ]
    if important:
        if Importance(thread.importance).rank < Importance.HIGH.rank:  # at least high
            thread.importance = Importance.HIGH.value
        if thread.state == State.IGNORED:
            thread.state = State.PENDING
    else:
        thread.importance = Importance.LOW.value


HANDLERS: dict[Verb, Callable[[Turn], Answer | send.Send]] = {
    Verb.LIST: _list,
    Verb.HELP: _help,
    Verb.SNOOZE: _snooze,
    Verb.HOLD: send.prepare_hold,
    Verb.FORWARD: send.prepare_forward,
    Verb.DONE: _done,
    Verb.IMPORTANT: _feedback,
    Verb.NOT_IMPORTANT: _feedback,
}
