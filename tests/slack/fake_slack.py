"""A loopback fake of Slack: the Web API the bot calls, response URLs, Socket Mode.

It runs an aiohttp server on 127.0.0.1, port 0, in a thread of its own, and
records every call (method, arguments, token) so tests can assert on what
reached "Slack". Answers follow Slack's documented shapes
(https://api.slack.com/methods/<method>); people are the ones a test adds.
It can be told to answer a method with 429 + Retry-After, or with an error.
Socket Mode: apps.connections.open hands out this server's WebSocket, which
greets with `hello`, lets a test push envelopes and records the acks.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

BOT_TOKEN = "xoxb-1-fake-bot-token"
APP_TOKEN = "xapp-1-fake-app-token"
BOT_USER = "U0BOTFAKE1"
TEAM = "T0SAOMAI01"
WAIT = 10.0  # seconds a test waits for a call before failing (never slept)


@dataclass(frozen=True)
class Call:
    method: str
    args: dict[str, Any]
    token: str
    status: int = 200
    ok: bool = True
    answer: dict[str, Any] = field(default_factory=dict)


@dataclass
class Fault:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.people: dict[str, dict[str, Any]] = {}
        self.faults: dict[str, list[Fault]] = defaultdict(list)
        self.socket_acks: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self._ts = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._socket: web.WebSocketResponse | None = None
        self.port = 0

    # ── life ───────────────────────────────────────────────────────────────
    def start(self) -> FakeSlack:
        ready = threading.Event()
        threading.Thread(target=self._serve, args=(ready,), daemon=True).start()
        if not ready.wait(WAIT):
            raise RuntimeError("the fake Slack did not start")
        return self

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._open())
        ready.set()
        self._loop.run_forever()

    async def _open(self) -> None:
        server = web.Application()
        server.router.add_route("*", "/api/{method}", self._api)
        server.router.add_post("/response/{id}", self._response_url)
        server.router.add_get("/socket", self._websocket)
        self._runner = web.AppRunner(server)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        async def close() -> None:
            if self._socket is not None:
                await self._socket.close()
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(WAIT)
        self._loop.call_soon_threadsafe(self._loop.stop)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    # ── what a test sets up ────────────────────────────────────────────────
    def person(self, user_id: str, email: str, name: str, locale: str = "en-US") -> None:
        """Someone in the workspace, as users.info and users.lookupByEmail show them."""
        self.people[user_id] = {
            "id": user_id,
            "team_id": TEAM,
            "name": email.split("@", maxsplit=1)[0],
            "real_name": name,
            "deleted": False,
            "is_bot": False,
            "tz": "Asia/Ho_Chi_Minh",
            "locale": locale,
            "profile": {"real_name": name, "display_name": name, "email": email},
        }

    def fail(
        self,
        method: str,
        status: int = 429,
        error: str = "ratelimited",
        times: int = 1,
        retry_after: int = 0,
    ) -> None:
        """The next `times` calls of `method` fail: 429 with Retry-After, or ok=false."""
        headers = {"Retry-After": str(retry_after)} if status == 429 else {}
        for _ in range(times):
            self.faults[method].append(Fault(status, {"ok": False, "error": error}, headers))

    # ── what a test checks ─────────────────────────────────────────────────
    def called(self, method: str, ok_only: bool = True) -> list[dict[str, Any]]:
        with self._changed:
            return [c.args for c in self.calls if c.method == method and (c.ok or not ok_only)]

    def wait(self, method: str, count: int = 1) -> list[dict[str, Any]]:
        """The calls of `method` once there are `count` of them (waits on the server)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.called(method)) >= count, WAIT):
                raise AssertionError(f"{method}: {len(self.called(method))} calls, wanted {count}")
            return self.called(method)

    def posted(self) -> list[dict[str, Any]]:
        """Every message posted, with the `ts` Slack gave it, oldest first."""
        with self._changed:
            return [
                {**c.args, "ts": c.answer["ts"]}
                for c in self.calls
                if c.method == "chat.postMessage" and c.ok
            ]

    def _record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # ── the Web API ────────────────────────────────────────────────────────
    async def _api(self, request: web.Request) -> web.Response:
        method, args = request.match_info["method"], await _arguments(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        fault = self.faults[method].pop(0) if self.faults[method] else None
        if fault is not None:
            self._record(Call(method, args, token, fault.status, ok=False))
            return web.json_response(fault.body, status=fault.status, headers=fault.headers)
        expected = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
        answer = self._answer(method, args) if token == expected else _error("invalid_auth")
        self._record(Call(method, args, token, ok=bool(answer["ok"]), answer=answer))
        return web.json_response(answer)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "users.lookupByEmail": self._lookup,
            "conversations.open": self._conversations_open,
            "chat.postMessage": self._post,
            "chat.update": self._chat_update,
            "views.open": self._view,
            "views.update": self._view,
            "views.publish": self._view,
            "apps.connections.open": self._apps_connections_open,
        }
        handler = handlers.get(method)
        return handler(args) if handler else _error("unknown_method")

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://saomai.slack.com/",
            "team": "Sao Mai",
            "user": "replyminder",
            "team_id": TEAM,
            "user_id": BOT_USER,
            "bot_id": "B0BOTFAKE1",
        }

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.people.get(str(args.get("user")))
        return {"ok": True, "user": user} if user else _error("user_not_found")

    def _lookup(self, args: dict[str, Any]) -> dict[str, Any]:
        wanted = str(args.get("email", "")).lower()
        found = [u for u in self.people.values() if u["profile"]["email"] == wanted]
        return {"ok": True, "user": found[0]} if found else _error("users_not_found")

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("users", ""))
        return {"ok": True, "channel": {"id": "D" + user[1:], "is_im": True, "user": user}}

    def _post(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = f"1764464400.{next(self._ts):06d}"
        message = {"type": "message", "user": BOT_USER, "text": args.get("text", ""), "ts": ts}
        return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": message}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "channel": args.get("channel"),
            "ts": args.get("ts"),
            "text": args.get("text", ""),
        }

    def _view(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "view": {"id": f"V{next(self._ts):09d}", "hash": "1.abc", **args.get("view", {})},
        }

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}

    async def _response_url(self, request: web.Request) -> web.Response:
        self._record(Call("response_url", await request.json(), ""))
        return web.Response(text="ok")

    # ── Socket Mode ────────────────────────────────────────────────────────
    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._socket = socket
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0FAKE"}}
        await socket.send_str(json.dumps(hello))
        self._record(Call("socket.connected", {}, ""))
        pinging = asyncio.create_task(_ping(socket))
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                self._record(Call("socket.ack", json.loads(message.data), ""))
        pinging.cancel()
        return socket

    def push(self, envelope: dict[str, Any]) -> None:
        """Send an envelope down the Socket Mode connection, as Slack does."""
        assert self._socket is not None, "nobody connected to the socket"
        sent = asyncio.run_coroutine_threadsafe(
            self._socket.send_str(json.dumps(envelope)), self._loop
        )
        sent.result(WAIT)


async def _ping(socket: web.WebSocketResponse) -> None:
    """Slack pings its clients; so does the fake, often and without a deadline for the
    pong. It also lets the SDK's client, blocked reading while it holds its lock,
    notice a close() at once instead of after its 3-second read timeout."""
    while not socket.closed:
        await socket.ping()
        await asyncio.sleep(0.2)


async def _arguments(request: web.Request) -> dict[str, Any]:
    """The call's arguments, wherever slack_sdk put them (query, form or JSON)."""
    args: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        args.update(await request.json())
    elif request.can_read_body:
        args.update(dict(await request.post()))
    for name in ("blocks", "view", "attachments"):  # form-encoded calls send these as JSON text
        if isinstance(args.get(name), str):
            args[name] = json.loads(args[name])
    return args


def _error(code: str) -> dict[str, Any]:
    return {"ok": False, "error": code}
