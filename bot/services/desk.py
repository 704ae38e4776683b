"""The chat desk: everything a chat adapter asks of the bot, as one object.

Chat adapters (bot/chat/) sit below the services and may not import them
(DESIGN.md, "Layers"), so the composition root hands each adapter this desk.
Every method is one use case and takes the user's email as the platform proved
it (a verified Slack request, then Slack's own directory), never as typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from bot.core.cards import Card
from bot.services import act, drafts, home, identity
from bot.services.turn import Acting, Answer
from bot.store.db import Store
from bot.store.models import ChatIdentity, User


@dataclass(frozen=True)
class Desk:
    store: Store
    acting: Acting

    # ── who is who ──────────────────────────────────────────────────────────
    def who(self, platform: str, external_id: str) -> str | None:
        return identity.who(self.store, platform, external_id)

    def link(
        self, platform: str, external_id: str, key: str, email: str, now: datetime
    ) -> str | None:
        return identity.link(self.store, platform, external_id, key, email, now)

    def unlink(self, platform: str, external_id: str) -> str | None:
        return identity.unlink(self.store, platform, external_id)

    def used(self, email: str, platform: str) -> None:
        identity.used(self.store, email, platform)

    def locale(self, email: str) -> str:
        return identity.locale_of(self.store, email)

    def unreached(self) -> Sequence[str]:
        """Users no chat platform knows yet: their reminders would only reach the console."""
        linked = select(ChatIdentity.user_id)
        with self.store.unit() as session:
            return list(session.scalars(select(User.email).where(User.id.not_in(linked))))

    # ── what they ask ───────────────────────────────────────────────────────
    def act(
        self,
        email: str,
        text: str,
        platform: str,
        now: datetime,
        button_thread: int | None = None,
    ) -> Answer:
        return act.act(self.store, self.acting, email, text, platform, now, button_thread)

    def home(self, email: str, now: datetime) -> home.Home:
        return home.home(self.store, self.acting, email, now)

    def card(self, email: str, thread_id: int, now: datetime) -> Card | None:
        return home.thread_card(self.store, self.acting, email, thread_id, now)

    def set_preferences(
        self,
        email: str,
        *,
        locale: str | None = None,
        digest: bool | None = None,
        work_hours: str | None = None,
    ) -> None:
        home.set_preferences(self.store, email, locale=locale, digest=digest, work_hours=work_hours)

    def hold_draft(self, email: str, thread_id: int, day: date, now: datetime) -> drafts.Draft:
        return drafts.hold_draft(self.store, self.acting, email, thread_id, day, now)

    def hold(
        self, email: str, thread_id: int, day: date, body: str, platform: str, now: datetime
    ) -> Answer:
        return drafts.hold(self.store, self.acting, email, thread_id, day, body, platform, now)

    def forward_choices(
        self, email: str, thread_id: int, now: datetime
    ) -> tuple[drafts.Choice, ...]:
        return drafts.forward_choices(self.store, self.acting, email, thread_id, now)
