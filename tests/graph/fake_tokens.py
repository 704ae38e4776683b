"""A loopback fake of the Microsoft Entra token endpoint, for app-only (client credentials) sign-in.

What msal 1.39 asks, as Entra answers it: the tenant's OpenID configuration
(`/{tenant}/v2.0/.well-known/openid-configuration`), then a token
(`POST /{tenant}/oauth2/v2.0/token`, client_secret_post). Errors are Entra's own
shapes and codes: an unknown tenant is AADSTS90002, an unknown app AADSTS700016,
a wrong secret a 401 `invalid_client` with AADSTS7000215, a scope that is not
`<resource>/.default` AADSTS1002012. The tokens it issues are random strings the
fake Graph checks, with the lifetime `lifetime` (seconds).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass, field

from tests.graph.fake_server import Request, Response

_TRACE = (
    "\r\nTrace ID: 0d6c7a1e-1111-2222-3333-444455556666\r\nCorrelation ID: 7f0e"
    "\r\nTimestamp: 2026-03-20 02:00:00Z"
)
_ROUTE = re.compile(
    r"^/(?P<tenant>[^/]+)/(?P<rest>v2\.0/\.well-known/openid-configuration|oauth2/v2\.0/token)$"
)


def _entra_error(status: int, error: str, description: str) -> Response:
    code = int(re.search(r"AADSTS(\d+)", description).group(1))  # type: ignore[union-attr]
    body = {"error": error, "error_description": description + _TRACE, "error_codes": [code]}
    return Response(status, body)


@dataclass
class FakeTokens:
    tenant: str
    client_id: str
    secret: str
    base: str = ""  # https://127.0.0.1:PORT, set once the server runs
    resource: str = ""  # the scope's resource, the Graph origin
    lifetime: int = 3600
    issued: dict[str, float] = field(default_factory=dict)  # token → expiry (epoch seconds)
    requests: int = 0  # token requests (not discovery)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handles(self, request: Request) -> bool:
        return _ROUTE.match(request.path) is not None

    def answer(self, request: Request) -> Response:
        found = _ROUTE.match(request.path)
        assert found is not None
        if found["tenant"] != self.tenant:
            return _entra_error(
                400,
                "invalid_tenant",
                f"AADSTS90002: Tenant '{found['tenant']}' not found. "
                "Check to make sure you have the correct tenant ID.",
            )
        if found["rest"].startswith("v2.0"):
            return Response(200, self._configuration())
        return self._token(request.form())

    def valid(self, token: str) -> bool:
        with self.lock:
            return self.issued.get(token, 0.0) > time.time()

    def revoke_all(self) -> None:
        with self.lock:
            self.issued.clear()

    def _configuration(self) -> dict[str, object]:
        root = f"{self.base}/{self.tenant}"
        return {
            "token_endpoint": f"{root}/oauth2/v2.0/token",
            "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
            "issuer": f"{root}/v2.0",
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "private_key_jwt",
                "client_secret_basic",
            ],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "tenant_region_scope": "AS",
        }

    def _token(self, form: dict[str, str]) -> Response:
        if form.get("grant_type") != "client_credentials":
            return _entra_error(
                400,
                "unsupported_grant_type",
                "AADSTS70003: The app requested an unsupported grant type.",
            )
        if form.get("client_id") != self.client_id:
            return _entra_error(
                400,
                "unauthorized_client",
                f"AADSTS700016: Application with identifier '{form.get('client_id')}' "
                f"was not found in the directory '{self.tenant}'.",
            )
        if form.get("client_secret") != self.secret:
            return _entra_error(
                401,
                "invalid_client",
                "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in "
                "the request is the client secret value, not the client secret ID, for a secret "
                f"added to app '{self.client_id}'.",
            )
        if form.get("scope", "").split() != [f"{self.resource}/.default"]:
            return _entra_error(
                400,
                "invalid_scope",
                f"AADSTS1002012: The provided value for scope {form.get('scope')} is not valid. "
                "Client credential flows must have a scope value with /.default suffixed to the "
                "resource identifier (application ID URI).",
            )
        token = "eyJ0eXAi." + secrets.token_urlsafe(24)
        with self.lock:
            self.requests += 1
            self.issued[token] = time.time() + self.lifetime
        body = {
            "token_type": "Bearer",
            "expires_in": self.lifetime,
            "ext_expires_in": self.lifetime,
            "access_token": token,
        }
        return Response(200, body)
