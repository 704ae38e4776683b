"""The fake EWS server's HTTP side: authentication, the SOAP envelope, faults, latency.

`FakeEws` (fake_ews.py) serves with the handler made here. A request is counted,
checked for credentials (401 otherwise, as IIS does; NTLM once per connection),
delayed by the fake's
`latency` while it counts as in flight for its mailbox, then answered by the
operation named by the first element of soap:Body, or by the fault a test asked
for: an ErrorServerBusy SOAP fault with BackOffMilliseconds, HTTP 429 or 503
with Retry-After, 401, or IIS's HTML error page.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs
from xml.etree import ElementTree

import spnego
from spnego.exceptions import SpnegoError

from tests.exchange import fake_ews_xml as x
from tests.exchange.fake_ews_ops import READS, Context, Fault
from tests.exchange.fake_ews_writes import WRITES

if TYPE_CHECKING:
    from tests.exchange.fake_ews import FakeEws

OPERATIONS = {**READS, **WRITES}
HTML_500 = (  # what IIS shows when the EWS application itself is broken
    b"<html><head><title>Runtime Error</title></head>"
    b"<body><h1>Server Error in '/' Application.</h1></body></html>"
)


@dataclass
class FaultPlan:
    kind: str  # "busy", "429", "503", "401", "html500"
    operation: str | None
    mailbox: str | None
    times: int
    back_off_ms: int | None = None
    retry_after: int | None = None


@dataclass(frozen=True)
class Call:
    operation: str
    mailbox: str | None
    sync_state: str | None = None
    version: str | None = None  # the request's RequestServerVersion


def handler(fake: FakeEws) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as exchangelib's sessions expect
        ntlm_user: str | None = None  # this connection's, once its NTLM handshake is done
        ntlm_context: Any = None  # the handshake under way on this connection

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.path != "/_fake/stats":
                self._reply(404, b"", "text/plain")
                return
            self._reply(200, json.dumps(fake.stats()).encode(), "application/json")

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with fake._lock:
                fake.requests += 1
            if self.path.endswith("/oauth2/v2.0/token"):
                time.sleep(fake.latency)
                status, data = fake.token(parse_qs(raw.decode()))
                self._reply(status, json.dumps(data).encode(), "application/json")
            elif self._signed_in(self.headers.get("Authorization", "")):
                self._soap(ElementTree.fromstring(raw))

        def _signed_in(self, header: str) -> bool:
            """Basic or a bearer on every request; NTLM once per connection (then the
            connection is signed in, as IIS does), else a 401 with what is offered."""
            if self.ntlm_user is not None or fake.authorized(header):
                return True
            kind, _, token = header.partition(" ")
            offer = "NTLM" if fake.ntlm else 'Basic realm="127.0.0.1"'
            if fake.ntlm and kind == "NTLM":
                offer = self._ntlm_step(token) or offer
                if self.ntlm_user is not None:
                    return True
            time.sleep(fake.latency)
            self._reply(401, b"", "text/html", {"WWW-Authenticate": offer})
            return False

        def _ntlm_step(self, token: str) -> str | None:
            """One step of the handshake: the challenge to send back (after the client's
            NEGOTIATE), or None (signed in after its AUTHENTICATE, or refused)."""
            try:
                message = base64.b64decode(token, validate=True)
            except binascii.Error:
                return None
            if message[8:12] == b"\x01\0\0\0":  # NEGOTIATE: a new handshake
                self.ntlm_context = spnego.server(protocol="ntlm")
            if self.ntlm_context is None:
                return None
            try:
                answer = self.ntlm_context.step(message)
            except SpnegoError:  # a wrong password, an unknown account
                self.ntlm_context = None
                return None
            if self.ntlm_context.complete:
                self.ntlm_user = str(self.ntlm_context.client_principal)
                fake.ntlm_sign_ins.append(self.ntlm_user)
                return None
            return f"NTLM {base64.b64encode(answer or b'').decode()}"

        def _soap(self, envelope: ElementTree.Element) -> None:
            request = x.children(envelope, "s:Body")[0]
            operation = x.tag(request)
            acting = (
                x.text(
                    envelope,
                    "s:Header/t:ExchangeImpersonation/t:ConnectingSID/t:PrimarySmtpAddress",
                )
                or ""
            ).lower()
            mailbox = (
                acting or (x.text(request, ".//t:Mailbox/t:EmailAddress") or "").lower() or None
            )
            asked = x.find(envelope, "s:Header/t:RequestServerVersion")
            version = asked.get("Version") if asked is not None else None
            fake.calls.append(Call(operation, mailbox, x.text(request, "m:SyncState"), version))
            self._track(mailbox, +1)
            try:
                time.sleep(fake.latency)  # the network and the server's own work, in flight
                status, body, headers = self._answer(operation, request, acting, mailbox)
            finally:
                self._track(mailbox, -1)
            kind = "text/xml; charset=utf-8" if body.startswith(b"<?xml") else "text/html"
            self._reply(status, body, kind, headers)

        def _answer(
            self, operation: str, request: ElementTree.Element, acting: str, mailbox: str | None
        ) -> tuple[int, bytes, dict[str, str]]:
            plan = fake.fault_for(operation, mailbox)
            if plan is not None:
                return self._fault(plan)
            if acting and acting in fake.denied:
                return (
                    500,
                    x.fault(
                        "ErrorImpersonateUserDenied",
                        "The account does not have permission to impersonate the requested user.",
                    ),
                    {},
                )
            try:
                with fake.store.lock:
                    return (
                        200,
                        OPERATIONS[operation](
                            request, Context(fake.store, acting or None, fake.directory)
                        ),
                        {},
                    )
            except Fault as fault:
                return 500, x.fault(fault.code, fault.message), {}

        def _track(self, mailbox: str | None, step: int) -> None:
            with fake._lock:
                fake.in_flight[mailbox or ""] += step
                fake.most_in_flight = max(fake.most_in_flight, fake.in_flight[mailbox or ""])

        def _fault(self, plan: FaultPlan) -> tuple[int, bytes, dict[str, str]]:
            if plan.kind == "busy":
                message = "The server cannot service this request right now. Try again later."
                return 500, x.fault("ErrorServerBusy", message, plan.back_off_ms), {}
            if plan.kind == "401":
                return 401, b"", {"WWW-Authenticate": 'Basic realm="127.0.0.1"'}
            after = {"Retry-After": str(plan.retry_after)} if plan.retry_after is not None else {}
            if plan.kind == "html500":
                return 500, HTML_500, {}
            return int(plan.kind), b"", after

        def _reply(
            self,
            status: int,
            body: bytes,
            kind: str = "text/xml; charset=utf-8",
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-EwsHandler", "fake")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler
