"""Our own web server (bot/web.py) on a loopback port, in a thread of its own.

Tests talk to it over real HTTP, as Slack does. Closing it runs the server's
cleanup, which lets every piece of Slack work already started finish: a test
that closes the server first can then assert on everything that happened.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
from aiohttp import web

from bot import app as composition
from bot.web import make_web_app

WAIT = 30.0


class Served:
    def __init__(self, app: composition.App) -> None:
        self.app = app
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self.port = 0

    def start(self) -> Served:
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        try:
            asyncio.run_coroutine_threadsafe(self._open(), self._loop).result(WAIT)
        except BaseException:
            self.close()
            raise
        return self

    async def _open(self) -> None:
        runner = web.AppRunner(make_web_app(self.app))
        await runner.setup()  # starts Slack: auth.test, pools, Socket Mode
        self._runner = runner
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def post(self, path: str, body: str, headers: dict[str, str]) -> httpx.Response:
        return httpx.post(
            f"http://127.0.0.1:{self.port}{path}",
            content=body.encode(),
            headers=headers,
            timeout=WAIT,
        )

    def close(self) -> None:
        """Stop serving; in-flight work finishes first."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            asyncio.run_coroutine_threadsafe(runner.cleanup(), self._loop).result(WAIT)
        self._loop.call_soon_threadsafe(self._loop.stop)

    def __enter__(self) -> Served:
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.close()
