"""The worker is a loop around tick(now): mail every POLL_MINUTES, reminders every tick."""

from __future__ import annotations

import mailbox
import os
import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot import app as composition
from bot import demo_world, worker
from bot.core.clock import FixedClock
from bot.services import remind
from bot.services.ingest import Report
from bot.settings import load
from bot.store.models import MailboxRow, OutboxRow
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


def test_a_ticks_reminders_are_planned_as_of_the_end_of_its_sync(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync that takes six minutes: the reminders after it are planned, leased and
    stamped as of its end, not of the tick's start (their lease would have run out)."""
    clock = FixedClock(NOW)
    app = composition.build(load(os.environ, None), clock)
    sync = app.sync

    def slow_sync(*args: Any, **kwargs: Any) -> list[Report]:
        reports = sync(*args, **kwargs)
        clock.at += timedelta(minutes=6)
        return reports

    monkeypatch.setattr(app, "sync", slow_sync)
    worker.tick(app, NOW)
    with app.store.unit() as session:
        stamps = set(session.scalars(select(OutboxRow.sent_at).where(OutboxRow.kind == "dm")))
    assert {NOW + timedelta(minutes=6)} == stamps


def test_a_sync_that_fails_outright_still_lets_the_due_reminders_out(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mail side breaks in a way no mailbox report covers: the reminders already due
    are sent all the same (before, the whole tick was given up)."""
    world.ok("sync", now="2026-11-30T07:59")
    app = composition.build(load(os.environ, None), FixedClock(NOW))

    def broken(*args: Any, **kwargs: Any) -> list[Report]:
        raise RuntimeError("the mail side is broken")

    monkeypatch.setattr(app, "sync", broken)
    worker.tick(app, NOW)
    with app.store.unit() as session:
        sent = session.scalars(select(OutboxRow.kind).where(OutboxRow.status == "sent")).all()
    assert ["dm"] * 5 == sent  # three reminders, two digests (sent as DMs)


def test_a_stop_during_a_sync_hands_the_mailboxes_back(world: World) -> None:
    """SIGTERM or Ctrl-C while a first sync runs: it ends after its current page and hands
    its mailboxes back, so the restarted service syncs them at once (the worker thread
    was dropped mid-sync, every lease held for half an hour, and nothing said so)."""
    app = composition.build(load(os.environ, None), FixedClock(NOW))
    stop = threading.Event()
    stop.set()  # as the signal handler does
    with pytest.raises(worker.Stopping):
        worker.tick(app, NOW, stop)
    restarted = composition.build(load(os.environ, None), FixedClock(NOW))
    worker.tick(restarted, NOW)  # not "another process is syncing it": synced now
    assert [t for t in world.json("threads", LAN) if t["subject"].startswith("KHẨN")]
    stop.set()
    worker.keep_ticking(app, stop)  # a stopped loop returns at once


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_stop_hands_back_the_mailboxes_not_begun_too(
    world: World, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    """Mailboxes claimed but not begun when the stop came (one at a time: the next in
    line; in threads: those still queued) were left leased for half an hour."""
    monkeypatch.setenv("REPLYMINDER_SYNC_WORKERS", workers)
    app = composition.build(load(os.environ, None), FixedClock(NOW))
    stop = threading.Event()
    stop.set()
    with pytest.raises(worker.Stopping):
        worker.tick(app, NOW, stop)
    with app.store.unit() as session:
        assert [None, None] == list(session.scalars(select(MailboxRow.lease_owner)))


def test_two_workers_reminding_at_once_send_each_reminder_once(world: World) -> None:
    """Worker A has planned a round (its reminders leased to it, not sent yet) when worker
    B runs a whole pass: B sends what waits unclaimed (the digests), A then its own
    reminders; nothing is sent twice, nothing is lost."""
    world.ok("sync")
    a, b = (composition.build(load(os.environ, None), FixedClock(NOW)) for _ in range(2))
    rounds = remind.plan(a.store, a.reminding, NOW)
    planned = next(rounds)
    by_b = b.remind(NOW)
    by_a = remind.send_ready(a.store, planned, NOW)
    by_a += [one for ready in rounds for one in remind.send_ready(a.store, ready, NOW)]
    by_a += remind.deliver(a.store, a.reminding, NOW)
    sent = [(d.user, d.kind, d.thread_ids) for d in [*by_a, *by_b]]
    assert planned and len(sent) == len(set(sent))
    assert {"digest"} == {d.kind for d in by_b}
    assert {d.delivery.thread_ids for d in planned} == {
        d.thread_ids for d in by_a if d.kind != "digest"
    }
    assert [] == world.lines("remind")  # and nothing is left over for a later pass
