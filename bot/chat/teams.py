"""Microsoft Teams: the adapter's front door (settings and wiring).

What it asks of the bot is the chat desk (`bot.chat.desk`), the same as Slack's.

The flow through the Teams modules:
  Teams → Bot Framework → POST /api/messages → teams_auth (the SDK's JWT check) →
  teams_app (install → link by the connector's member record; typed text or a card
  click → one text command → `act`) → a reply, or the card updated in place;
  reminders go the other way: teams_channel sends a core Card (rendered by
  teams_cards) proactively through the user's stored conversation reference.

This module imports none of the Microsoft 365 Agents SDK (about 0.8 s to import):
only a process with Teams configured pays for it, in `connect`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from bot.chat.desk import Talk
from bot.core.ports import ChatChannel

log = logging.getLogger(__name__)

ROUTE = "/api/messages"
_SDK_USER_CLIENT_LOG = "microsoft_agents.hosting.core.connector.client.user_token_client"
Attach = Callable[[web.Application], None]


@dataclass(frozen=True)
class TeamsConfig:
    app_id: str = ""
    app_password: str = ""  # never logged
    tenant_id: str = ""
    dev_mode: bool = False

    @property
    def configured(self) -> bool:
        return bool(self.app_id) or self.dev_mode

    @property
    def anonymous(self) -> bool:
        """Dev mode: activities without a token are accepted (never with an app id)."""
        return self.dev_mode and not self.app_id


def connect(
    config: TeamsConfig, desk: Talk, now: Callable[[], datetime]
) -> tuple[ChatChannel, Attach]:
    """The Teams chat channel and its /api/messages route, sharing one SDK adapter."""
    # Imported here, not at the top: see the module docstring.
    from bot.chat import teams_app, teams_auth, teams_channel  # noqa: PLC0415

    _announce(config)
    adapter = teams_auth.make_adapter(config)
    bot = teams_app.TeamsBot(desk, now)
    adapter.on_turn_error = bot.on_turn_error
    channel = teams_channel.TeamsChannel(adapter, teams_auth.proactive_identity(config))
    return channel, teams_auth.routes(adapter, bot, config)


def _announce(config: TeamsConfig) -> None:
    """Dev mode is said loudly at start; dev mode beside an app id is said to be ignored."""
    if config.anonymous:
        log.warning(
            "TEAMS DEV MODE: %s accepts activities WITHOUT a Bot Framework token. "
            "For local testing only; set REPLYMINDER_TEAMS_APP_ID to require tokens.",
            ROUTE,
        )
        # The SDK warns on every turn that its user-token client has no app id (1.9,
        # connector/client/user_token_client.py); in dev mode that is the point.
        logging.getLogger(_SDK_USER_CLIENT_LOG).setLevel(logging.ERROR)
    elif config.dev_mode:
        log.warning("REPLYMINDER_TEAMS_DEV_MODE is ignored: with an app id, tokens are required")


def unconfigured() -> Attach:
    """/api/messages when Teams is not set up: 401, and a log line that says what is missing."""
    warned: list[bool] = []

    async def refuse(request: web.Request) -> web.Response:
        level = logging.DEBUG if warned else logging.WARNING
        warned.append(True)
        log.log(
            level,
            "refused a Teams activity: Teams is not configured. Set REPLYMINDER_TEAMS_APP_ID, "
            "_APP_PASSWORD and _TENANT_ID (or REPLYMINDER_TEAMS_DEV_MODE=true for local tests)",
        )
        return web.json_response({"error": "Teams is not configured on this server"}, status=401)

    def attach(server: web.Application) -> None:
        server.router.add_post(ROUTE, refuse)

    return attach
