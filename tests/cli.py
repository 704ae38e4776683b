"""The real `replyminder` CLI, run in the test's own process, as scenario tests drive it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest

from bot.cli import main


@dataclass
class Cli:
    capsys: pytest.CaptureFixture[str]
    START: ClassVar[str] = "2026-11-30T08:00"  # the clock when a command names none

    def run(self, *args: str, now: str | None = None) -> tuple[int, str, str]:
        """`replyminder ARGS --now NOW`, in this process; (exit code, stdout, stderr)."""
        self.capsys.readouterr()
        code = main([*args, "--now", now or self.START])
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *args: str, now: str | None = None) -> str:
        """The output of a command that must succeed."""
        code, out, err = self.run(*args, now=now)
        assert 0 == code, err
        return out

    def json(self, *args: str, now: str | None = None) -> Any:
        return json.loads(self.ok(*args, "--json", now=now))

    def lines(self, *args: str, now: str | None = None) -> list[dict[str, Any]]:
        """A command's JSON lines (one object per line, as `tick --json` prints)."""
        out = self.ok(*args, "--json", now=now)
        return [json.loads(line) for line in out.splitlines() if line.strip()]
