"""Teams: the outbound `ChatChannel` (a reminder card, sent proactively).

A Teams user is reached through the conversation reference stored when they
installed the app or last wrote to the bot; it is the opaque `ChatAddress.key`
and only this module reads or writes it. The reminder service is synchronous,
so `send` runs the SDK's async proactive turn on its own event loop.

A message that still fails after the back-off raises `ChatError`: the outbox
keeps the reminder and retries it on a later pass, and marks it sent only once
the connector accepted it. (A 502/504 can hide a message the connector did
deliver; Bot Framework offers no idempotency key, so that rare case may repeat.)
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientError, ClientResponseError
from microsoft_agents.activity import Activity, ActivityTypes, Attachment, ConversationReference
from microsoft_agents.hosting.core import ChannelServiceAdapter, ClaimsIdentity, TurnContext

from bot.chat import teams_cards
from bot.chat.teams_retry import Backoff, retrying
from bot.core.cards import Card
from bot.core.ports import ChatAddress, ChatError


def reference_key(activity: Activity) -> str:
    """The conversation of `activity`, serialised: how this user is reached later."""
    reference = activity.get_conversation_reference()
    # A reminder is a new message in the chat, not a reply to whatever was said last.
    reference.activity_id = None
    reference.request_id = None
    return str(reference.model_dump_json(by_alias=True, exclude_none=True))


def message(card: dict[str, Any], summary: str = "") -> Activity:
    """A message carrying one Adaptive Card; `summary` is what a notification shows."""
    attachment = Attachment(content_type=teams_cards.CONTENT_TYPE, content=card)
    activity = Activity(type=ActivityTypes.message, attachments=[attachment])
    if summary:
        activity.summary = summary
    return activity


@dataclass
class TeamsChannel:
    adapter: ChannelServiceAdapter
    identity: ClaimsIdentity  # the bot's own claims (teams_auth.proactive_identity)
    backoff: Backoff = field(default_factory=Backoff)
    platform: str = "teams"

    def send(self, to: ChatAddress, card: Card) -> str:
        """Deliver `card` to the chat in `to.key`; the message id, for updates later."""
        try:
            reference = ConversationReference.model_validate_json(to.key)
            outgoing = message(teams_cards.adaptive(card), card.title)
            return asyncio.run(self._send(reference, outgoing))
        except (ClientError, TimeoutError, ValueError) as error:  # ValueError: pydantic, msal
            raise ChatError(f"Teams: {describe(error)}") from error

    async def _send(self, reference: ConversationReference, outgoing: Activity) -> str:
        sent: list[str] = []

        async def deliver(context: TurnContext) -> None:
            response = await retrying(
                lambda: context.send_activity(outgoing), self.backoff, "proactive message"
            )
            sent.append(response.id or "")

        continuation = reference.get_continuation_activity()
        # The SDK gives the continuation a random id, which would make the card a
        # "reply" to a message that never existed (Agents SDK 1.9, ConversationReference).
        continuation.id = None
        await self.adapter.continue_conversation_with_claims(self.identity, continuation, deliver)
        return sent[0] if sent else ""


def describe(error: Exception) -> str:
    """One line for the outbox and the log (no response bodies: they may quote the card)."""
    if isinstance(error, ClientResponseError):
        return f"the Bot Framework connector answered HTTP {error.status}"
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return first[:200]
