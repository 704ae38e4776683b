"""The Slack conversation: who is writing, the work after the ack, and showing answers.

Slack wants every request acknowledged within 3 seconds, while a command may
send mail through a slow Exchange server. So listeners only ack (and open a
form, whose `trigger_id` also expires after 3 s), then hand the work to a small
pool of our own; Bolt's listener threads stay free for the next acks. The user
first sees progress ("⏳ Sending the holding reply…"), then the result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from bot.chat.desk import Desk, Reply
from bot.chat.slack_blocks import (
    Block,
    card_blocks,
    confirm_button,
    fallback,
    plain,
    text_blocks,
)
from bot.chat.slack_channel import SlackChannel
from bot.chat.slack_texts import say
from bot.chat.slack_views import home_view
from bot.core import commands
from bot.core.cards import Card
from bot.core.clock import Clock
from bot.core.commands import Verb
from bot.core.ports import ChatError

log = logging.getLogger(__name__)
PLATFORM = "slack"
SLOW = {Verb.HOLD: "working_hold", Verb.FORWARD: "working_forward"}  # they send mail


@dataclass(frozen=True, slots=True)
class Where:
    """Where a click happened: a DM message (channel, ts) or the Home tab (home=True)."""

    channel: str = ""
    ts: str = ""
    home: bool = False

    @classmethod
    def of(cls, body: dict[str, Any]) -> Where:
        container = body.get("container") or {}
        if container.get("type") == "message":
            return cls(str(container.get("channel_id")), str(container.get("message_ts")))
        return cls(home=True)


def progress_key(text: str) -> str | None:
    """The progress note for a command that sends mail, if `text` is one."""
    command = commands.parse(text)
    return SLOW.get(command.verb) if command else None


class SlackBot:
    def __init__(self, channel: SlackChannel, desk: Desk, clock: Clock, locale: str) -> None:
        self.channel, self.desk, self.clock, self.default_locale = channel, desk, clock, locale
        self.pool: Executor | None = None  # set while the server runs (bot/chat/slack.py)

    # ── who ────────────────────────────────────────────────────────────────
    def identify(self, user_id: str) -> str | None:
        """The registered email of a Slack user, linked by Slack's directory the first time."""
        email = self.desk.who(PLATFORM, user_id)
        if email is None:
            address = self.channel.email_of(user_id)
            now = self.clock.now()
            email = self.desk.link(PLATFORM, user_id, user_id, address, now) if address else None
        if email is not None:
            self.desk.used(email, PLATFORM)
        return email

    def locale_of(self, user_id: str) -> str:
        """The user's language if they are linked already, else the organisation's."""
        email = self.desk.who(PLATFORM, user_id)
        return self.desk.locale(email) if email else self.default_locale

    def stranger(self, user_id: str) -> str:
        """What a Slack user with no registered mailbox is told."""
        try:
            address = self.channel.email_of(user_id)
        except ChatError:
            address = None
        shown = f" ({address})" if address else ""
        return say("stranger", self.default_locale, email=shown)

    # ── after the ack ──────────────────────────────────────────────────────
    def later(self, work: Callable[..., None], *args: Any) -> None:
        """Run `work` on our pool after the ack; a failure is logged, never lost silently."""
        if self.pool is None:
            raise RuntimeError("the Slack adapter is not started")
        self.pool.submit(self._safely, work, args)

    def _safely(self, work: Callable[..., None], args: tuple[Any, ...]) -> None:
        try:
            work(*args)
        except ChatError as error:
            log.warning("%s", error)
        except Exception:  # the pool would swallow it: say where, keep serving
            log.exception("%s failed", getattr(work, "__name__", work))

    # ── showing answers ────────────────────────────────────────────────────
    def answer_blocks(self, answer: Reply, command: str, locale: str) -> list[Block]:
        """An answer as blocks; one that needs a yes gets a button that says it."""
        if answer.card is not None:
            return card_blocks(answer.card)
        blocks = text_blocks(answer.reply)
        if answer.action == "confirm_needed":
            block_id = f"rm:{answer.thread_id}" if answer.thread_id else "rm:confirm"
            button = confirm_button(command, locale)
            blocks.append({"type": "actions", "block_id": block_id, "elements": [button]})
        return blocks

    def show(
        self,
        user_id: str,
        email: str,
        where: Where,
        thread: int | None,
        answer: Reply,
        command: str,
    ) -> None:
        """After a click: the Home tab again, or the DM updated in place with the outcome."""
        if where.home:
            self.publish_home(user_id, email, answer.reply)
            return
        card = self.desk.card(email, thread, self.clock.now()) if thread else None
        if card is None:  # not the clicker's thread, or no thread: answer, change nothing
            blocks = self.answer_blocks(answer, command, self.desk.locale(email))
            self.channel.post(where.channel, blocks, answer.reply)
            return
        text = f"{answer.reply}\n{fallback(card)}"
        self.channel.update(where.channel, where.ts, _outcome(card, answer, command), text)

    def working(self, email: str, where: Where, thread: int | None, key: str) -> None:
        """Progress on the DM message while mail is being sent: the buttons go meanwhile."""
        card = self.desk.card(email, thread, self.clock.now()) if thread else None
        if where.home or card is None:
            return
        note = say(key, card.locale)
        self.channel.update(where.channel, where.ts, card_blocks(card, note, working=True), note)

    def publish_home(self, user_id: str, email: str | None, outcome: str = "") -> None:
        """The Home tab (views.publish): the user's threads and settings, or who to ask."""
        if email is None:
            blocks = text_blocks(self.stranger(user_id))
            view: dict[str, Any] = {"type": "home", "blocks": blocks}
        else:
            view = home_view(self.desk.home(email, self.clock.now()), outcome)
        self.channel.publish(user_id, view)


def _outcome(card: Card, answer: Reply, command: str) -> list[Block]:
    """The card as it is now with what just happened; a question gets Yes and Cancel."""
    if answer.action != "confirm_needed":
        return card_blocks(card, answer.reply)
    back = {
        "type": "button",
        "action_id": "rm_back",
        "text": plain(say("cancel", card.locale)),
        "value": "back",
    }
    elements = [confirm_button(command, card.locale), back]
    confirm = {"type": "actions", "block_id": f"rm:{card.thread_id}", "elements": elements}
    return [*card_blocks(card, answer.reply, working=True), confirm]
