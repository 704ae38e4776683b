"""The real CLI over Exchange Online mailboxes held by the fake Graph (for the scenario tests)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.cli import Cli
from tests.graph.conftest import CLIENT, NOW, SECRET, TENANT
from tests.graph.fake_graph import FakeGraph
from tests.graph.fake_mailbox import Box, Message, received_message
from tests.graph.fake_server import TlsFiles

HUONG = ("Nguyễn Thu Hương", "huong@congty.vn")
BAO = ("Đỗ Quốc Bảo", "bao@congty.vn")
MINH = ("Trần Minh", "minh@doitac.vn")
AT = "2026-03-20T09:00"  # NOW in Hanoi: Friday morning


@dataclass
class GraphWorld(Cli):
    graph: FakeGraph
    START: ClassVar[str] = AT

    def threads(self, email: str = HUONG[1]) -> list[dict[str, Any]]:
        shown: list[dict[str, Any]] = json.loads(self.ok("threads", email, "--all", "--json"))
        return shown

    def thread(self, subject: str, email: str = HUONG[1]) -> dict[str, Any]:
        return next(t for t in self.threads(email) if t["subject"] == subject)

    def chat(self, text: str, email: str = HUONG[1], now: str = AT) -> dict[str, Any]:
        answer: dict[str, Any] = json.loads(self.ok("chat", email, text, "--json", now=now))
        return answer

    def mail(self, box: Box, subject: str, hours_ago: float = 2, **extra: Any) -> Message:
        """Minh writes to the mailbox owner."""
        received = NOW - timedelta(hours=hours_ago)
        return received_message(
            box,
            sender=MINH,
            subject=subject,
            text=f"Chào anh/chị,\n{subject}: nhờ anh/chị phản hồi giúp em.\nTrân trọng,\nMinh",
            received=received,
            **extra,
        )


def graph_world(
    graph: FakeGraph,
    tls_files: TlsFiles,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[GraphWorld]:
    environ = {
        "DATABASE_URL": database_url,
        "INTERNAL_DOMAINS": "congty.vn",
        "LOG_LEVEL": "WARNING",
        "GRAPH_TENANT_ID": TENANT,
        "GRAPH_CLIENT_ID": CLIENT,
        "GRAPH_CLIENT_SECRET": SECRET,
        "GRAPH_URL": graph.base,
        "GRAPH_AUTHORITY": graph.tokens.base,
        "GRAPH_CA_BUNDLE": str(tls_files.ca_bundle),
    }
    for name, value in environ.items():
        monkeypatch.setenv("REPLYMINDER_" + name, value)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    yield GraphWorld(capsys=capsys, graph=graph)
