"""Where reminders go: the user's platform, else the organisation's, never a silent console."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select

from bot import app as composition
from bot.core.clock import FixedClock
from bot.services import remind
from bot.settings import load
from bot.store.models import OutboxRow
from tests.scenario.conftest import World

NOW = datetime.fromisoformat("2026-11-30T08:00:00+07:00")


def test_a_user_the_org_platform_cannot_reach_keeps_the_dm_waiting(synced: World) -> None:
    """CHAT=slack but the user is not linked: nothing is "sent" to the console; it waits."""
    app = composition.build(load(os.environ, None), FixedClock(NOW))
    setup = replace(app.reminding, default_platform="slack")
    with app.store.unit() as session:
        for row in session.scalars(select(OutboxRow)):
            row.status, row.attempts = "pending", 0  # the first tick's DMs, once more
    assert [] == remind.remind(app.store, setup, NOW)
    with app.store.unit() as session:
        rows = session.scalars(select(OutboxRow)).all()
        assert rows and all(r.status == "pending" and r.attempts == 1 for r in rows)
        assert "not reachable on slack yet" in (rows[0].error or "")


def test_a_reminder_card_carries_the_holding_reply_it_proposes(world: World) -> None:
    """The card's preview is the very holding reply `hold` would send for the proposed day."""
    app = composition.build(load(os.environ, None), FixedClock(NOW))
    app.sync(NOW)
    deliveries = remind.remind(app.store, app.reminding, NOW)
    minh = next(d.card for d in deliveries if d.card.subject.startswith("KHẨN"))
    assert minh.preview.startswith("Kính gửi anh/chị Minh,")
    assert "thứ Ba, 01/12/2026" in minh.preview and minh.preview.rstrip().endswith("Trần Thị Lan")
    phishing = next(d.card for d in deliveries if "khóa" in d.card.subject)
    assert "" == phishing.preview
