"""The Slack chat channel: reminder cards out as DMs, and Slack's directory of people.

The reminder service calls `send` for each due DM (bot/services/remind.py); a
failure raises `ChatError` so the outbox retries the row later, and a row is
only marked sent once Slack answered with the message's `ts`, so a DM is never
posted twice by us. A `ChatAddress.key` here is the Slack user id.

Every Web API call honours 429 `Retry-After` and retries 500/503 once: the
SDK's default retry handlers cover connection errors only (slack_sdk 3.x,
slack_sdk.http_retry; INTEGRATIONS.md "Slack").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.chat.slack_blocks import Block, card_blocks, fallback
from bot.core.cards import Card
from bot.core.ports import ChatAddress, ChatError

log = logging.getLogger(__name__)
RATE_LIMIT_RETRIES = 3
TIMEOUT = 15  # seconds for one Web API call
Result = TypeVar("Result")


def web_client(token: str, api_url: str) -> WebClient:
    """A Web API client that waits out 429s and retries connection and server errors."""
    handlers = [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ServerErrorRetryHandler(max_retry_count=1),
    ]
    base = api_url if api_url.endswith("/") else api_url + "/"
    return WebClient(token=token, base_url=base, timeout=TIMEOUT, retry_handlers=handlers)


def describe(error: Exception) -> str:
    """One line for a failed Web API call (the token is never part of it)."""
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        reason = error.response.get("error") if isinstance(error.response.data, dict) else None
        return f"Slack answered {status}: {reason or 'no reason given'}"
    return f"cannot reach Slack: {error}"


def calling(what: str, call: Callable[[], Result]) -> Result:
    """Run one Web API call; any failure becomes a `ChatError` naming `what`."""
    try:
        return call()
    except (SlackClientError, OSError) as error:
        raise ChatError(f"{what}: {describe(error)}") from error


class SlackChannel:
    """Posts and updates messages, and asks Slack who people are."""

    platform = "slack"

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._dms: dict[str, str] = {}  # user id → DM channel id; stable for an app

    def send(self, to: ChatAddress, card: Card) -> str:
        """Post `card` in the user's DM with the bot; returns "<channel>/<ts>"."""
        channel = self.dm(to.key)
        posted = self.post(channel, card_blocks(card), fallback(card))
        return f"{channel}/{posted}"

    def dm(self, user_id: str) -> str:
        """The DM channel with `user_id` (conversations.open), remembered once known."""
        if user_id not in self._dms:
            opened = calling(
                "conversations.open", lambda: self.client.conversations_open(users=user_id)
            )
            self._dms[user_id] = str(opened["channel"]["id"])
        return self._dms[user_id]

    def post(self, channel: str, blocks: list[Block], text: str) -> str:
        """Post a message; returns its `ts`, which `update` needs."""
        posted = calling(
            "chat.postMessage",
            lambda: self.client.chat_postMessage(channel=channel, blocks=blocks, text=text),
        )
        return str(posted["ts"])

    def update(self, channel: str, ts: str, blocks: list[Block], text: str) -> None:
        """Replace a message the bot posted (a DM after a click, a progress note)."""
        calling(
            "chat.update",
            lambda: self.client.chat_update(channel=channel, ts=ts, blocks=blocks, text=text),
        )

    def publish(self, user_id: str, view: dict[str, Any]) -> None:
        """Show `view` on the user's Home tab."""
        calling("views.publish", lambda: self.client.views_publish(user_id=user_id, view=view))

    def open_form(self, trigger_id: str, view: dict[str, Any]) -> None:
        """Open a modal; Slack accepts it only within 3 s of the click that gave `trigger_id`."""
        calling("views.open", lambda: self.client.views_open(trigger_id=trigger_id, view=view))

    def replace_form(self, view_id: str, view_hash: str, view: dict[str, Any]) -> None:
        """Redraw an open modal; `view_hash` makes Slack refuse it if the form moved on."""
        calling(
            "views.update",
            lambda: self.client.views_update(view_id=view_id, hash=view_hash, view=view),
        )

    def email_of(self, user_id: str) -> str | None:
        """The email Slack's directory holds for `user_id` (needs users:read.email)."""
        found = calling("users.info", lambda: self.client.users_info(user=user_id))
        return _email(found.get("user"))

    def find(self, email: str) -> str | None:
        """The Slack user id of `email`, or None when the workspace has no such person."""
        try:
            found = self.client.users_lookupByEmail(email=email)
        except SlackApiError as error:
            if error.response.get("error") == "users_not_found":
                return None
            raise ChatError(f"users.lookupByEmail: {describe(error)}") from error
        except (SlackClientError, OSError) as error:
            raise ChatError(f"users.lookupByEmail: {describe(error)}") from error
        user = found.get("user") or {}
        return str(user["id"]) if user.get("id") and not user.get("deleted") else None


def _email(user: Any) -> str | None:
    if not isinstance(user, dict) or user.get("deleted") or user.get("is_bot"):
        return None
    email = (user.get("profile") or {}).get("email")
    return str(email).strip().lower() if email else None
