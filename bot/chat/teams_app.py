"""Teams: an incoming activity → who it is → one text command → the services → the answer.

Each activity type has its handler: `conversationUpdate` (the personal app was
installed: link and greet), `installationUpdate` (removed: forget the chat, so that
no reminder is sent into it until the app is added again), `message` (typed text,
or an `Action.Submit` click with `value`), `invoke` `adaptiveCard/action` (an
`Action.Execute` click, which must be answered with an invoke response). Who a
person is comes from the activity, which the SDK's JWT check vouches for, and from
the connector's member record (email / userPrincipalName), never from what they
type. The services are synchronous and run in a worker thread (`asyncio.to_thread`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import ClientError
from microsoft_agents.activity import Activity, ActivityTypes, ChannelAccount, InvokeResponse
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.connector import ConnectorClientBase

from bot.chat import teams_cards, teams_submit
from bot.chat.desk import Reply, Talk
from bot.chat.teams_channel import message, reference_key
from bot.chat.teams_retry import Backoff, retrying
from bot.chat.teams_texts import BOT
from bot.core.i18n import LOCALES, pick, render

log = logging.getLogger(__name__)
PLATFORM = "teams"

ACTED = frozenset({"snoozed", "holding_sent", "forwarded", "done", "feedback"})
CARD_RESPONSE = "application/vnd.microsoft.card.adaptive"
MESSAGE_RESPONSE = "application/vnd.microsoft.activity.message"


def _personal(activity: Activity) -> bool:
    kind = activity.conversation.conversation_type if activity.conversation else None
    return kind in (None, "personal")


def _typed(activity: Activity) -> str:
    """The command a person typed, without an @mention of the bot."""
    text = activity.remove_recipient_mention() if activity.entities else activity.text
    return (text or "").replace("\xa0", " ").strip()


def _external_id(activity: Activity) -> str:
    user = activity.from_property
    return str(user.aad_object_id or user.id)


def _invoke_response(body: dict[str, Any]) -> Activity:
    return Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=200, body=body))


class TeamsBot:
    """The Agents SDK `Agent`: `on_turn` for every activity the adapter receives."""

    def __init__(
        self, desk: Talk, now: Callable[[], datetime], backoff: Backoff | None = None
    ) -> None:
        self.desk, self.now = desk, now
        self.backoff = backoff or Backoff()
        self.handlers: dict[str, Callable[[TurnContext], Awaitable[None]]] = {
            ActivityTypes.conversation_update: self._installed,
            ActivityTypes.installation_update: self._installation,
            ActivityTypes.message: self._message,
            ActivityTypes.invoke: self._invoke,
        }

    async def on_turn(self, context: TurnContext) -> None:
        handler = self.handlers.get(str(context.activity.type))
        if handler is not None:  # reactions, typing, …: nothing to do
            await handler(context)

    # ── the handlers ────────────────────────────────────────────────────────
    async def _installed(self, context: TurnContext) -> None:
        activity = context.activity
        if not _personal(activity):
            return
        bot_id = activity.recipient.id if activity.recipient else None
        if any(member.id == bot_id for member in activity.members_removed or ()):
            await self._removed(context)  # (some clients say it this way)
            return
        if not activity.members_added:
            return
        email = await self._identify(context)
        if email is not None:
            locale = await asyncio.to_thread(self.desk.locale, email)
            name = activity.from_property.name or email
            await self._say(context, render(BOT["welcome"], locale, name=name))

    async def _installation(self, context: TurnContext) -> None:
        """An "add" comes with the conversationUpdate that greets; a "remove" unlinks."""
        if context.activity.action == "remove" and _personal(context.activity):
            await self._removed(context)

    async def _removed(self, context: TurnContext) -> None:
        """The personal app was removed: the chat is gone, and nothing may be sent into it."""
        external = _external_id(context.activity)
        email = await asyncio.to_thread(self.desk.unlink, PLATFORM, external)
        if email is not None:
            log.info("teams: %s removed the app; their reminders wait until they add it", email)

    async def _message(self, context: TurnContext) -> None:
        activity = context.activity
        submission = teams_submit.read(activity.value)
        text = _typed(activity)
        if submission is None and not text:
            return  # a file, an emoji reaction, somebody else's card: nothing to act on
        if not _personal(activity):
            await self._say(context, _both("personal_only"))
            return
        email = await self._identify(context)
        if email is None:
            return
        if submission is not None:
            await self._clicked(context, email, submission)
        else:
            await self._command(context, email, text)

    async def _invoke(self, context: TurnContext) -> None:
        activity = context.activity
        if activity.name != "adaptiveCard/action":
            return  # the SDK answers 501 to an invoke nobody handles
        submission = teams_submit.read(teams_submit.execute_data(activity.value))
        if submission is None:
            text = render(BOT["not_ours"], pick(activity.locale or "en"))
            body = {"statusCode": 200, "type": MESSAGE_RESPONSE, "value": text}
        elif (email := await self._identify(context)) is None:
            body = {"statusCode": 200, "type": MESSAGE_RESPONSE, "value": ""}  # it said why
        else:
            body = await self._clicked(context, email, submission, invoke=True)
        await context.send_activity(_invoke_response(body))

    # ── who is writing ──────────────────────────────────────────────────────
    async def _identify(self, context: TurnContext) -> str | None:
        """The user's email, linking them (and refreshing their reference) on the way."""
        activity, desk = context.activity, self.desk
        external = _external_id(activity)
        email = await asyncio.to_thread(desk.who, PLATFORM, external)
        if email is None:
            email = await self._member_email(context)
            if email is None:
                await self._say(context, _both("unverified"))
                return None
        key, now = reference_key(activity), self.now()
        linked = await asyncio.to_thread(desk.link, PLATFORM, external, key, email, now)
        if linked is None:
            await self._say(context, _both("not_registered", email=email))
        return linked

    async def _member_email(self, context: TurnContext) -> str | None:
        """The email in the connector's member record (GET …/members/{id}), if it has one."""
        activity = context.activity
        # The adapter puts the turn's connector client in turn_state under this name
        # (ChannelServiceAdapter._AGENT_CONNECTOR_CLIENT_KEY, Agents SDK 1.9).
        connector = context.turn_state.get("ConnectorClient")
        if not isinstance(connector, ConnectorClientBase):
            return None
        conversation, member_id = activity.conversation.id, activity.from_property.id
        try:
            member = await retrying(
                lambda: connector.conversations.get_conversation_member(conversation, member_id),
                self.backoff,
                "member look-up",
            )
        except ClientError as error:
            log.warning("Teams member look-up failed: %s", error)
            return None
        return _email_of(member)

    # ── answering ───────────────────────────────────────────────────────────
    async def _command(self, context: TurnContext, email: str, text: str) -> None:
        reply = await self._act(email, text, None)
        if reply.action == "confirm_needed":
            await self._confirm(context, email, reply, text, None, "")
        else:
            await self._answer(context, reply)

    async def _clicked(
        self,
        context: TurnContext,
        email: str,
        submission: teams_submit.Submission,
        *,
        invoke: bool = False,
    ) -> dict[str, Any]:
        """Act on a card click; the invoke response body (an Action.Submit ignores it)."""
        reply = await self._act(email, submission.text, submission.thread)
        if reply.action in ACTED:
            card = teams_cards.outcome(submission.summary, reply.reply)
            if invoke:  # Teams swaps the clicked card for the one in the response
                return {"statusCode": 200, "type": CARD_RESPONSE, "value": card}
            await self._update(context, card)
        elif reply.action == "confirm_needed":  # a card with the Confirm button
            await self._confirm(
                context, email, reply, submission.text, submission.thread, submission.summary
            )
        elif not invoke:  # an Execute click shows the answer from the response instead
            await self._answer(context, reply)
        return {"statusCode": 200, "type": MESSAGE_RESPONSE, "value": reply.reply}

    async def _act(self, email: str, text: str, thread: int | None) -> Reply:
        return await asyncio.to_thread(self.desk.act, email, text, PLATFORM, self.now(), thread)

    async def _answer(self, context: TurnContext, reply: Reply) -> None:
        if reply.card is not None and reply.card.lines:
            await self._send(context, message(teams_cards.adaptive(reply.card)))
        else:
            await self._say(context, reply.reply)

    async def _confirm(
        self,
        context: TurnContext,
        email: str,
        reply: Reply,
        command: str,
        thread: int | None,
        summary: str,
    ) -> None:
        locale = await asyncio.to_thread(self.desk.locale, email)
        card = teams_cards.confirmation(summary, reply.reply, command, thread, locale)
        await self._send(context, message(card))

    async def _update(self, context: TurnContext, card: dict[str, Any]) -> None:
        """Show on the clicked card what happened (a new message if Teams gave no card id)."""
        card_id = context.activity.reply_to_id
        if not card_id:
            await self._send(context, message(card))
            return
        update = message(card)
        update.id = card_id
        await retrying(lambda: context.update_activity(update), self.backoff, "card update")

    async def _say(self, context: TurnContext, text: str) -> None:
        """Plain text (Teams would read markdown in mail-derived names); several lines as a card."""
        if "\n" in text:
            await self._send(context, message(teams_cards.lines_card(text)))
            return
        reply = Activity(type=ActivityTypes.message, text=text, text_format="plain")
        await self._send(context, reply)

    async def _send(self, context: TurnContext, activity: Activity) -> None:
        await retrying(lambda: context.send_activity(activity), self.backoff, "reply")

    # ── failures ────────────────────────────────────────────────────────────
    async def on_turn_error(self, context: TurnContext, error: Exception) -> None:
        """Ours instead of the SDK's, which posts "Exception caught : …" to the user."""
        activity = context.activity
        if activity.type == ActivityTypes.event:  # a proactive send: the channel reports it
            raise error
        log.error("Teams %s failed: %r", activity.type, error, exc_info=error)
        text = await self._failure_text(activity)
        try:
            if activity.type == ActivityTypes.invoke:
                body = {"statusCode": 200, "type": MESSAGE_RESPONSE, "value": text}
                await context.send_activity(_invoke_response(body))
            else:
                await self._say(context, text)
        except Exception:  # the connector itself may be what failed: log, do not raise
            log.warning("could not tell the Teams user about the failure", exc_info=True)

    async def _failure_text(self, activity: Activity) -> str:
        """The apology in the user's language: theirs if known, Teams' locale, else both."""
        try:
            email = await asyncio.to_thread(self.desk.who, PLATFORM, _external_id(activity))
            if email is not None:
                return render(BOT["failed"], await asyncio.to_thread(self.desk.locale, email))
        except Exception:  # the database may be what failed: fall back to Teams' locale
            log.debug("no locale for the failure message", exc_info=True)
        return render(BOT["failed"], pick(activity.locale)) if activity.locale else _both("failed")


def _both(key: str, **params: object) -> str:
    """For someone whose language we do not know yet: Vietnamese, then English."""
    return "\n\n".join(render(BOT[key], locale, **params) for locale in LOCALES)


def _email_of(member: ChannelAccount) -> str | None:
    """Teams puts `email` and `userPrincipalName` beside the standard account fields."""
    extra = member.model_extra or {}
    for key in ("email", "userPrincipalName"):
        value = extra.get(key)
        if isinstance(value, str) and "@" in value:
            return value.strip().lower()
    return None
