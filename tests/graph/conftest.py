"""Fixtures of the Graph tests: the fake token endpoint and fake Graph on one TLS loopback
server (torn down after each test), and a provider wired to them as `bot/app.py` wires it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.mail.graph import GraphProvider
from bot.mail.graph_auth import GraphAuth, GraphConfig
from bot.mail.graph_client import GraphClient
from tests.graph.fake_graph import FakeGraph
from tests.graph.fake_server import TlsFiles, serve, tls
from tests.graph.fake_tokens import FakeTokens

TENANT = "3f1c2b7a-8d4e-4c55-9a61-0b2c3d4e5f60"
CLIENT = "6a1b8e2f-0c3d-4e5f-8a9b-1c2d3e4f5a6b"
SECRET = "Xy8Q~fake.secret-value_0123456789abcdef"
NOW = datetime(2026, 3, 20, 2, 0, tzinfo=UTC)  # Friday 09:00 in Hanoi
SINCE = datetime(2026, 3, 6, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def graph(tls_files: TlsFiles) -> Iterator[FakeGraph]:
    """A running fake Graph (and token endpoint) with no mailboxes yet."""
    fake = FakeGraph(FakeTokens(TENANT, CLIENT, SECRET), at=NOW)
    with serve(tls_files, fake.answer) as base:
        fake.base, fake.tokens.base, fake.tokens.resource = f"{base}/v1.0", base, base
        yield fake


def config_for(graph: FakeGraph, tls_files: TlsFiles, secret: str = SECRET) -> GraphConfig:
    return GraphConfig(TENANT, CLIENT, secret, graph.base, graph.tokens.base, tls_files.ca_bundle)


@pytest.fixture
def sleeps() -> list[float]:
    """Where the client's waits go instead of time.sleep: tests never wait for time."""
    return []


@pytest.fixture
def provider(graph: FakeGraph, tls_files: TlsFiles, sleeps: list[float]) -> GraphProvider:
    config = config_for(graph, tls_files)
    return GraphProvider(GraphClient(config, GraphAuth(config).token, sleep=sleeps.append))
