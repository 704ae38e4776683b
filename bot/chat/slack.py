"""Slack, wired: DMs out, `POST /slack/events` in, Socket Mode, and finding people.

The composition root (bot/app.py) builds one `Slack` when a bot token is set and
takes three things from it: `channel` (the `ChatChannel` reminders go out
through), `attach` (adds the events endpoint and starts Socket Mode with the web
server of `replyminder run` / `web`), and `reach` (before a reminder pass, links
users no chat platform knows yet by their email, users.lookupByEmail).

HTTP mode and Socket Mode run the same Bolt app: Socket Mode needs no public URL
(good behind a company firewall) but Slack does not allow it for Marketplace
apps, so both are supported (INTEGRATIONS.md "Slack").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.chat.desk import Desk
from bot.chat.slack_app import bolt_app
from bot.chat.slack_bot import PLATFORM, SlackBot
from bot.chat.slack_channel import SlackChannel, web_client
from bot.core.clock import Clock
from bot.core.ports import ChatError

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
ACK_THREADS = 8  # Bolt's listeners only ack and open forms: quick
WORK_THREADS = 4  # commands after the ack; some send mail through a slow server
LOOK_AGAIN = timedelta(hours=12)  # someone not in Slack today may join tomorrow


class SlackSetupError(ValueError):
    """Slack cannot be used with these settings; the message says which and why."""


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str
    signing_secret: str = ""
    app_token: str = ""
    api_url: str = "https://slack.com/api/"
    locale: str = "vi"  # for people the bot does not know yet


class Slack:
    def __init__(self, config: SlackConfig, desk: Desk, clock: Clock) -> None:
        self.config, self.desk, self.clock = config, desk, clock
        self.channel = SlackChannel(web_client(config.bot_token, config.api_url))
        self.bot = SlackBot(self.channel, desk, clock, config.locale)
        self.app: App | None = None
        self._not_found: dict[str, datetime] = {}  # email → when Slack last knew nobody

    # ── inbound ────────────────────────────────────────────────────────────
    def attach(self, server: web.Application) -> None:
        """Serve Slack from this web server: events over HTTP, and Socket Mode if asked."""
        server.cleanup_ctx.append(self._running)
        if self.config.signing_secret:  # without it no request could be verified
            server.router.add_post(EVENTS_PATH, self._handle)

    async def _running(self, server: web.Application) -> AsyncIterator[None]:
        """While the server runs: Bolt (its start checks the token), our pools, the socket."""
        acks = ThreadPoolExecutor(ACK_THREADS, thread_name_prefix="slack-ack")
        work = ThreadPoolExecutor(WORK_THREADS, thread_name_prefix="slack-work")
        socket: SocketModeHandler | None = None
        try:
            self.app = await asyncio.to_thread(self._bolt, acks)
            self.bot.pool = work
            if self.config.app_token:
                socket = await asyncio.to_thread(self._socket, self.app)
            log.info("ready (%s)", "Socket Mode" if socket else f"HTTP at {EVENTS_PATH}")
            yield
        finally:
            await asyncio.to_thread(_stop, socket, acks, work)

    def _bolt(self, acks: ThreadPoolExecutor) -> App:
        self._check_token()
        return bolt_app(self.bot, self.config.signing_secret, acks)

    def _check_token(self) -> None:
        """auth.test once at start, so a wrong token or URL is one clear line, not a 401 later."""
        try:
            self.channel.client.auth_test()
        except SlackApiError as error:
            reason = error.response.get("error") or error.response.status_code
            raise SlackSetupError(f"Slack refused REPLYMINDER_SLACK_BOT_TOKEN ({reason})") from None
        except (SlackClientError, OSError) as error:
            raise SlackSetupError(
                f"cannot reach Slack at REPLYMINDER_SLACK_API_URL={self.config.api_url}: {error}"
            ) from None

    def _socket(self, app: App) -> SocketModeHandler:
        handler = SocketModeHandler(app, self.config.app_token)
        try:
            handler.connect()  # type: ignore[no-untyped-call]  # slack_bolt leaves it untyped
        except Exception as error:  # any failure here means the same thing to an operator
            raise SlackSetupError(
                f"Slack Socket Mode could not connect ({error}); "
                "check REPLYMINDER_SLACK_APP_TOKEN (xapp-…, scope connections:write)"
            ) from None
        return handler

    async def _handle(self, request: web.Request) -> web.Response:
        """POST /slack/events: Bolt verifies, acks within 3 s, and the work goes on."""
        if self.app is None:
            return web.Response(status=503, text="Slack is starting")
        bolt_request = BoltRequest(
            body=await request.text(),
            query=request.query_string,
            headers={name.lower(): value for name, value in request.headers.items()},
        )
        answer = await asyncio.to_thread(self.app.dispatch, bolt_request)
        return await to_aiohttp_response(answer)

    # ── outbound ───────────────────────────────────────────────────────────
    def reach(self, now: datetime) -> None:
        """Link users nobody reaches yet to their Slack account, found by their email."""
        for email in self.desk.unreached():
            missed = self._not_found.get(email)
            if missed is not None and now - missed < LOOK_AGAIN:
                continue
            try:
                user_id = self.channel.find(email)
            except ChatError as error:  # Slack is down: the next pass tries again
                log.warning("cannot look people up in Slack now: %s", error)
                return
            if user_id is None:
                self._not_found[email] = now
                continue
            self.desk.link(PLATFORM, user_id, user_id, email, now)
            log.info("%s is %s in Slack", email, user_id)


def _stop(socket: SocketModeHandler | None, *pools: ThreadPoolExecutor) -> None:
    """Take no more requests, then let the work already started finish (acks first)."""
    if socket is not None:
        socket.close()  # type: ignore[no-untyped-call]  # slack_bolt leaves it untyped
    for pool in pools:
        pool.shutdown(wait=True)
