"""Loopback fakes of Microsoft's identity endpoints, for the Teams token tests.

The Agents SDK 1.9 fetches Bot Framework's signing keys from a hard-coded
`https://login.botframework.com/v1/.well-known/keys`, and msal asks
`https://login.microsoftonline.com/{tenant}/…` for the bot's outgoing token. No
setting points either elsewhere, so the test does what a corporate network does:
an HTTPS proxy (`HTTPS_PROXY`, honoured by urllib and requests) whose CONNECT
tunnels end at a local HTTPS server with certificates from a test CA (trustme,
trusted through `SSL_CERT_FILE` and `REQUESTS_CA_BUNDLE`). The server publishes
a key set with a key the test signs tokens with, and issues client-credential
tokens to the right secret. Nothing leaves the machine; the libraries are not patched.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
import trustme
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.teams.fake_connector import LoopThread

HOSTS = ("login.botframework.com", "login.microsoftonline.com")
ISSUER = "https://api.botframework.com"  # what Bot Framework tokens say (Agents SDK constants)
KID = "replyminder-test-key"
OUTBOUND_TOKEN = "fake-entra-token-for-the-bot"


@dataclass
class Signer:
    """A signing key; Bot Framework's is published at login.botframework.com."""

    kid: str = KID
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )

    def jwk(self) -> dict[str, Any]:
        public: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return public | {"kid": self.kid, "use": "sig", "endorsements": ["msteams"]}

    def token(self, audience: str, service_url: str, lifetime: float = 3600) -> str:
        """A token as Bot Framework signs it for a bot (v1: iss, aud, serviceurl)."""
        now = time.time()
        claims = {
            "iss": ISSUER,
            "aud": audience,
            "serviceurl": service_url,
            "nbf": int(now) - 60,
            "exp": int(now + lifetime),
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})


@dataclass
class FakeMicrosoft:
    signer: Signer
    tenant: str
    secret: str
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/.well-known/keys", self._keys)
        app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", self._openid)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        return app

    async def _keys(self, request: web.Request) -> web.Response:
        return web.json_response({"keys": [self.signer.jwk()]})

    async def _openid(self, request: web.Request) -> web.Response:
        base = f"https://login.microsoftonline.com/{request.match_info['tenant']}"
        return web.json_response(
            {
                "issuer": f"{base}/v2.0",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "token_endpoint": f"{base}/oauth2/v2.0/token",
            }
        )

    async def _token(self, request: web.Request) -> web.Response:
        form = {key: str(value) for key, value in (await request.post()).items()}
        self.token_requests.append({k: v for k, v in form.items() if k != "client_secret"})
        if request.match_info["tenant"] != self.tenant or form.get("client_secret") != self.secret:
            error = {"error": "invalid_client", "error_description": "AADSTS7000215"}
            return web.json_response(error, status=401)
        token = {"token_type": "Bearer", "expires_in": 3599, "access_token": OUTBOUND_TOKEN}
        return web.json_response(token)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except ConnectionError:
        pass  # the client hung up mid-tunnel: nothing left to carry
    finally:
        writer.close()


def _tunnel(target_port: int, open_tunnels: set[asyncio.Task[Any]]) -> Any:
    """A CONNECT proxy that sends every tunnel for a Microsoft host to `target_port`."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            open_tunnels.add(task)
            task.add_done_callback(open_tunnels.discard)
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        method, authority = head.split(" ")[:2]
        if method != "CONNECT" or authority.split(":")[0] not in HOSTS:
            writer.write(b"HTTP/1.1 403 Forbidden\r\n\r\n")  # this proxy reaches nothing else
            writer.close()
            return
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target_port)
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))

    return handle


@dataclass
class Running:
    proxy_url: str
    ca_file: Path
    fake: FakeMicrosoft
    stop: Any


def start(loop: LoopThread, fake: FakeMicrosoft, folder: Path) -> Running:
    """The HTTPS fake and the proxy in front of it; `stop()` tears both down."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(*HOSTS).configure_cert(context)
    ca_file = folder / "test-ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))

    open_tunnels: set[asyncio.Task[Any]] = set()

    async def begin() -> tuple[web.AppRunner, asyncio.Server, int]:
        runner, port = await serve_tls(fake.app(), context)
        proxy = await asyncio.start_server(_tunnel(port, open_tunnels), "127.0.0.1", 0)
        return runner, proxy, int(proxy.sockets[0].getsockname()[1])

    runner, proxy, proxy_port = loop.run(begin())

    def stop() -> None:
        async def end() -> None:
            proxy.close()
            for task in list(open_tunnels):  # kept-alive connections of urllib3 and urllib
                task.cancel()
            await asyncio.gather(*open_tunnels, return_exceptions=True)
            await runner.cleanup()

        loop.run(end())

    return Running(f"http://127.0.0.1:{proxy_port}", ca_file, fake, stop)


async def serve_tls(app: web.Application, context: ssl.SSLContext) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    return runner, int(runner.addresses[0][1])
