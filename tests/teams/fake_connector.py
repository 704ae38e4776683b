"""A loopback fake of the Bot Framework connector that Teams bots talk to.

It answers the calls the Teams adapter makes, under a serviceUrl with a path
prefix as Teams gives it (`https://smba.trafficmanager.net/amer/<tenant>/`):
  POST v3/conversations/{id}/activities            a new message (proactive)
  POST v3/conversations/{id}/activities/{replyTo}  a reply in a turn
  PUT  v3/conversations/{id}/activities/{id}       a card updated in place
  GET  v3/conversations/{id}/members/{userId}      the member record (email, UPN)
and records each one. `fail` scripts error answers (429 with Retry-After, 412,
502, 504, …) for the next calls of a kind. Member records follow Teams'
`TeamsChannelAccount`; message bodies are whatever the bot sent.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

T = TypeVar("T")
TENANT = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
PREFIX = f"/amer/{TENANT}/"


class LoopThread:
    """An asyncio loop in a background thread, for servers that tests call synchronously."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


async def serve(app: web.Application) -> tuple[web.AppRunner, int]:
    """`app` on 127.0.0.1 at a free port."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, int(runner.addresses[0][1])


@dataclass(frozen=True)
class Call:
    kind: str  # "send" | "reply" | "update" | "member"
    conversation: str
    target: str  # the activity replied to or updated, or the member looked up
    body: dict[str, Any]
    authorization: str
    answered: str = ""  # the id the connector gave a new message


@dataclass
class FakeConnector:
    members: dict[str, dict[str, Any]] = field(default_factory=dict)  # by Teams user id
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[tuple[int, str | None]]] = field(default_factory=dict)
    refused: list[tuple[str, int]] = field(default_factory=list)  # (kind, status) answered
    port: int = 0
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PREFIX}"

    def fail(self, kind: str, *statuses: int, retry_after: str | None = "0") -> None:
        """The next calls of `kind` answer these statuses, in order (then all is well)."""
        self.failures.setdefault(kind, []).extend((s, retry_after) for s in statuses)

    def of(self, kind: str) -> list[Call]:
        return [call for call in self.calls if call.kind == kind]

    def app(self) -> web.Application:
        app = web.Application()
        base = PREFIX + "v3/conversations/{conversation}"
        app.router.add_post(base + "/activities", self._send)
        app.router.add_post(base + "/activities/{activity}", self._reply)
        app.router.add_put(base + "/activities/{activity}", self._update)
        app.router.add_get(base + "/members/{member}", self._member)
        return app

    async def _record(
        self, request: web.Request, kind: str, target: str, answered: str = ""
    ) -> web.Response | None:
        queued = self.failures.get(kind)
        if queued:
            status, retry_after = queued.pop(0)
            self.refused.append((kind, status))
            headers = {"Retry-After": retry_after} if retry_after is not None else {}
            error = {"error": {"code": "Throttled", "message": f"fake {status}"}}
            return web.json_response(error, status=status, headers=headers)
        body = await request.json() if request.can_read_body else {}
        auth = request.headers.get("Authorization", "")
        conversation = request.match_info["conversation"]
        self.calls.append(Call(kind, conversation, target, body, auth, answered))
        return None

    async def _send(self, request: web.Request) -> web.Response:
        new = f"1:msg-{next(self.ids)}"
        failed = await self._record(request, "send", "", new)
        return failed or web.json_response({"id": new}, status=201)

    async def _reply(self, request: web.Request) -> web.Response:
        new = f"1:msg-{next(self.ids)}"
        failed = await self._record(request, "reply", request.match_info["activity"], new)
        return failed or web.json_response({"id": new}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        activity = request.match_info["activity"]
        failed = await self._record(request, "update", activity)
        return failed or web.json_response({"id": activity})

    async def _member(self, request: web.Request) -> web.Response:
        member_id = request.match_info["member"]
        failed = await self._record(request, "member", member_id)
        if failed:
            return failed
        if member_id not in self.members:
            error = {"code": "MemberNotFoundInConversation", "message": "Member not found"}
            return web.json_response({"error": error}, status=404)
        return web.json_response(self.members[member_id])


def member(user_id: str, name: str, email: str, aad: str) -> dict[str, Any]:
    """A member record as the Teams connector returns it (TeamsChannelAccount)."""
    family, _, given = name.rpartition(" ")  # "Trần Thị Lan": Lan is the given name
    return {
        "id": user_id,
        "name": name,
        "aadObjectId": aad,
        "givenName": given,
        "surname": family.split(" ")[0] if family else "",
        "email": email,
        "userPrincipalName": email,
        "tenantId": TENANT,
        "userRole": "user",
    }


@contextmanager
def running(connector: FakeConnector, loop: LoopThread) -> Iterator[FakeConnector]:
    runner, connector.port = loop.run(serve(connector.app()))
    try:
        yield connector
    finally:
        loop.run(runner.cleanup())
