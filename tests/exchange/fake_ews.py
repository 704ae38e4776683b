"""A loopback fake of an Exchange Server's EWS endpoint, for exchangelib to talk SOAP to.

A `ThreadingHTTPServer` on 127.0.0.1, port 0 (HTTPS with a test CA when asked),
torn down by each test. It keeps honest mailboxes (`fake_ews_store.py`), answers
the operations the provider uses (`fake_ews_ops.py`, `fake_ews_writes.py`) over
HTTP (`fake_ews_http.py`) with envelopes shaped like the recorded ones
(`fake_ews_xml.py`), and records every call. Like a real
server it checks Basic credentials (401 otherwise) or an OAuth2 bearer token it
issued from its own token endpoint (`/{tenant}/oauth2/v2.0/token`), and refuses
to impersonate a mailbox it was told to deny or that does not exist. With `ntlm`
set it offers NTLM, as IIS does by default: the three-message handshake once per
connection, the client's answer verified by pyspnego's NTLM acceptor against the
accounts in the file `NTLM_USER_FILE` names (`DOMAIN:user:password` lines).

Faults on demand (`fail`): ErrorServerBusy faults with BackOffMilliseconds, HTTP
429 and 503 with Retry-After, 401, an HTML 500 page (IIS's, not EWS), each for a
number of calls of one operation and mailbox. `latency` delays every answer (the
benchmark's 20 ms). Test helpers deliver mail, reply "from Outlook", mark a
message replied to, and forget every sync state handed out (`forget_sync_states`).
"""

from __future__ import annotations

import base64
import secrets
import ssl
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from typing import Any

from tests.exchange import fake_ews_xml as x
from tests.exchange.fake_ews_http import Call, FaultPlan, handler
from tests.exchange.fake_ews_store import LAST_VERB, LAST_VERB_TIME, Item, Outbound, Person, Store

SERVICE_ACCOUNT, PASSWORD = "svc-replyminder@corp.example", "Service-Pa55"


class FakeEws:
    def __init__(self, certificate: Any | None = None) -> None:
        self.clock = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Mon 08:00 in Hanoi
        self.store = Store(lambda: self.clock)
        self.accounts = {SERVICE_ACCOUNT: PASSWORD}
        self.apps: dict[str, str] = {}  # OAuth2 client id → secret
        self.tokens: set[str] = set()
        self.ntlm = False  # offer NTLM (connection-based) instead of Basic
        self.ntlm_sign_ins: list[str] = []  # who completed an NTLM handshake, in order
        self.denied: set[str] = set()  # mailboxes the service account may not impersonate
        self.directory: list[Person] = []
        self.calls: list[Call] = []
        self.requests = 0  # HTTP requests of any kind, refused ones included
        self.in_flight: Counter[str] = Counter()  # SOAP requests being answered, per mailbox
        self.most_in_flight = 0
        self.latency = 0.0
        self._faults: list[FaultPlan] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler(self))
        self.server.daemon_threads = True
        self.scheme = "http"
        if certificate is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            certificate.configure_cert(context)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}"

    @property
    def url(self) -> str:
        return f"{self.origin}/EWS/Exchange.asmx"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    # ── what a test arranges ────────────────────────────────────────────────
    def mailbox(self, email: str, name: str) -> str:
        self.store.add_mailbox(email, name)
        self.directory.append((name, email))
        return email.lower()

    def deliver(
        self, mailbox: str, subject: str, sender: Person, body: str = "Hello", **fields: Any
    ) -> Item:
        """A message arriving in the Inbox (sent an hour before the clock unless told)."""
        fields.setdefault("received", self.clock - timedelta(hours=1))
        fields.setdefault("sent", fields["received"] - timedelta(seconds=30))
        fields.setdefault("to", [(self.store.names[mailbox], mailbox)])
        return self.store.put(mailbox, "inbox", subject=subject, sender=sender, body=body, **fields)

    def reply_from_outlook(self, original: Item, body: str = "Thanks, done.") -> Item:
        """The owner answers in Outlook: a reply in Sent Items, and the original marked replied."""
        assert original.sender is not None
        reply = self.store.put(
            original.mailbox,
            "sentitems",
            subject="RE: " + original.subject,
            body=body,
            sender=(self.store.names[original.mailbox], original.mailbox),
            to=[original.sender],
            in_reply_to=original.message_id,
            conversation_id=original.conversation_id,
            received=self.clock,
            sent=self.clock,
        )
        self.mark(original, 102)
        return reply

    def mark(self, original: Item, verb: int, at: datetime | None = None) -> None:
        """PidTagLastVerbExecuted on the original: 102 reply, 103 reply all, 104 forward."""
        original.extended[LAST_VERB] = str(verb)
        original.extended[LAST_VERB_TIME] = x.when(at or self.clock)
        self.store.touch(original)

    def forget_sync_states(self, mailbox: str) -> None:
        self.store.forget_sync_states(mailbox)

    def fail(
        self,
        kind: str,
        operation: str | None = None,
        mailbox: str | None = None,
        times: int = 1,
        **extra: Any,
    ) -> None:
        with self._lock:
            self._faults.append(FaultPlan(kind, operation, mailbox, times, **extra))

    # ── what a test reads back ──────────────────────────────────────────────
    @property
    def sent(self) -> list[Outbound]:
        return list(self.store.outbound)

    def count(self, operation: str | None = None, mailbox: str | None = None) -> int:
        return sum(
            1
            for c in self.calls
            if operation in (None, c.operation) and mailbox in (None, c.mailbox)
        )

    def operations(self) -> Counter[str]:
        return Counter(c.operation for c in self.calls)

    def stats(self) -> dict[str, Any]:
        """What the benchmark reads over HTTP (GET /_fake/stats) when the fake runs elsewhere."""
        return {
            "requests": self.requests,
            "operations": dict(self.operations()),
            "most_in_flight": self.most_in_flight,
        }

    def folder(self, mailbox: str, folder: str) -> list[Item]:
        return [i for i in self.store.items.values() if (i.mailbox, i.folder) == (mailbox, folder)]

    # ── serving ─────────────────────────────────────────────────────────────
    def fault_for(self, operation: str, mailbox: str | None) -> FaultPlan | None:
        with self._lock:
            for plan in self._faults:
                if (
                    plan.times > 0
                    and plan.operation in (None, operation)
                    and plan.mailbox in (None, mailbox)
                ):
                    plan.times -= 1
                    return plan
        return None

    def authorized(self, header: str) -> bool:
        kind, _, value = header.partition(" ")
        if kind == "Bearer":
            return value in self.tokens
        if kind != "Basic":
            return False
        user, _, password = base64.b64decode(value).decode().partition(":")
        return self.accounts.get(user.lstrip("\\")) == password

    def token(self, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        client, secret = form.get("client_id", [""])[0], form.get("client_secret", [""])[0]
        if self.apps.get(client) != secret or not client:
            return 401, {
                "error": "invalid_client",
                "error_description": "AADSTS7000215: Invalid client secret provided.",
            }
        token = secrets.token_urlsafe(16)
        self.tokens.add(token)
        return 200, {"token_type": "Bearer", "expires_in": 3599, "access_token": token}
