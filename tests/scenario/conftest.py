"""The demo world (two employees, realistic Maildirs) behind the real CLI, on each engine."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from bot import demo_world
from tests.cli import Cli

LAN, DAVID = demo_world.LAN[1], demo_world.DAVID[1]


@dataclass
class World(Cli):
    root: Path
    boxes: dict[str, Path]

    def chat(self, email: str, text: str, now: str = "2026-11-30T08:10") -> dict[str, Any]:
        result: dict[str, Any] = self.json("chat", email, text, now=now)
        return result

    def thread(self, email: str, subject: str) -> dict[str, Any]:
        threads = self.json("threads", email, "--all")
        return next(t for t in threads if subject in t["subject"])

    def sent(self, email: str) -> list[EmailMessage]:
        """Every message in the user's .Sent folder, oldest first."""
        folder = self.boxes[email] / ".Sent" / "cur"
        files = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns)
        return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]  # type: ignore[misc]

    def bot_sent(self, email: str) -> list[EmailMessage]:
        return [m for m in self.sent(email) if m["X-Replyminder"]]


@pytest.fixture
def world(
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[World]:
    """Both employees registered, nothing synced yet (the clock is Monday 30 Nov 2026)."""
    boxes = demo_world.build(tmp_path / "mail")
    monkeypatch.setenv("REPLYMINDER_DATABASE_URL", database_url)
    monkeypatch.setenv("REPLYMINDER_INTERNAL_DOMAINS", demo_world.DOMAIN)
    monkeypatch.setenv("REPLYMINDER_ROUTING_FILE", str(tmp_path / "mail" / "routing.yaml"))
    monkeypatch.setenv("REPLYMINDER_LOG_LEVEL", "WARNING")
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    w = World(capsys=capsys, root=tmp_path, boxes=boxes)
    for (name, email), locale in ((demo_world.LAN, "vi"), (demo_world.DAVID, "en")):
        code, _, err = w.run(
            "user",
            "add",
            email,
            "--name",
            name,
            "--locale",
            locale,
            "--maildir",
            str(boxes[email]),
            now="2026-11-30T07:55",
        )
        assert 0 == code, err
    return w


@pytest.fixture
def synced(world: World) -> World:
    """The world after the first tick at 08:00."""
    code, _, err = world.run("tick", now="2026-11-30T08:00")
    assert 0 == code, err
    return world


Deliver = Callable[..., None]
