"""The HTTPS plumbing of the loopback fakes: one TLS server on 127.0.0.1, port 0.

msal insists on https authorities, so the fake token endpoint and the fake Graph
share one server with a certificate from a throwaway CA (trustme); the product
code trusts it through the GRAPH_CA_BUNDLE setting, never by turning checks off.
Each request is parsed into a `Request` and answered by a plain function that
returns a `Response`; the server speaks HTTP/1.1 with keep-alive, as Graph does,
and the TLS handshake runs in the request's own thread.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import trustme


@dataclass
class Request:
    method: str
    path: str  # percent-decoded
    raw_path: str  # as sent, with its query
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body or b"{}")

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode()))


@dataclass
class Response:
    status: int = 200
    body: Any = None  # JSON-able; None sends no body
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Response]


def error(status: int, code: str, message: str, **headers: str) -> Response:
    """A Graph error body: {"error": {"code", "message", "innerError"}}."""
    inner = {"date": "2026-03-20T02:00:00", "request-id": "00000000-0000-0000-0000-000000000000"}
    body = {"error": {"code": code, "message": message, "innerError": inner}}
    return Response(status, body, dict(headers))


@dataclass
class TlsFiles:
    """A throwaway CA, its bundle file for the client side, and a server context."""

    ca_bundle: Path
    context: ssl.SSLContext


def tls(directory: Path) -> TlsFiles:
    ca = trustme.CA()
    bundle = directory / "fake-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return TlsFiles(bundle, context)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    tls_context: ssl.SSLContext
    answer: Handler

    def get_request(self) -> tuple[socket.socket, Any]:
        raw, address = self.socket.accept()
        wrapped = self.tls_context.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
        return wrapped, address


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30
    server: _Server

    def setup(self) -> None:
        super().setup()
        try:
            self.request.do_handshake()
        except (ssl.SSLError, OSError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        split = urlsplit(self.path)
        request = Request(
            self.command,
            unquote(split.path),
            self.path,
            dict(parse_qsl(split.query, keep_blank_values=True)),
            {name.lower(): value for name, value in self.headers.items()},
            self.rfile.read(length) if length else b"",
        )
        try:
            response = self.server.answer(request)
        except Exception as failure:  # a bug in the fake: say so to the client, loudly
            response = error(500, "FakeFailure", f"{type(failure).__name__}: {failure}")
        self._write(response)

    def _write(self, response: Response) -> None:
        data = b"" if response.body is None else json.dumps(response.body).encode()
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if data:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_DELETE = _serve  # noqa: N815 - http.server's names


@contextmanager
def serve(files: TlsFiles, answer: Handler) -> Iterator[str]:
    """Run the server in a thread; yields its base URL, https://127.0.0.1:PORT."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.tls_context, server.answer = files.context, answer
    thread = threading.Thread(
        target=server.serve_forever, args=(0.02,), name="fake-graph", daemon=True
    )
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
