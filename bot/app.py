"""The composition root: the only place that builds adapters and wires them to services."""

from __future__ import annotations

import functools
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TextIO

from aiohttp import web

from bot.chat import teams
from bot.chat.console import ConsoleChannel
from bot.chat.slack import Slack, SlackConfig
from bot.core import reminders
from bot.core.calendar import WorkCalendar
from bot.core.clock import Clock
from bot.core.ports import ChatChannel, MailProvider
from bot.core.suggest import Route
from bot.mail.exchange import EwsConfig, ExchangeProvider
from bot.mail.graph import GraphProvider
from bot.mail.graph_auth import GraphAuth, GraphConfig
from bot.mail.graph_client import GraphClient
from bot.mail.maildir import MaildirProvider
from bot.routing import load_routes
from bot.services import ingest, remind
from bot.services.desk import Desk
from bot.services.turn import Acting
from bot.settings import Settings
from bot.store import db

SYNC_LEASE = timedelta(minutes=30)


@dataclass
class App:
    settings: Settings
    clock: Clock
    store: db.Store
    providers: dict[str, MailProvider]
    channels: dict[str, ChatChannel]
    routes: tuple[Route, ...] = ()
    # Each enabled chat platform adds its endpoints to the web server (bot/web.py).
    web_routes: list[Callable[[web.Application], None]] = field(default_factory=list)
    # Before a reminder pass, the default chat platform finds users it can reach by email.
    reach: list[Callable[[datetime], None]] = field(default_factory=list)
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{id(object())}")

    @functools.cached_property
    def policy(self) -> reminders.Policy:
        s = self.settings
        return reminders.Policy(s.sla_hours, s.high_after_hours, s.repeat_hours, s.sla_warning)

    calendars: dict[tuple[str, str | None], WorkCalendar] = field(default_factory=dict)

    def calendar(self, timezone: str, work_hours: str | None = None) -> WorkCalendar:
        """A user's working calendar, built once per zone and hours (holidays are not free)."""
        key = (timezone, work_hours)
        if key not in self.calendars:
            self.calendars[key] = self.settings.calendar(timezone, work_hours)
        return self.calendars[key]

    @property
    def org(self) -> ingest.Org:
        s = self.settings
        return ingest.Org(
            internal_domains=frozenset(s.internal_domains),
            policy=self.policy,
            calendar=self.calendar,
            routes=self.routes,
            lookback=timedelta(days=s.lookback_days),
            workers=s.sync_workers,
            poll=timedelta(minutes=s.poll_minutes),
        )

    @property
    def reminding(self) -> remind.Reminding:
        return remind.Reminding(
            self.policy, self.calendar, self.channels, self.settings.chat, self.acting
        )

    @property
    def acting(self) -> Acting:
        s = self.settings
        return Acting(
            calendar=self.calendar,
            policy=self.policy,
            providers=self.providers,
            routes=self.routes,
            internal_domains=frozenset(s.internal_domains),
            templates_dir=s.templates_dir,
        )

    def sync(
        self,
        now: datetime,
        *,
        due_only: bool = False,
        progress: ingest.Progress | None = None,
    ) -> list[ingest.Report]:
        return ingest.sync_all(
            self.store,
            self.providers,
            self.org,
            now,
            self.owner,
            SYNC_LEASE,
            due_only=due_only,
            progress=progress,
        )

    def remind(self, now: datetime) -> list[remind.Delivery]:
        for find_people in self.reach:
            find_people(now)
        return remind.remind(self.store, self.reminding, now)


def build(
    settings: Settings,
    clock: Clock,
    echo: TextIO | None = None,
    extra_channels: Callable[[], dict[str, ChatChannel]] | None = None,
) -> App:
    """Every adapter the settings ask for, around one database (migrated on start)."""
    store = db.connect(settings.database_url)
    db.upgrade(store)
    channels: dict[str, ChatChannel] = {"console": ConsoleChannel(echo=echo)}
    if extra_channels is not None:
        channels.update(extra_channels())
    providers: dict[str, MailProvider] = {"maildir": MaildirProvider(clock)}
    if settings.graph_client_id:
        providers["graph"] = _graph(settings)
    if settings.ews_url or settings.ews_autodiscover:
        providers["exchange"] = _exchange(settings)
    app = App(settings, clock, store, providers, channels, load_routes(settings.routing_file))
    _add_teams(app)
    if settings.slack_bot_token:
        _add_slack(app)
    return app


def _add_slack(app: App) -> None:
    """Slack DMs; events at POST /slack/events, or Socket Mode with an app token."""
    s = app.settings
    config = SlackConfig(
        s.slack_bot_token, s.slack_signing_secret, s.slack_app_token, s.slack_api_url, s.locale
    )
    slack = Slack(config, Desk(app.store, app.acting), app.clock)
    app.channels["slack"] = slack.channel
    app.web_routes.append(slack.attach)
    if s.chat == "slack":  # the default: users never seen in Slack are looked up by email
        app.reach.append(slack.reach)


def _add_teams(app: App) -> None:
    """Teams when configured (an app id, or dev mode); else /api/messages answers 401."""
    s = app.settings
    config = teams.TeamsConfig(
        s.teams_app_id, s.teams_app_password, s.teams_tenant_id, s.teams_dev_mode
    )
    if not config.configured:
        app.web_routes.append(teams.unconfigured())
        return
    app.channels["teams"], attach = teams.connect(
        config, Desk(app.store, app.acting), app.clock.now
    )
    app.web_routes.append(attach)


def _exchange(s: Settings) -> ExchangeProvider:
    """Exchange Server through EWS: one service account, one HTTP session per sync worker."""
    return ExchangeProvider(
        EwsConfig(
            url=s.ews_url,
            auth=s.ews_auth,
            username=s.ews_username,
            password=s.ews_password,
            access=s.ews_access,
            client_id=s.ews_client_id,
            client_secret=s.ews_client_secret,
            tenant_id=s.ews_tenant_id,
            authority=s.ews_authority,
            ca_bundle=s.ews_ca_bundle,
            max_wait=s.ews_max_wait,
            connections=s.sync_workers,
        )
    )


def _graph(s: Settings) -> GraphProvider:
    """Exchange Online through Graph; nothing goes over the network until the first sync."""
    config = GraphConfig(
        s.graph_tenant_id,
        s.graph_client_id,
        s.graph_client_secret,
        s.graph_url,
        s.graph_authority,
        s.graph_ca_bundle,
    )
    return GraphProvider(GraphClient(config, GraphAuth(config).token))
