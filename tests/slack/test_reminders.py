"""Reminders out through Slack: people found by email once, DMs with buttons, retries."""

from __future__ import annotations

from pathlib import Path

from bot.store import outbox
from bot.store.models import ChatIdentity, OutboxRow
from tests.slack import payloads
from tests.slack.conftest import (
    DAVID,
    LAN,
    U_DAVID,
    U_LAN,
    World,
    actions_of,
    blocks_text,
    build_world,
)
from tests.slack.fake_slack import FakeSlack


def test_a_reminder_is_a_dm_with_the_cards_buttons(world: World) -> None:
    """The real reminder pass: Lan is found by email, and Minh's mail comes as a DM with buttons."""
    posted = world.remind()
    minh = next(m for m in posted if "PO-2311" in blocks_text(m["blocks"]))
    assert "D" + U_LAN[1:] == minh["channel"]
    assert [{"users": U_LAN}] == [
        c for c in world.fake.called("conversations.open") if c["users"] == U_LAN
    ]
    text = blocks_text(minh["blocks"])
    assert "Phạm Minh đang chờ bạn trả lời" in text
    assert "⏰ hạn 17:00 T4 02/12" in text
    assert "Chưa trả lời được? Báo Minh" in text
    thread = world.thread(LAN, "PO-2311")
    assert ["rm_snooze", "rm_hold", "rm_forward", "rm_cmd:3"] == actions_of(minh["blocks"])
    assert f"rm:{thread.id}" == next(
        b["block_id"] for b in minh["blocks"] if b["type"] == "actions"
    )


def test_people_are_looked_up_once_and_linked(world: World) -> None:
    """users.lookupByEmail runs once per person; later passes use the stored link."""
    world.remind()
    world.remind(world.clock.now().replace(hour=9))
    looked_up = sorted(c["email"] for c in world.fake.called("users.lookupByEmail"))
    assert [DAVID, LAN] == looked_up
    with world.app.store.session() as session:
        linked = {(i.external_id, i.key) for i in session.query(ChatIdentity)}
    assert {(U_LAN, U_LAN), (U_DAVID, U_DAVID)} == linked


def test_the_morning_digest_is_one_message(world: World) -> None:
    """David's digest: one DM listing what waits, with the risky mail below."""
    posted = [m for m in world.remind() if m["channel"] == "D" + U_DAVID[1:]]
    digests = [m for m in posted if "Good morning" in blocks_text(m["blocks"])]
    assert 1 == len(digests)
    text = blocks_text(digests[0]["blocks"])
    assert "Sarah Chen" in text and "Nguyễn Thảo" in text and "Outstanding invoice" in text


def test_a_phishing_card_offers_only_to_close_it(world: World) -> None:
    """The fake Vietcombank mail: a warning in plain words and one button, no nudge to reply."""
    posted = world.remind()
    bank = next(m for m in posted if "Vietcombank" in blocks_text(m["blocks"]))
    assert ["rm_cmd:0"] == actions_of(bank["blocks"])
    assert "đừng bấm vào" in blocks_text(bank["blocks"])


def test_429_is_waited_out_and_the_dm_goes_once(world: World) -> None:
    """Slack says 429 with Retry-After: the SDK waits and retries; one message, sent once."""
    world.fake.fail("chat.postMessage", status=429, retry_after=0)
    posted = world.remind()
    attempts = world.fake.called("chat.postMessage", ok_only=False)
    assert len(posted) + 1 == len(attempts)
    assert 1 == sum("PO-2311" in blocks_text(m["blocks"]) for m in posted)


def test_a_failed_dm_is_retried_by_the_next_pass_and_delivered_once(world: World) -> None:
    """An error from Slack leaves the outbox row pending; the next pass delivers it, once."""
    world.fake.fail("chat.postMessage", status=200, error="fatal_error")
    first = world.remind()
    with world.app.store.session() as session:
        waiting = [r for r in session.query(OutboxRow) if r.status == outbox.PENDING]
    assert 1 == len(waiting) and "fatal_error" in (waiting[0].error or "")
    second = world.remind(world.clock.now().replace(minute=5))
    assert 1 == len(second)
    third = world.remind(world.clock.now().replace(minute=10))
    assert [] == third
    assert len(first) + 1 == len({m["ts"] for m in first + second})


def test_with_another_default_a_user_who_wrote_from_slack_is_reminded_there(
    database_url: str, tmp_path: Path, fake: FakeSlack
) -> None:
    """REPLYMINDER_CHAT=console: nobody is looked up, but once Lan writes from Slack
    (linked through users.info), her reminders come to Slack; David's stay on the console."""
    world = build_world(database_url, tmp_path, fake, CHAT="console")
    try:
        world.serve()
        world.event(payloads.dm(U_LAN, "giúp"))
        world.settle()
        deliveries = world.app.remind(world.clock.now())
    finally:
        world.app.store.engine.dispose()
    channels = {(d.user, d.channel) for d in deliveries}
    assert {(LAN, "slack"), (DAVID, "console")} == channels
    assert [] == fake.called("users.lookupByEmail")
    assert [U_LAN] == [c["user"] for c in fake.called("users.info")]
