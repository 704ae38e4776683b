"""Socket Mode: the same handlers over Slack's WebSocket, no public URL needed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from tests.slack import payloads
from tests.slack.conftest import U_DAVID, U_LAN, World, build_world
from tests.slack.fake_slack import APP_TOKEN, FakeSlack


@pytest.fixture
def socket_world(sqlite_url: str, tmp_path: Path, fake: FakeSlack) -> Iterator[World]:
    """An app token and no signing secret: Socket Mode only.

    On SQLite alone: the transport is what is tested here, not the database, and
    closing the SDK's socket client takes about a second (its queue's poll timeout).
    """
    options = {"SLACK_APP_TOKEN": APP_TOKEN, "SLACK_SIGNING_SECRET": ""}
    world = build_world(sqlite_url, tmp_path, fake, **options)
    world.serve()
    fake.wait("socket.connected")
    yield world
    world.settle()
    world.app.store.engine.dispose()


def test_a_slash_command_over_the_socket_is_acked_and_answered(socket_world: World) -> None:
    """A slash command envelope: acked on the socket by id, answered on its response URL."""
    fake = socket_world.fake
    command = dict(parse_qsl(payloads.slash(U_DAVID, "list", fake.response_url("socket"))))
    fake.push(
        {
            "envelope_id": "57d6a792-4d35-4d0f-b8d6-0fd4c5f6e1f1",
            "type": "slash_commands",
            "payload": command,
            "accepts_response_payload": True,
        }
    )
    ack = fake.wait("socket.ack")[-1]
    assert "57d6a792-4d35-4d0f-b8d6-0fd4c5f6e1f1" == ack["envelope_id"]
    answer = fake.wait("response_url")[-1]
    assert "Your open emails" in answer["text"]
    assert [APP_TOKEN] == [c.token for c in fake.calls if c.method == "apps.connections.open"]


def test_a_dm_over_the_socket_is_answered_in_the_dm(socket_world: World) -> None:
    """An events_api envelope with a DM: acked, and the answer posted in Lan's DM."""
    fake = socket_world.fake
    event = payloads.dm(U_LAN, "giúp")
    fake.push(
        {
            "envelope_id": "e-dm-1",
            "type": "events_api",
            "payload": event,
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
        }
    )
    assert "e-dm-1" == fake.wait("socket.ack")[-1]["envelope_id"]
    answer = fake.wait("chat.postMessage")[-1]
    assert ("D" + U_LAN[1:], True) == (answer["channel"], "hoãn [#ref] KHI NÀO" in answer["text"])


def test_without_a_signing_secret_there_is_no_http_endpoint(socket_world: World) -> None:
    """Socket Mode alone: POST /slack/events does not exist, so nothing can be forged there."""
    assert socket_world.server is not None
    response = socket_world.server.post("/slack/events", "{}", {"Content-Type": "application/json"})
    assert 404 == response.status_code
