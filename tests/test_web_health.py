"""The health endpoint: anyone can ask it, so it says whether, never why."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import pytest
from aiohttp.test_utils import make_mocked_request

from bot import web
from bot.store import db


def health(url: str) -> tuple[int, dict[str, object]]:
    store = db.connect(url)
    try:
        server = web.make_web_app(SimpleNamespace(store=store, web_routes=()))  # type: ignore[arg-type]
        response = asyncio.run(web._health(make_mocked_request("GET", "/healthz", app=server)))
        return response.status, json.loads(response.text or "{}")
    finally:
        store.engine.dispose()


def test_a_reachable_database_is_ok(tmp_path: object) -> None:
    assert (200, {"ok": True, "database": "sqlite"}) == health(f"sqlite:///{tmp_path}/h.db")


def test_an_unreachable_database_is_named_by_no_host_port_or_role(
    caplog: pytest.LogCaptureFixture,
) -> None:
    status, body = health("postgresql+psycopg://secretrole@127.0.0.1:1/replyminder")
    assert (503, {"ok": False, "database": "unavailable"}) == (status, body)
    assert "127.0.0.1" in caplog.text  # the reason goes to the log
