"""A user's own working hours: deadlines, reminders and digests follow them."""

from __future__ import annotations

from pathlib import Path

from bot import demo_world
from tests.scenario.conftest import World


def test_own_working_hours_move_the_deadline(world: World, tmp_path: Path) -> None:
    """Round-the-clock hours: Minh's 07:40 mail is due 24 clock hours later, not Wednesday."""
    box = demo_world.write_maildir(tmp_path / "late", demo_world.LAN_INBOX[:1], ())
    code, _, err = world.run(
        "user",
        "add",
        "oncall@saomai.vn",
        "--name",
        "Trực Ca",
        "--work-hours",
        "00:00-24:00",
        "--maildir",
        str(box),
        now="2026-11-30T07:55",
    )
    assert 0 == code, err
    world.run("tick", now="2026-11-30T08:00")
    [minh] = world.json("threads", "oncall@saomai.vn")
    assert "2026-12-01T07:40:00+07:00" == minh["due_at"]
