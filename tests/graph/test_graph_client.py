"""The Graph client against the fake: throttling, the per-mailbox limit, errors in one line."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.core.mail import Folder
from bot.core.ports import Mailbox, MailboxUnavailable, MailError
from bot.mail.graph import GraphProvider
from bot.mail.graph_client import MAX_CONCURRENT, GraphClient
from tests.graph.conftest import NOW, SINCE, config_for
from tests.graph.fake_graph import READ, FakeGraph
from tests.graph.fake_mailbox import received_message
from tests.graph.fake_server import TlsFiles

HUONG = Mailbox("huong@congty.vn", "graph", "huong@congty.vn")


@pytest.fixture
def filled(graph: FakeGraph) -> FakeGraph:
    box = graph.add_mailbox(HUONG.locator, "Hương")
    for number in range(3):
        received_message(
            box,
            sender=("Minh", "minh@doitac.vn"),
            subject=f"Hỏi {number}",
            text="Chào chị",
            received=NOW - timedelta(hours=number + 1),
        )
    return graph


def inbox(provider: GraphProvider) -> list[str]:
    return sorted(
        m.subject for page in provider.sync(HUONG, Folder.INBOX, None, SINCE) for m in page.mails
    )


@pytest.mark.parametrize("status", [429, 503])
def test_throttled_request_waits_retry_after(
    filled: FakeGraph, provider: GraphProvider, sleeps: list[float], status: int
) -> None:
    """429 and 503 with Retry-After: the client waits as told, then the pass completes."""
    filled.fail(status, times=2, retry_after="3", path="/delta")
    assert ["Hỏi 0", "Hỏi 1", "Hỏi 2"] == inbox(provider)
    assert [3.0, 3.0] == sleeps


def test_without_retry_after_the_waits_grow(
    filled: FakeGraph, provider: GraphProvider, sleeps: list[float]
) -> None:
    """A 503 without Retry-After is retried after 1, 2, 4 seconds."""
    filled.fail(503, times=3, path="/delta")
    assert 3 == len(inbox(provider))
    assert [1.0, 2.0, 4.0] == sleeps


def test_a_long_wait_is_left_to_the_next_pass(
    filled: FakeGraph, provider: GraphProvider, sleeps: list[float]
) -> None:
    """Retry-After beyond the cap: no waiting, the mailbox reports throttling in one line."""
    filled.fail(429, times=1, retry_after="300", path="/delta")
    with pytest.raises(MailError) as raised:
        inbox(provider)
    expected = (
        "Graph is throttling huong@congty.vn (429 ApplicationThrottled: Scripted failure of "
        "the fake "
        "Graph.); the next pass tries again"
    )
    assert (expected, []) == (str(raised.value), sleeps)


def test_endless_throttling_gives_up(
    filled: FakeGraph, provider: GraphProvider, sleeps: list[float]
) -> None:
    """After five attempts the pass stops for this mailbox instead of waiting forever."""
    filled.fail(429, times=99, retry_after="1")
    with pytest.raises(MailError):
        inbox(provider)
    assert [1.0, 1.0, 1.0, 1.0] == sleeps


def test_at_most_four_requests_in_flight_per_mailbox(
    filled: FakeGraph, provider: GraphProvider, sleeps: list[float]
) -> None:
    """Twelve threads on one mailbox: never over four at once, so never MailboxConcurrency."""
    filled.latency = 0.05
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(lambda _: inbox(provider), range(12)))
    assert [["Hỏi 0", "Hỏi 1", "Hỏi 2"]] * 12 == results
    assert (MAX_CONCURRENT, []) == (filled.boxes[HUONG.locator].most_in_flight, sleeps)


def test_missing_read_permission_names_it(filled: FakeGraph, provider: GraphProvider) -> None:
    """403 without Mail.ReadWrite: the mailbox is unavailable, and the line says what to grant."""
    filled.roles.discard(READ)
    with pytest.raises(MailboxUnavailable) as raised:
        inbox(provider)
    expected = (
        "Graph denied access to huong@congty.vn (403 ErrorAccessDenied: Access is denied. Check "
        "credentials and try again.): the app needs the application permission Mail.ReadWrite with "
        "admin consent, and an application access policy that includes this mailbox"
    )
    assert expected == str(raised.value)


def test_application_access_policy_refusal_names_the_policy(
    filled: FakeGraph, provider: GraphProvider
) -> None:
    """A mailbox outside the app's access policy: Exchange's RAOP message, and the hint."""
    filled.policy = {"someone.else@congty.vn"}
    with pytest.raises(MailboxUnavailable) as raised:
        inbox(provider)
    assert "Blocked by tenant configured AppOnly AccessPolicy settings" in str(raised.value)
    assert str(raised.value).endswith("an application access policy that includes this mailbox")


def test_revoked_token_is_one_line(filled: FakeGraph, tls_files: TlsFiles) -> None:
    """Graph refusing a token (401) ends the pass with a pointer to the settings."""
    client = GraphClient(config_for(filled, tls_files), lambda: "eyJ0eXAi.revoked")
    with pytest.raises(MailboxUnavailable) as raised:
        inbox(GraphProvider(client))
    expected = (
        "Graph refused the app's token for huong@congty.vn "
        "(401 InvalidAuthenticationToken: Access token "
        "has expired or is not yet valid.): check REPLYMINDER_GRAPH_TENANT_ID and that the app has "
        "application permissions"
    )
    assert expected == str(raised.value)


def test_unreachable_graph_is_one_line(filled: FakeGraph, tls_files: TlsFiles) -> None:
    """Nothing listening at GRAPH_URL: the mailbox is unavailable, the cause in one line."""
    config = replace(config_for(filled, tls_files), url="https://127.0.0.1:1/v1.0")
    with pytest.raises(MailboxUnavailable) as raised:
        inbox(GraphProvider(GraphClient(config, lambda: "eyJ0eXAi.token")))
    assert "cannot reach Graph at 127.0.0.1:1 (ConnectError)" == str(raised.value)
