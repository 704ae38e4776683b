"""Clicks: buttons, the snooze menu, the Home tab's settings, and opening forms.

A click carries the command text the core put on the button and, from the
actions block's id, the thread it was shown for; both go to the desk, which
acts only if that thread is the clicker's. Every click is acknowledged first;
forms are opened right after, still in the listener, because a click's
`trigger_id` is good for 3 seconds only. The rest runs after the ack.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import Ack, App

from bot.chat.slack_blocks import CUSTOM, card_blocks, fallback, text_blocks, thread_of
from bot.chat.slack_bot import PLATFORM, SlackBot, Where, progress_key
from bot.chat.slack_views import Origin, forward_modal, hold_modal, snooze_modal
from bot.core import commands
from bot.core.ports import ChatError

log = logging.getLogger(__name__)
Body = dict[str, Any]
Click = Callable[[SlackBot, Body, Body], None]  # (bot, request body, the clicked widget)
Form = Callable[[SlackBot, Origin, str, str], dict[str, Any]]  # (…, email, locale) → a modal


def register_actions(app: App, bot: SlackBot) -> None:
    """Every click listener: each acknowledges at once, then does its part."""
    for action_id, click in CLICKS.items():
        app.action(action_id)(_acking(bot, click))


def _acking(bot: SlackBot, click: Click) -> Callable[[Ack, Body, Body], None]:
    # Bolt hands listeners their arguments by name: ack, body, action.
    def listener(ack: Ack, body: Body, action: Body) -> None:
        ack()
        click(bot, body, action)

    return listener


# ── the clicks ─────────────────────────────────────────────────────────────
def _on_button(bot: SlackBot, body: Body, action: Body) -> None:
    _click(bot, body, str(action["value"]))


def _on_snooze(bot: SlackBot, body: Body, action: Body) -> None:
    chosen = str(action["selected_option"]["value"])
    if chosen.startswith(CUSTOM):
        _open(bot, body, chosen, _snooze_form)
    else:
        _click(bot, body, chosen)


def _on_hold(bot: SlackBot, body: Body, action: Body) -> None:
    command = str(action["value"])
    if day_of(command) is None:  # not a button of ours: the plain command will say why
        _click(bot, body, command)
    else:
        _open(bot, body, command, _hold_form)


def _on_forward(bot: SlackBot, body: Body, action: Body) -> None:
    _open(bot, body, str(action["value"]), _forward_form)


def _on_back(bot: SlackBot, body: Body, action: Body) -> None:
    bot.later(_back, bot, user_of(body), Where.of(body), _thread(body))


def _on_locale(bot: SlackBot, body: Body, action: Body) -> None:
    bot.later(_prefer, bot, user_of(body), {"locale": str(action["selected_option"]["value"])})


def _on_hours(bot: SlackBot, body: Body, action: Body) -> None:
    chosen = str(action["selected_option"]["value"])
    bot.later(_prefer, bot, user_of(body), {"work_hours": "" if chosen == "org" else chosen})


def _on_digest(bot: SlackBot, body: Body, action: Body) -> None:
    bot.later(_prefer, bot, user_of(body), {"digest": action.get("value") == "on"})


def _on_hold_date(bot: SlackBot, body: Body, action: Body) -> None:
    """A new date in the holding-reply form: the text is written again for it."""
    view, day = body["view"], iso_day(str(action.get("selected_date") or ""))
    email = bot.identify(user_of(body))
    if email is None or day is None:
        return
    form = _hold_form(
        bot, Origin.load(view["private_metadata"]), email, bot.desk.locale(email), day
    )
    try:
        bot.channel.replace_form(str(view["id"]), str(view.get("hash", "")), form)
    except ChatError as error:
        log.warning("could not redraw the holding-reply form: %s", error)


CLICKS: dict[str | re.Pattern[str], Click] = {
    re.compile(r"^rm_cmd"): _on_button,  # rm_cmd:<n>: unique ids within one actions block
    "rm_snooze": _on_snooze,
    "rm_hold": _on_hold,
    "rm_hold_date": _on_hold_date,
    "rm_forward": _on_forward,
    "rm_back": _on_back,
    "rm_locale": _on_locale,
    "rm_digest": _on_digest,
    "rm_hours": _on_hours,
}


# ── after the ack ──────────────────────────────────────────────────────────
def user_of(body: Body) -> str:
    return str(body["user"]["id"])


def _thread(body: Body) -> int | None:
    actions = body.get("actions") or [{}]
    return thread_of(str(actions[0].get("block_id") or ""))


def _click(bot: SlackBot, body: Body, command: str) -> None:
    bot.later(clicked, bot, user_of(body), Where.of(body), _thread(body), command)


def clicked(bot: SlackBot, user_id: str, where: Where, thread: int | None, command: str) -> None:
    """Act on `command` for the clicker, with progress if it sends mail; then show it."""
    email = bot.identify(user_id)
    if email is None:
        _tell_stranger(bot, user_id, where)
        return
    key = progress_key(command)
    if key:
        bot.working(email, where, thread, key)
    answer = bot.desk.act(email, command, PLATFORM, bot.clock.now(), thread)
    bot.show(user_id, email, where, thread, answer, command)


def _tell_stranger(bot: SlackBot, user_id: str, where: Where) -> None:
    if where.home:
        bot.publish_home(user_id, None)
    else:
        text = bot.stranger(user_id)
        bot.channel.post(where.channel, text_blocks(text), text)


def _back(bot: SlackBot, user_id: str, where: Where, thread: int | None) -> None:
    """Cancel on a confirmation: the card again, as it was."""
    email = bot.identify(user_id)
    card = bot.desk.card(email, thread, bot.clock.now()) if email and thread else None
    if card is not None and not where.home:
        bot.channel.update(where.channel, where.ts, card_blocks(card), fallback(card))


def _prefer(bot: SlackBot, user_id: str, change: dict[str, Any]) -> None:
    email = bot.identify(user_id)
    if email is not None:
        bot.desk.set_preferences(email, **change)
    bot.publish_home(user_id, email)


# ── opening forms ──────────────────────────────────────────────────────────
def _open(bot: SlackBot, body: Body, command: str, form: Form) -> None:
    """Open a form for the clicked thread now, inside the click's 3 seconds."""
    thread, found, where = _thread(body), re.search(r"#(\d+)", command), Where.of(body)
    try:
        email = bot.identify(user_of(body))
        if email is None or thread is None or found is None:  # the command says why
            bot.later(clicked, bot, user_of(body), where, thread, command)
            return
        origin = Origin(thread, int(found.group(1)), where.channel, where.ts, command)
        view = form(bot, origin, email, bot.desk.locale(email))
        bot.channel.open_form(str(body["trigger_id"]), view)
    except ChatError as error:
        log.warning("could not open a form: %s", error)


def _snooze_form(bot: SlackBot, origin: Origin, email: str, locale: str) -> dict[str, Any]:
    return snooze_modal(origin, locale)


def _hold_form(
    bot: SlackBot, origin: Origin, email: str, locale: str, day: date | None = None
) -> dict[str, Any]:
    """The holding-reply form for `day` (by default the one on the clicked button)."""
    day = day or day_of(origin.command)
    assert day is not None  # _on_hold checked the button's date
    draft = bot.desk.hold_draft(email, origin.thread, day, bot.clock.now())
    return hold_modal(origin, day, draft, locale)


def _forward_form(bot: SlackBot, origin: Origin, email: str, locale: str) -> dict[str, Any]:
    choices = bot.desk.forward_choices(email, origin.thread, bot.clock.now())
    return forward_modal(origin, choices, locale)


def day_of(command: str) -> date | None:
    """The ISO date a core hold button carries ("hold #3 2026-12-01")."""
    parsed = commands.parse(command)
    return iso_day(parsed.arg) if parsed else None


def iso_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
