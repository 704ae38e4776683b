"""When things go wrong in a Teams turn, and real recorded payloads from Teams."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from aiohttp import web

from bot.chat import teams
from bot.chat.desk import Reply
from tests.conftest import corpus
from tests.teams.activities import executed, typed
from tests.teams.conftest import LAN, MONDAY, World
from tests.teams.fake_connector import FakeConnector, LoopThread, serve
from tests.teams.helpers import said

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")


class BrokenDesk:
    """A desk whose every command fails, as when the database is locked; Lan is linked."""

    def who(self, platform: str, external_id: str) -> str | None:
        return LAN.email

    def link(self, platform: str, external: str, key: str, email: str, now: datetime) -> str:
        return email

    def used(self, email: str, platform: str) -> None:
        pass

    def locale(self, email: str) -> str:
        return "vi"

    def unreached(self) -> list[str]:
        return []

    def act(
        self, email: str, text: str, platform: str, now: datetime, button_thread: int | None = None
    ) -> Reply:
        raise RuntimeError("database is locked")


@pytest.fixture
def broken(loop: LoopThread, connector: FakeConnector) -> Iterator[str]:
    """A Teams endpoint whose `act` fails: the URL of its /api/messages."""
    desk = BrokenDesk()
    _, attach = teams.connect(teams.TeamsConfig(dev_mode=True), desk, lambda: MONDAY)
    server = web.Application()
    attach(server)
    runner, port = loop.run(serve(server))
    yield f"http://127.0.0.1:{port}{teams.ROUTE}"
    loop.run(runner.cleanup())


APOLOGY = (
    "Xin lỗi, hệ thống của tôi gặp sự cố nên chưa có gì thay đổi. "
    "Bạn vui lòng thử lại sau vài phút."
)


def test_a_failing_turn_gets_a_polite_answer_in_the_users_language(
    broken: str, connector: FakeConnector
) -> None:
    """Not the SDK's "Exception caught : …": an apology in Vietnamese for Lan."""
    response = httpx.post(broken, json=typed(LAN, connector.service_url, "danh sách"))
    replies = [said(call) for call in connector.of("reply")]
    assert (202, [APOLOGY]) == (response.status_code, replies)


def test_a_failing_card_click_still_gets_its_invoke_response(
    broken: str, connector: FakeConnector
) -> None:
    """An Action.Execute that fails is answered 200 with the apology, as Teams expects."""
    data = {"rm": 1, "command": "done #1", "thread": 1}
    response = httpx.post(broken, json=executed(LAN, connector.service_url, data, "1:msg-1"))
    expected = {"statusCode": 200, "type": "application/vnd.microsoft.activity.message"}
    assert (200, expected | {"value": APOLOGY}) == (response.status_code, response.json())


def replay(name: str, path: str, service_url: str) -> dict[str, Any]:
    """A recorded activity, pointed at the fake connector instead of Microsoft's."""
    activity: dict[str, Any] = json.loads((corpus(name) / path).read_text(encoding="utf-8"))
    return activity | {"serviceUrl": service_url}


@pytest.mark.corpora
def test_a_recorded_personal_message_is_served(world: World) -> None:
    """The Chat SDK's recorded 1:1 message: member look-up, then "not registered" (bilingual)."""
    recorded = json.loads(
        (corpus("chat-webhooks-vercel-chat-replay") / "dm" / "teams.json").read_text("utf-8")
    )["dmMessage"]
    response = world.post(recorded | {"serviceUrl": world.connector.service_url})
    lookup = world.connector.of("member")
    assert (202, [recorded["from"]["id"]]) == (response.status_code, [c.target for c in lookup])
    assert said(world.connector.of("reply")[0]).startswith("Xin lỗi, Teams chưa cho tôi biết")


@pytest.mark.corpora
def test_a_recorded_install_in_personal_scope_is_served(world: World) -> None:
    """Microsoft's documented personal-scope conversationUpdate: the installer is looked up."""
    activity = replay(
        "teams-activity-examples",
        "msteams-docs/subscribe-to-conversation-events__L525__conversationUpdate.json",
        world.connector.service_url,
    )
    response = world.post(activity)
    assert (202, ["29:<USERID>"]) == (
        response.status_code,
        [call.target for call in world.connector.of("member")],
    )


@pytest.mark.corpora
def test_a_recorded_execute_invoke_from_another_card_is_declined(world: World) -> None:
    """The real Action.Execute from Teams' .NET tests is not our card: 200, a short note."""
    activity = replay(
        "teams-activity-examples",
        "teams-net-tests/invoke_adaptiveCard-action_personal.json",
        world.connector.service_url,
    )
    response = world.post(activity)
    expected = {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": "That button no longer works. Type list to see your emails.",
    }
    assert (200, expected, []) == (response.status_code, response.json(), world.connector.calls)
