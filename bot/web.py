"""The web server: one aiohttp application for every chat platform's endpoint.

`GET /healthz` answers here; the Slack (`POST /slack/events`) and Teams
(`POST /api/messages`) adapters add their routes when they are configured
(`/api/messages` is always there: it answers 401 and logs why until Teams is set up).
"""

from __future__ import annotations

import logging

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot import app as composition
from bot.store import db

log = logging.getLogger(__name__)
APP_KEY = web.AppKey("replyminder", composition.App)


def make_web_app(app: composition.App) -> web.Application:
    """The server with /healthz and the routes of every chat platform the settings enable."""
    server = web.Application()
    server[APP_KEY] = app
    server.router.add_get("/healthz", _health)
    for attach in app.web_routes:
        attach(server)
    return server


async def _health(request: web.Request) -> web.Response:
    app = request.app[APP_KEY]
    try:
        with app.store.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:  # the reason is for the log, not for whoever asks
        log.warning("health check: database unavailable: %s", db.reason(error))
        return web.json_response({"ok": False, "database": "unavailable"}, status=503)
    return web.json_response({"ok": True, "database": app.store.dialect})


class PortUnavailable(Exception):
    """The web server cannot listen on its port; the message says why in one line."""


def serve(app: composition.App, port: int) -> None:
    log.info("web server on port %d", port)
    try:
        web.run_app(make_web_app(app), port=port, print=None)
    except OSError as error:  # raised while binding: in use, or not ours to take
        raise PortUnavailable(
            f"cannot listen on port {port}: {error.strerror or error} (REPLYMINDER_PORT)"
        ) from None
