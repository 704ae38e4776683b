"""The worker is a loop around tick(now): mail every POLL_MINUTES, reminders every tick."""

from __future__ import annotations

import mailbox
import os
from datetime import datetime, timedelta

from bot import app as composition
from bot import demo_world, worker
from bot.core.clock import FixedClock
from bot.settings import load
from tests.scenario.conftest import LAN, World

NOW = datetime.fromisoformat("2026-11-30T08:00:00+07:00")


def test_mail_is_checked_every_poll_minutes_and_reminders_every_tick(world: World) -> None:
    """New mail waits for the mailbox's next turn (5 min); a tick before it reads nothing."""
    app = composition.build(load(os.environ, None), FixedClock(NOW))
    worker.tick(app, NOW)
    box = mailbox.Maildir(world.boxes[LAN], create=False)
    box.add(mailbox.MaildirMessage(demo_world.render(demo_world.Letter(
        demo_world.MINH, (demo_world.LAN,), "Gấp: hợp đồng", "Chị ký giúp em hôm nay nhé?",
        demo_world.local(30, 8, 1), "late@vinaplast.vn"))))  # fmt: skip

    def subjects() -> set[str]:
        return {t["subject"] for t in world.json("threads", LAN, "--all")}

    worker.tick(app, NOW + timedelta(minutes=2))
    assert "Gấp: hợp đồng" not in subjects()
    worker.tick(app, NOW + timedelta(minutes=5))
    assert "Gấp: hợp đồng" in subjects()
