"""Who may post to /api/messages: nobody without configuration, only Bot Framework with an
app id (a token signed by its published keys, for our app id), anyone in dev mode."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.services import identity
from tests.teams.activities import typed
from tests.teams.conftest import LAN, World, make_world
from tests.teams.fake_connector import FakeConnector, LoopThread
from tests.teams.fake_microsoft import OUTBOUND_TOKEN, FakeMicrosoft, Signer, start
from tests.teams.helpers import said

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

APP_ID = "8c1f6a9e-5f0b-4a43-9d55-3b8d2f0c7e21"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
SECRET = "not-a-real-secret"
SIGNER = Signer()  # one key for the session: the SDK caches the key set per process


@pytest.fixture
def microsoft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeMicrosoft]:
    """Microsoft's key and token endpoints, on loopback behind an HTTPS proxy.

    On a loop of their own: msal builds its client, and fetches Entra's OpenID
    configuration, synchronously on the bot's event loop (Agents SDK 1.9 MsalAuth).
    """
    own_loop = LoopThread()
    running = start(own_loop, FakeMicrosoft(SIGNER, TENANT, SECRET), tmp_path)
    for name in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, running.proxy_url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("SSL_CERT_FILE", str(running.ca_file))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(running.ca_file))
    yield running.fake
    running.stop()
    own_loop.close()


@pytest.fixture
def secured(
    sqlite_url: str,
    tmp_path: Path,
    loop: LoopThread,
    connector: FakeConnector,
    microsoft: FakeMicrosoft,
) -> Iterator[World]:
    """Replyminder with an app id: every activity needs a Bot Framework token."""
    teams = {"app_id": APP_ID, "app_password": SECRET, "tenant_id": TENANT}
    with make_world(sqlite_url, tmp_path, loop, connector, **teams) as made:
        yield made


def message(world: World) -> dict[str, object]:
    return typed(LAN, world.connector.service_url, "danh sách")


def test_unconfigured_teams_answers_401_and_the_log_says_why(
    sqlite_url: str,
    tmp_path: Path,
    loop: LoopThread,
    connector: FakeConnector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No app id and no dev mode: 401, a warning naming the settings, nothing reaches Teams."""
    with make_world(sqlite_url, tmp_path, loop, connector) as world:
        response = world.post(message(world))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert (401, []) == (response.status_code, connector.calls)
    assert any("Teams is not configured. Set REPLYMINDER_TEAMS_APP_ID" in w for w in warnings)


def test_dev_mode_is_announced_loudly(
    sqlite_url: str,
    tmp_path: Path,
    loop: LoopThread,
    connector: FakeConnector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Accepting activities without a token is a WARNING at start, in capitals."""
    with make_world(sqlite_url, tmp_path, loop, connector, dev_mode="true"):
        pass
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(w.startswith("TEAMS DEV MODE: /api/messages accepts") for w in warnings)


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer not-a-token", "Basic dXNlcjpwYXNz", f"Bearer {SIGNER.token(APP_ID, '')}x"],
    ids=["none", "garbage", "basic", "bad-signature"],
)
def test_with_an_app_id_a_request_without_a_valid_token_is_refused(
    secured: World, authorization: str
) -> None:
    """Missing, malformed or tampered tokens get 401; the activity never runs."""
    headers = {"Authorization": authorization} if authorization else {}
    response = secured.post(message(secured), **headers)
    assert (401, []) == (response.status_code, secured.connector.calls)


def test_a_token_signed_by_another_key_is_refused(secured: World) -> None:
    """A well-formed token whose key Bot Framework does not publish: 401."""
    forged = Signer(kid="someone-else").token(APP_ID, secured.connector.service_url)
    response = secured.post(message(secured), Authorization=f"Bearer {forged}")
    assert (401, []) == (response.status_code, secured.connector.calls)


def test_a_token_for_another_bot_is_refused(secured: World) -> None:
    """Signed by Bot Framework, but for a different app id: 401."""
    other = SIGNER.token("11111111-2222-3333-4444-555555555555", secured.connector.service_url)
    response = secured.post(message(secured), Authorization=f"Bearer {other}")
    assert (401, []) == (response.status_code, secured.connector.calls)


def test_a_token_issued_for_another_service_url_is_refused(secured: World) -> None:
    """A real token replayed with another serviceUrl: 401, so our token never goes there."""
    token = SIGNER.token(APP_ID, "https://smba.trafficmanager.net/amer/")
    response = secured.post(message(secured), Authorization=f"Bearer {token}")
    assert (401, []) == (response.status_code, secured.connector.calls)


def test_dev_mode_does_not_lift_the_token_check_when_an_app_id_is_set(
    sqlite_url: str,
    tmp_path: Path,
    loop: LoopThread,
    connector: FakeConnector,
    microsoft: FakeMicrosoft,
) -> None:
    """TEAMS_DEV_MODE=true beside an app id is ignored (and logged): still 401 without a token."""
    teams = {"app_id": APP_ID, "app_password": SECRET, "tenant_id": TENANT, "dev_mode": "true"}
    with make_world(sqlite_url, tmp_path, loop, connector, **teams) as world:
        response = world.post(message(world))
    assert 401 == response.status_code


def test_a_valid_token_is_served_and_replies_carry_the_bots_own_token(
    secured: World, microsoft: FakeMicrosoft
) -> None:
    """Bot Framework's token in, an Entra client-credentials token out on every connector call."""
    token = SIGNER.token(APP_ID, secured.connector.service_url)
    install = secured.post({**message(secured), "text": "list"}, Authorization=f"Bearer {token}")
    calls = secured.connector.calls
    assert (202, ["member", "reply"]) == (install.status_code, [c.kind for c in calls])
    assert {f"Bearer {OUTBOUND_TOKEN}"} == {c.authorization for c in calls}
    assert LAN.email == identity.who(secured.app.store, "teams", LAN.aad)
    assert said(calls[1]).startswith("📋 Email đang chờ bạn (4)")
    scopes = {request["scope"] for request in microsoft.token_requests}
    assert ({"https://api.botframework.com/.default"}, APP_ID) == (
        scopes,
        microsoft.token_requests[0]["client_id"],
    )


def test_proactive_reminders_carry_the_bots_own_token(
    secured: World, microsoft: FakeMicrosoft
) -> None:
    """The reminder pass (no incoming request) authenticates to the connector by itself."""
    token = SIGNER.token(APP_ID, secured.connector.service_url)
    secured.post(message(secured), Authorization=f"Bearer {token}")
    sent = [d for d in secured.remind() if d.user == LAN.email]
    sends = secured.connector.of("send")
    assert (["teams", "teams"], {f"Bearer {OUTBOUND_TOKEN}"}) == (
        [d.channel for d in sent],
        {c.authorization for c in sends},
    )
