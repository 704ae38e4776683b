"""App-only sign-in with msal against the fake Entra token endpoint, over TLS."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.ports import MailboxUnavailable
from bot.mail.graph_auth import GraphAuth
from tests.graph.conftest import config_for
from tests.graph.fake_graph import FakeGraph
from tests.graph.fake_server import TlsFiles


def test_token_is_cached_while_it_lasts(graph: FakeGraph, tls_files: TlsFiles) -> None:
    """Many requests, one token request: msal's cache serves a token with an hour left."""
    auth = GraphAuth(config_for(graph, tls_files))
    tokens = {auth.token() for _ in range(5)}
    assert (1, 1) == (len(tokens), graph.tokens.requests)


def test_token_is_renewed_before_it_expires(graph: FakeGraph, tls_files: TlsFiles) -> None:
    """A token with under five minutes left is replaced before use, never sent expired."""
    graph.tokens.lifetime = 240
    auth = GraphAuth(config_for(graph, tls_files))
    tokens = [auth.token() for _ in range(3)]
    assert (3, 3) == (len(set(tokens)), graph.tokens.requests)
    assert all(graph.tokens.valid(token) for token in tokens)


def test_scope_is_the_graph_resource_of_graph_url(graph: FakeGraph, tls_files: TlsFiles) -> None:
    """The token is asked for `<GRAPH_URL origin>/.default`, which the endpoint insists on."""
    config = config_for(graph, tls_files)
    assert f"{graph.tokens.base}/.default" == config.scope
    assert GraphAuth(config).token().startswith("eyJ0eXAi.")


def test_wrong_secret_is_one_clear_line(graph: FakeGraph, tls_files: TlsFiles) -> None:
    """msal's invalid_client error dict becomes one line naming the setting to check."""
    auth = GraphAuth(config_for(graph, tls_files, secret="not-the-secret"))
    with pytest.raises(MailboxUnavailable) as raised:
        auth.token()
    message = str(raised.value)
    assert 1 == len(message.splitlines())
    assert message.startswith(
        "Graph sign-in failed: invalid_client: AADSTS7000215: Invalid client secret"
    )
    assert message.endswith(
        "(check REPLYMINDER_GRAPH_CLIENT_SECRET: the secret's value, not its id)"
    )
    assert "Trace ID" not in message


def test_unknown_tenant_is_one_clear_line(graph: FakeGraph, tls_files: TlsFiles) -> None:
    """A tenant the authority does not know fails at discovery with the setting's name."""
    config = replace(config_for(graph, tls_files), tenant_id="00000000-0000-0000-0000-000000000000")
    with pytest.raises(MailboxUnavailable) as raised:
        GraphAuth(config).token()
    expected = (
        f"Graph sign-in failed: {graph.tokens.base.removeprefix('https://')} does not know tenant "
        "'00000000-0000-0000-0000-000000000000' (check REPLYMINDER_GRAPH_TENANT_ID)"
    )
    assert expected == str(raised.value)


def test_unknown_app_is_one_clear_line(graph: FakeGraph, tls_files: TlsFiles) -> None:
    """An app id the tenant does not know: Entra's AADSTS700016, pointing at the client id."""
    config = replace(config_for(graph, tls_files), client_id="11111111-2222-3333-4444-555555555555")
    with pytest.raises(MailboxUnavailable) as raised:
        GraphAuth(config).token()
    assert str(raised.value).startswith("Graph sign-in failed: unauthorized_client: AADSTS700016")
    assert str(raised.value).endswith("(check REPLYMINDER_GRAPH_CLIENT_ID and the tenant)")


def test_ca_bundle_setting_wins_over_requests_ca_bundle(
    graph: FakeGraph, tls_files: TlsFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REQUESTS_CA_BUNDLE naming other CAs does not override the bundle set (requests#3829)."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    monkeypatch.setenv("CURL_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    assert GraphAuth(config_for(graph, tls_files)).token()


def test_without_the_ca_the_endpoint_is_not_trusted(graph: FakeGraph, tls_files: TlsFiles) -> None:
    """Certificates are checked: the throwaway CA is trusted only when configured."""
    config = replace(config_for(graph, tls_files), ca_bundle=None)
    with pytest.raises(MailboxUnavailable) as raised:
        GraphAuth(config).token()
    host = graph.tokens.base.removeprefix("https://")
    expected = f"Graph sign-in failed: cannot reach {host} (SSLError)"
    assert expected == str(raised.value)


def test_graph_url_on_another_resource_is_named(graph: FakeGraph, tls_files: TlsFiles) -> None:
    """A token for a resource the authority does not serve points at GRAPH_URL."""
    config = replace(config_for(graph, tls_files), url="https://graph.example.org/v1.0")
    with pytest.raises(MailboxUnavailable) as raised:
        GraphAuth(config).token()
    assert str(raised.value).startswith("Graph sign-in failed: invalid_scope: AADSTS1002012")
    assert str(raised.value).endswith("(check REPLYMINDER_GRAPH_URL: the token is for its host)")
