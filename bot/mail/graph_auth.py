"""App-only sign-in for the Graph provider: msal client credentials, tokens cached.

`graph_client.py` asks `GraphAuth.token()` before every request. The msal
application is built on the first call, not at start, because its constructor
already talks to the authority (tenant discovery), and `replyminder` commands that
never touch Graph must not. msal keeps the token in its in-memory cache and asks
for a new one once fewer than five minutes are left (msal 1.39,
`_acquire_token_silent_from_cache_and_possibly_refresh_it`), so a long sync never
runs on an expired token.

Failures become one line (`MailboxUnavailable`): a wrong secret comes back from
msal as an error dict (`invalid_client`), not an exception (INTEGRATIONS.md).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msal
import requests

from bot.core.ports import MailboxUnavailable

TIMEOUT = 30.0  # seconds for one request to the token endpoint

log = logging.getLogger("bot.mail.graph")


@dataclass(frozen=True, slots=True)
class GraphConfig:
    """Where the app signs in and whom it talks to; `app.py` fills it from Settings."""

    tenant_id: str
    client_id: str
    client_secret: str
    url: str = "https://graph.microsoft.com/v1.0"
    authority: str = "https://login.microsoftonline.com"
    ca_bundle: Path | None = None  # a PEM file of CAs to trust instead of the system's

    @property
    def scope(self) -> str:
        """App-only tokens name the resource, not permissions: `<graph host>/.default`."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}/.default"


class GraphAuth:
    """Access tokens for Graph, one msal application shared by every mailbox and thread."""

    def __init__(self, config: GraphConfig) -> None:
        self._config = config
        self._app: msal.ConfidentialClientApplication | None = None
        self._lock = threading.Lock()

    def token(self) -> str:
        with self._lock:  # one token request at a time; the others then hit msal's cache
            try:
                result = self._application().acquire_token_for_client([self._config.scope])
            except (requests.RequestException, ValueError) as error:
                raise MailboxUnavailable(self._unreachable(error)) from None
        if "access_token" not in result:
            raise MailboxUnavailable(_refused(result))
        return str(result["access_token"])

    def _application(self) -> msal.ConfidentialClientApplication:
        if self._app is None:
            config = self._config
            authority = f"{config.authority.rstrip('/')}/{config.tenant_id}"
            # A national cloud or a test endpoint is not in msal's list of Microsoft hosts:
            # without instance_discovery=False msal first asks login.microsoftonline.com
            # whether the host is known, and fails offline (INTEGRATIONS.md, msal 1.39).
            self._app = msal.ConfidentialClientApplication(
                config.client_id,
                client_credential=config.client_secret,
                authority=authority,
                instance_discovery=False,
                http_client=_Session(config.ca_bundle),
            )
        return self._app

    def _unreachable(self, error: Exception) -> str:
        host = urlsplit(self._config.authority).netloc
        if isinstance(error, ValueError):  # msal: the tenant's OpenID configuration is missing
            return (
                f"Graph sign-in failed: {host} does not know tenant "
                f"{self._config.tenant_id!r} (check REPLYMINDER_GRAPH_TENANT_ID)"
            )
        return f"Graph sign-in failed: cannot reach {host} ({type(error).__name__})"


_HINTS = {
    "invalid_client": " (check REPLYMINDER_GRAPH_CLIENT_SECRET: the secret's value, not its id)",
    "unauthorized_client": " (check REPLYMINDER_GRAPH_CLIENT_ID and the tenant)",
    "invalid_request": " (check REPLYMINDER_GRAPH_TENANT_ID and REPLYMINDER_GRAPH_CLIENT_ID)",
    "invalid_scope": " (check REPLYMINDER_GRAPH_URL: the token is for its host)",
}


class _Session(requests.Session):
    """The session msal posts with: the CA bundle setting and a timeout on every request.

    requests lets REQUESTS_CA_BUNDLE (and CURL_CA_BUNDLE) win over `Session.verify`
    (psf/requests#3829), so msal's own `verify=` would be ignored wherever those are
    set; a `verify` passed with the request itself is not.
    """

    def __init__(self, ca_bundle: Path | None) -> None:
        super().__init__()
        self._ca_bundle = ca_bundle

    def request(self, method: str, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", TIMEOUT)
        if self._ca_bundle is not None:
            kwargs.setdefault("verify", str(self._ca_bundle))
        return super().request(method, url, *args, **kwargs)


def _refused(result: dict[str, Any]) -> str:
    """msal's error dict → one line; Entra's description has trace ids on later lines."""
    error = str(result.get("error", "unknown_error"))
    described = str(result.get("error_description", "")).strip().splitlines()
    detail = described[0] if described else ""
    hint = _HINTS.get(error, "")
    return f"Graph sign-in failed: {error}" + (f": {detail}" if detail else "") + hint
