"""The Slack app manifest asks for what the bot uses, and points where it listens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.chat.slack import EVENTS_PATH

MANIFEST = Path(__file__).resolve().parents[2] / "slack" / "manifest.yaml"


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return loaded


def test_the_scopes_are_the_ones_the_bot_needs_and_no_more() -> None:
    """chat:write, im:history, im:write, users:read, users:read.email, commands."""
    expected = [
        "chat:write",
        "im:history",
        "im:write",
        "users:read",
        "users:read.email",
        "commands",
    ]
    assert expected == manifest()["oauth_config"]["scopes"]["bot"]


def test_the_events_are_the_ones_the_bot_listens_to() -> None:
    """message.im (typed commands) and app_home_opened (the Home tab), nothing else."""
    assert ["app_home_opened", "message.im"] == manifest()["settings"]["event_subscriptions"][
        "bot_events"
    ]


def test_every_url_is_our_events_endpoint() -> None:
    """Events, interactivity and the slash command all go to POST /slack/events."""
    m = manifest()
    urls = {
        m["settings"]["event_subscriptions"]["request_url"],
        m["settings"]["interactivity"]["request_url"],
        *(c["url"] for c in m["features"]["slash_commands"]),
    }
    assert {"https://replyminder.example.com" + EVENTS_PATH} == urls
    assert ["/replyminder"] == [c["command"] for c in m["features"]["slash_commands"]]
    assert m["features"]["app_home"]["home_tab_enabled"] is True
