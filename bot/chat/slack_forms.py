"""Form submissions: snooze until another time, the holding reply, the forward.

What can be checked quickly is checked before the ack, so that Slack shows the
problem under the field and the form stays open (an unreadable time, a day
off, nobody to forward to). Mail is sent after the ack, with progress on the
DM. Where the form was opened from (the DM message, or Home) travels in the
form's private metadata.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import Ack, App

from bot.chat.slack_actions import clicked, iso_day, user_of
from bot.chat.slack_bot import PLATFORM, SlackBot, Where
from bot.chat.slack_texts import say
from bot.chat.slack_views import Origin, value
from bot.core import commands
from bot.core.ports import ChatError

Body = dict[str, Any]
Submit = Callable[[SlackBot, Ack, str, Origin, Body], None]  # (…, user id, origin, view)


def register_forms(app: App, bot: SlackBot) -> None:
    for callback_id, submit in FORMS.items():
        app.view(callback_id)(_reading(bot, submit))


def _reading(bot: SlackBot, submit: Submit) -> Callable[[Ack, Body, Body], None]:
    # Bolt hands listeners their arguments by name: ack, body, view.
    def listener(ack: Ack, body: Body, view: Body) -> None:
        submit(bot, ack, user_of(body), Origin.load(view["private_metadata"]), view)

    return listener


def where(origin: Origin) -> Where:
    return Where(origin.channel, origin.ts, home=not origin.channel)


def _snooze(bot: SlackBot, ack: Ack, user_id: str, origin: Origin, view: Body) -> None:
    """Snooze until the typed time; an unreadable or past time is shown under the field."""
    email = bot.identify(user_id)
    if email is None:
        ack()
        return
    command = f"snooze #{origin.ref} {value(view, 'when').strip()}"
    answer = bot.desk.act(email, command, PLATFORM, bot.clock.now(), origin.thread)
    if answer.action == "error":
        ack(response_action="errors", errors={"when": answer.reply})
        return
    ack()
    bot.later(bot.show, user_id, email, where(origin), origin.thread, answer, command)


def _hold(bot: SlackBot, ack: Ack, user_id: str, origin: Origin, view: Body) -> None:
    """Send the (edited) holding reply; a day off or a past day is shown under the date."""
    day, email = iso_day(value(view, "day")), bot.identify(user_id)
    if email is None or day is None:
        ack()
        return
    draft = bot.desk.hold_draft(email, origin.thread, day, bot.clock.now())
    if not draft.ok:
        ack(response_action="errors", errors={"day": draft.text})
        return
    ack()
    bot.later(_held, bot, user_id, email, origin, day, value(view, "text"))


def _held(bot: SlackBot, user_id: str, email: str, origin: Origin, day: date, text: str) -> None:
    bot.working(email, where(origin), origin.thread, "working_hold")
    answer = bot.desk.hold(email, origin.thread, day, text, PLATFORM, bot.clock.now())
    command = f"hold #{origin.ref} {day.isoformat()}"
    bot.show(user_id, email, where(origin), origin.thread, answer, command)


def _forward(bot: SlackBot, ack: Ack, user_id: str, origin: Origin, view: Body) -> None:
    """Forward to the typed address, else the picked person, else the chosen suggestion."""
    to, problem = recipient(bot, view)
    if problem:
        key = "forward_no_email" if problem == "user" else "forward_nobody"
        ack(response_action="errors", errors={problem: say(key, bot.locale_of(user_id))})
        return
    ack()
    command = f"forward #{origin.ref} {to} {safe_note(value(view, 'note'))}".strip()
    bot.later(clicked, bot, user_id, where(origin), origin.thread, command)


FORMS: dict[str, Submit] = {
    "rm_snooze_modal": _snooze,
    "rm_hold_modal": _hold,
    "rm_forward_modal": _forward,
}


def recipient(bot: SlackBot, view: Body) -> tuple[str, str]:
    """(address, "") from the form, or ("", the field whose problem to show)."""
    typed, picked = value(view, "email").strip(), value(view, "user")
    if typed:
        return typed, ""
    if picked:  # a Slack colleague: their address as Slack's directory has it
        try:
            found = bot.channel.email_of(picked)
        except ChatError:
            found = None
        return (found, "") if found else ("", "user")
    suggested = value(view, "suggested")
    return (suggested, "") if suggested else ("", "email")


def safe_note(note: str) -> str:
    """A note is free text: one ending in "confirm" must not confirm an outside forward."""
    note = " ".join(note.split())
    folded = note.casefold()
    if any(folded == w or folded.endswith(" " + w) for w in commands.CONFIRM_WORDS):
        return note + "."
    return note
