"""The composition root: the only place that builds adapters and wires them to services."""

from __future__ import annotations

import functools
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TextIO

from aiohttp import web

from bot.chat.console import ConsoleChannel
from bot.core import reminders
from bot.core.calendar import WorkCalendar
from bot.core.clock import Clock
from bot.core.ports import ChatChannel, MailProvider
from bot.core.suggest import Route
from bot.mail.maildir import MaildirProvider
from bot.routing import load_routes
from bot.services import ingest, remind
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
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{id(object())}")

    @functools.cached_property
    def policy(self) -> reminders.Policy:
        s = self.settings
        return reminders.Policy(s.sla_hours, s.high_after_hours, s.repeat_hours, s.sla_warning)

    calendars: dict[str, WorkCalendar] = field(default_factory=dict)

    def calendar(self, timezone: str) -> WorkCalendar:
        """The working calendar of a time zone, built once (holiday tables are not free)."""
        if timezone not in self.calendars:
            self.calendars[timezone] = self.settings.calendar(timezone)
        return self.calendars[timezone]

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
        return remind.Reminding(self.policy, self.calendar, self.channels, self.settings.chat)

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
    return App(settings, clock, store, providers, channels, load_routes(settings.routing_file))
