"""A loopback fake of Microsoft Graph's mail API (v1.0), holding real state.

The provider's httpx client and msal talk to it over TLS (see `fake_server.py`).
It serves what Exchange Online serves for app-only mail access, with its answers'
shapes and error codes (Microsoft's Graph reference, and errors reported in
microsoftgraph/microsoft-graph-docs issues):
- delta rounds per folder with next and delta links (`fake_delta.py`), a
  message count, a mailbox-wide `$filter` on an extended property, GET and
  PATCH of a message, `createReply`/`createReplyAll`/`createForward` + `send`
  and `reply`/`forward` (202), which move the draft to Sent Items and mark the
  original (PidTagLastVerbExecuted), and a directory `$search` of users;
- bearer tokens from the fake token endpoint (`fake_tokens.py`), 401 otherwise;
- application permissions (`roles`) and an application access policy (`policy`):
  403 ErrorAccessDenied, with Exchange's own message for each;
- at most four requests in flight per mailbox, 429 ApplicationThrottled
  "MailboxConcurrency" beyond; scripted faults (`fail`) such as 429 or 503 with
  Retry-After; and `latency`, slept inside the request, for the benchmark.
What it saw is kept for the tests: `requests`, `outbound` (each message sent),
`content_served` (attachment content that went out: the provider must cause none).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tests.graph import fake_actions
from tests.graph.fake_delta import (
    BadQuery,
    Links,
    Round,
    folder_from_token,
    page_size,
    parse_query,
    render,
    start_round,
)
from tests.graph.fake_mailbox import Box, Json
from tests.graph.fake_server import Request, Response, error
from tests.graph.fake_tokens import FakeTokens

READ, SEND, DIRECTORY = "Mail.ReadWrite", "Mail.Send", "User.Read.All"
_USER = re.compile(r"^/v1\.0/users(?:/(?P<name>[^/(]+)|\('(?P<guid>[^']+)'\))/(?P<rest>.+)$")
_DELTA = re.compile(r"^mailFolders(?:/(?P<name>\w+)|\('(?P<token>[^']+)'\))/messages/delta$")
_WELL_KNOWN = {"inbox": "inbox", "sentitems": "sentitems", "drafts": "drafts"}
_DENIED = "Access is denied. Check credentials and try again."
_POLICY = (
    "Access to OData is disabled: [RAOP] : "
    "Blocked by tenant configured AppOnly AccessPolicy settings."
)


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    prefer: str
    user: str


@dataclass
class Fault:
    status: int
    times: int
    retry_after: str | None
    user: str | None
    path: str | None
    code: str


@dataclass
class FakeGraph:
    tokens: FakeTokens
    base: str = ""  # https://127.0.0.1:PORT/v1.0 once running
    boxes: dict[str, Box] = field(default_factory=dict)
    roles: set[str] = field(default_factory=lambda: {READ, SEND, DIRECTORY})
    policy: set[str] | None = None  # mailboxes the application access policy allows; None: all
    directory: list[tuple[str, str]] = field(default_factory=list)  # (display name, mail)
    latency: float = 0.0
    at: datetime = datetime(2026, 3, 20, 2, 0, tzinfo=UTC)  # Graph's "now", for sent items
    requests: list[Seen] = field(default_factory=list)
    outbound: list[Json] = field(default_factory=list)
    content_served: list[int] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    links: Links = field(default_factory=Links)
    lock: threading.RLock = field(default_factory=threading.RLock)

    # ── set-up and inspection, for tests ─────────────────────────────────────
    def add_mailbox(self, email: str, name: str) -> Box:
        box = Box(email.lower(), name)
        self.boxes[box.address] = box
        self.directory.append((name, box.address))
        return box

    def fail(
        self,
        status: int,
        times: int = 1,
        retry_after: str | None = None,
        *,
        user: str | None = None,
        path: str | None = None,
        code: str = "",
    ) -> None:
        """The next `times` Graph requests (of `user`, whose path contains `path`) fail so."""
        codes = {429: "ApplicationThrottled", 503: "ServiceUnavailable", 504: "GatewayTimeout"}
        self.faults.append(
            Fault(
                status,
                times,
                retry_after,
                user,
                path,
                code or codes.get(status, "ErrorInternalServerError"),
            )
        )

    def count(self, method: str = "", part: str = "") -> int:
        with self.lock:
            return sum(1 for r in self.requests if r.method.startswith(method) and part in r.path)

    # ── serving ──────────────────────────────────────────────────────────────
    def answer(self, request: Request) -> Response:
        if self.tokens.handles(request):
            return self.tokens.answer(request)
        found = _USER.match(request.path)
        box = self._box(found) if found else None
        with self.lock:
            self.requests.append(
                Seen(
                    request.method,
                    request.path,
                    request.query,
                    request.headers.get("prefer", ""),
                    box.address if box else "",
                )
            )
        if not self.tokens.valid(request.headers.get("authorization", "").removeprefix("Bearer ")):
            return error(
                401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid."
            )
        if request.path == "/v1.0/users":
            return self._guarded(
                None, DIRECTORY, request, lambda: fake_actions.search(self, request)
            )
        if found is None:
            return error(400, "BadRequest", f"Resource not found for the segment '{request.path}'.")
        if box is None:
            return error(
                404,
                "ErrorInvalidUser",
                f"The requested user '{found['name'] or found['guid']}' is invalid.",
            )
        rest = found["rest"]
        role = SEND if re.search(r"/(send|reply|replyAll|forward)$", rest) else READ
        return self._guarded(box, role, request, lambda: self._route(box, rest, request))

    def _box(self, found: re.Match[str]) -> Box | None:
        if found["guid"]:
            return next((b for b in self.boxes.values() if b.guid == found["guid"]), None)
        return self.boxes.get(found["name"].lower())

    def _guarded(self, box: Box | None, role: str, request: Request, work: object) -> Response:
        if role not in self.roles:
            return error(403, "ErrorAccessDenied", _DENIED)
        if box is not None and self.policy is not None and box.address not in self.policy:
            return error(403, "ErrorAccessDenied", _POLICY)
        if fault := self._fault(box, request):
            return fault
        if box is None:
            return work()  # type: ignore[operator, no-any-return]
        return self._in_flight(box, work)

    def _fault(self, box: Box | None, request: Request) -> Response | None:
        with self.lock:
            for fault in self.faults:
                mine = fault.user is None or (box is not None and box.address == fault.user)
                if fault.times > 0 and mine and (fault.path is None or fault.path in request.path):
                    fault.times -= 1
                    headers = (
                        {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
                    )
                    return error(
                        fault.status, fault.code, "Scripted failure of the fake Graph.", **headers
                    )
        return None

    def _in_flight(self, box: Box, work: object) -> Response:
        with self.lock:
            box.in_flight += 1
            box.most_in_flight = max(box.most_in_flight, box.in_flight)
            over = box.in_flight > 4
        try:
            if over:  # Exchange Online's limit of four concurrent requests per mailbox
                return error(
                    429,
                    "ApplicationThrottled",
                    "Application is over its MailboxConcurrency limit.",
                    **{"Retry-After": "1"},
                )
            if self.latency:
                time.sleep(self.latency)
            with self.lock:
                return work()  # type: ignore[operator, no-any-return]
        except BadQuery as bad:
            return error(400, "ErrorInvalidUrlQuery", str(bad))
        finally:
            with self.lock:
                box.in_flight -= 1

    def _route(self, box: Box, rest: str, request: Request) -> Response:
        if found := _DELTA.match(rest):
            return self._delta(box, found, request)
        return fake_actions.route(self, box, rest, request)

    def _delta(self, box: Box, found: re.Match[str], request: Request) -> Response:
        if request.method != "GET":
            return error(405, "ErrorInvalidRequest", "The OData request is not supported.")
        folder = _WELL_KNOWN.get((found["name"] or "").lower()) or folder_from_token(
            found["token"] or ""
        )
        size = page_size(request)
        if "$skiptoken" in request.query or "$deltatoken" in request.query:
            followed = self.links.follow(request)
            if isinstance(followed, Response):
                return followed
            current, offset = followed if isinstance(followed, tuple) else (followed, 0)
        else:
            current, offset = start_round(box, folder, 0, parse_query(request)), 0
        assert isinstance(current, Round)
        return self.links.page(self.base, current, offset, size, self.content_served)

    def show(self, box: Box, message_id: str, request: Request) -> Json:
        return render(box.messages[message_id], parse_query(request), self.content_served)
