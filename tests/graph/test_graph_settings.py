"""The Graph settings: the app's three values together, https only, a CA bundle that exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.ports import MailError
from bot.mail.graph_auth import GraphConfig
from bot.mail.graph_client import GraphClient
from bot.settings import PREFIX, SettingsError, load
from tests.graph.conftest import CLIENT, SECRET, TENANT

APP = {"GRAPH_TENANT_ID": TENANT, "GRAPH_CLIENT_ID": CLIENT, "GRAPH_CLIENT_SECRET": SECRET}


def settings_error(**values: str) -> str:
    with pytest.raises(SettingsError) as raised:
        load({PREFIX + name: value for name, value in values.items()}, None)
    return str(raised.value)


def test_defaults_are_the_global_cloud() -> None:
    """Unset, Graph points at the global cloud and is not configured."""
    s = load({}, None)
    expected = ("https://graph.microsoft.com/v1.0", "https://login.microsoftonline.com", "", None)
    assert expected == (s.graph_url, s.graph_authority, s.graph_client_id, s.graph_ca_bundle)


def test_the_app_is_all_three_or_nothing() -> None:
    """A secret alone names the two values missing, in one line."""
    expected = (
        "REPLYMINDER_GRAPH_TENANT_ID and REPLYMINDER_GRAPH_CLIENT_ID are needed with "
        "REPLYMINDER_GRAPH_CLIENT_SECRET"
    )
    assert expected == settings_error(GRAPH_CLIENT_SECRET=SECRET)


@pytest.mark.parametrize("name", ["GRAPH_URL", "GRAPH_AUTHORITY"])
def test_plain_http_is_refused(name: str) -> None:
    """Tokens and the secret travel there: http:// stops the start, naming the setting."""
    assert f"REPLYMINDER_{name}: expected an https:// URL" == settings_error(
        **APP, **{name: "http://127.0.0.1:8080"}
    )


def test_a_national_cloud_is_accepted(tmp_path: Path) -> None:
    """US Government endpoints and a CA bundle that exists are taken as given."""
    bundle = tmp_path / "proxy-ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    environ = {
        PREFIX + "GRAPH_URL": "https://graph.microsoft.us/v1.0/",
        PREFIX + "GRAPH_AUTHORITY": "https://login.microsoftonline.us",
        PREFIX + "GRAPH_CA_BUNDLE": str(bundle),
    }
    s = load({**{PREFIX + k: v for k, v in APP.items()}, **environ}, None)
    assert ("https://graph.microsoft.us/v1.0", bundle) == (s.graph_url, s.graph_ca_bundle)


def test_a_missing_ca_bundle_is_named(tmp_path: Path) -> None:
    """A CA bundle path that is not a file is one clear line."""
    missing = tmp_path / "nope.pem"
    assert settings_error(**APP, GRAPH_CA_BUNDLE=str(missing)).startswith(
        f"REPLYMINDER_GRAPH_CA_BUNDLE: no such file: {missing}"
    )


def test_a_ca_bundle_without_certificates_is_one_line(tmp_path: Path) -> None:
    """A file that holds no CA stops the start with one line naming the setting."""
    bundle = tmp_path / "empty.pem"
    bundle.write_text("not a certificate\n", encoding="utf-8")
    config = GraphConfig(TENANT, CLIENT, SECRET, ca_bundle=bundle)
    with pytest.raises(MailError) as raised:
        GraphClient(config, lambda: "token")
    assert str(raised.value).startswith(f"REPLYMINDER_GRAPH_CA_BUNDLE: {bundle} holds no usable CA")
