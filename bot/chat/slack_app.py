"""The Bolt app: Slack events, the slash command and the App Home, in HTTP and Socket Mode.

Bolt verifies every HTTP request's signature and rejects ones older than five
minutes (slack_bolt RequestVerification) before any listener runs. Bolt does not
deduplicate: Slack re-sends an event it thinks was lost (header
X-Slack-Retry-Num) with the same `event_id`, so a middleware drops ids it has
seen. They are kept in a bounded in-process cache rather than the database:
Slack retries within minutes (after about 1 and 5 minutes), one web process
serves Slack (app.json's formation, or one Socket Mode connection), and the
mail actions a repeated command could trigger are guarded by the outbox keys
anyway. An event with no listener would get a 404, which Slack counts as a
failure and retries, so every subscribed event is acknowledged.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from slack_bolt import Ack, App, BoltResponse, Respond

from bot.chat.slack_actions import register_actions
from bot.chat.slack_blocks import text_blocks
from bot.chat.slack_bot import PLATFORM, SlackBot, progress_key
from bot.chat.slack_forms import register_forms
from bot.chat.slack_texts import say

log = logging.getLogger(__name__)
Event = dict[str, Any]
SEEN_EVENTS = 10_000  # several days of a small company's DMs


class SeenEvents:
    """The last `size` event ids, oldest forgotten first; safe across Bolt's threads."""

    def __init__(self, size: int = SEEN_EVENTS) -> None:
        self.size, self._ids, self._lock = size, OrderedDict[str, None](), threading.Lock()

    def first_time(self, event_id: str) -> bool:
        with self._lock:
            if event_id in self._ids:
                return False
            self._ids[event_id] = None
            if len(self._ids) > self.size:
                self._ids.popitem(last=False)
            return True


def bolt_app(bot: SlackBot, signing_secret: str, executor: Executor) -> App:
    """The Bolt app with every listener (the caller checked the token already)."""
    app = App(
        client=bot.channel.client,
        signing_secret=signing_secret,
        listener_executor=executor,
        logger=logging.getLogger("slack_bolt"),
        token_verification_enabled=False,  # Bolt then asks auth.test on the first request
    )
    # Bolt logs a refused request with its whole body at INFO: a person's DM text
    # must not reach the logs that way; the access log still shows the 401.
    logging.getLogger("slack_bolt.RequestVerification").setLevel(logging.WARNING)
    app.use(_once(SeenEvents()))
    _register_events(app, bot)
    register_actions(app, bot)
    register_forms(app, bot)
    return app


def _once(seen: SeenEvents) -> Callable[..., BoltResponse | None]:
    # Bolt passes middleware arguments by name, hence `next`.
    def drop_retries(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not seen.first_time(event_id):
            log.info("event %s delivered again; already handled", event_id)
            return BoltResponse(status=200, body="")
        next()
        return None

    return drop_retries


def _register_events(app: App, bot: SlackBot) -> None:
    app.event("message")(_given(bot, _on_message))
    app.event("app_home_opened")(_given(bot, _on_home))
    # Any slash command of this app: the manifest names it /replyminder, and a workspace
    # that already has one may rename it.
    app.command(re.compile(r"^/"))(_slash_listener(bot))


def _given(bot: SlackBot, handle: Callable[[SlackBot, Event], None]) -> Callable[[Event], None]:
    # Bolt hands listeners their arguments by name; an event listener needs no ack.
    def listener(event: Event) -> None:
        handle(bot, event)

    return listener


def _on_message(bot: SlackBot, event: Event) -> None:
    """A DM to the bot: its text is a command (message.im). Edits, bots: ignored."""
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    user, channel, text = str(event["user"]), str(event["channel"]), str(event.get("text", ""))
    bot.later(_typed, bot, user, channel, text)


def _on_home(bot: SlackBot, event: Event) -> None:
    """The Home tab was opened (not the Messages tab): publish threads and settings."""
    if event.get("tab", "home") == "home":
        bot.later(_home, bot, str(event["user"]))


def _slash_listener(bot: SlackBot) -> Callable[[Ack, Event, Respond], None]:
    def listener(ack: Ack, command: Event, respond: Respond) -> None:
        """`/replyminder TEXT` anywhere: the same commands, answered only to the user."""
        text = str(command.get("text") or "").strip() or "help"
        user_id, key = str(command["user_id"]), progress_key(text)
        if key:  # mail is about to be sent: say so at once
            ack(text=say(key, bot.locale_of(user_id)))
        else:
            ack()
        bot.later(_slash, bot, user_id, text, respond)

    return listener


def _typed(bot: SlackBot, user_id: str, channel: str, text: str) -> None:
    email = bot.identify(user_id)
    if email is None:
        stranger = bot.stranger(user_id)
        bot.channel.post(channel, text_blocks(stranger), stranger)
        return
    key = progress_key(text)
    note = say(key, bot.desk.locale(email)) if key else ""
    progress = bot.channel.post(channel, text_blocks(note), note) if key else None
    answer = bot.desk.act(email, text, PLATFORM, bot.clock.now())
    blocks = bot.answer_blocks(answer, text, bot.desk.locale(email))
    if progress is None:
        bot.channel.post(channel, blocks, answer.reply)
    else:
        bot.channel.update(channel, progress, blocks, answer.reply)


def _slash(bot: SlackBot, user_id: str, text: str, respond: Respond) -> None:
    email = bot.identify(user_id)
    if email is None:
        respond(text=bot.stranger(user_id), response_type="ephemeral")
        return
    answer = bot.desk.act(email, text, PLATFORM, bot.clock.now())
    blocks = bot.answer_blocks(answer, text, bot.desk.locale(email))
    respond(text=answer.reply, blocks=blocks, response_type="ephemeral")


def _home(bot: SlackBot, user_id: str) -> None:
    bot.publish_home(user_id, bot.identify(user_id))
