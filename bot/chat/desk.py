"""What a chat adapter (Slack, Teams) asks of the bot: the desk's shape, as adapters see it.

Adapters may not import services (DESIGN.md, "Layers"); the composition root
passes `bot.services.desk.Desk`, which fits these protocols. The emails handed
in are the ones the platform's directory gave for a verified request (Slack's
users.info, the Teams connector's member record), never typed ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from bot.core.cards import Card


class HomePage(Protocol):
    @property
    def locale(self) -> str: ...
    @property
    def digest(self) -> bool: ...
    @property
    def work_hours(self) -> str: ...  # "" when the organisation's hours apply
    @property
    def cards(self) -> Sequence[Card]: ...
    @property
    def total(self) -> int: ...


class DraftText(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def ok(self) -> bool: ...
    @property
    def to(self) -> str: ...


class ForwardChoice(Protocol):
    @property
    def email(self) -> str: ...
    @property
    def label(self) -> str: ...


class Reply(Protocol):
    """The bot's answer to a command (bot.services.turn.Answer)."""

    @property
    def reply(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def thread_id(self) -> int | None: ...
    @property
    def card(self) -> Card | None: ...


class People(Protocol):
    """Who a chat user is: linked once by the email the platform's directory gives."""

    def who(self, platform: str, external_id: str) -> str | None: ...
    def link(
        self, platform: str, external_id: str, key: str, email: str, now: datetime
    ) -> str | None: ...
    def unlink(self, platform: str, external_id: str) -> str | None: ...
    def used(self, email: str, platform: str) -> None: ...
    def locale(self, email: str) -> str: ...
    def unreached(self) -> Sequence[str]: ...


class Talk(People, Protocol):
    """A command typed or clicked in chat, answered (all any chat platform needs)."""

    def act(
        self,
        email: str,
        text: str,
        platform: str,
        now: datetime,
        button_thread: int | None = None,
    ) -> Reply: ...


class Desk(Talk, Protocol):
    """Talk, plus what Slack's App Home and forms show: threads, drafts, settings."""

    def home(self, email: str, now: datetime) -> HomePage: ...
    def card(self, email: str, thread_id: int, now: datetime) -> Card | None: ...
    def set_preferences(
        self,
        email: str,
        *,
        locale: str | None = None,
        digest: bool | None = None,
        work_hours: str | None = None,
    ) -> None: ...
    def hold_draft(self, email: str, thread_id: int, day: date, now: datetime) -> DraftText: ...
    def hold(
        self, email: str, thread_id: int, day: date, body: str, platform: str, now: datetime
    ) -> Reply: ...
    def forward_choices(
        self, email: str, thread_id: int, now: datetime
    ) -> Sequence[ForwardChoice]: ...
