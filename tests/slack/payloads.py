"""What Slack sends us, signed: events, clicks, slash commands and form submissions.

Shapes follow the recorded payloads in ../shared/corpora/chat-webhooks-vercel-chat-replay
(dm/slack-direct.json for message.im, actions-reactions/slack.json for block_actions,
slash-commands/slack.json for the command and view_submission) and the field
list of slack-java-sdk-json-samples (events/AppHomeOpenedPayload.json); the ids
are ours. The signature is Slack's v0 scheme: HMAC-SHA256 of "v0:{ts}:{body}".
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from tests.slack.fake_slack import BOT_USER, TEAM

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
APP_ID = "A0REPLYMIND"
_ids = itertools.count(1)


def sign(body: str, secret: str = SECRET, age: int = 0) -> dict[str, str]:
    """Slack's headers for `body`, sent `age` seconds ago."""
    at = str(int(time.time()) - age)
    digest = hmac.new(secret.encode(), f"v0:{at}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": at, "X-Slack-Signature": f"v0={digest}"}


def envelope(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    """An Events API callback around `event`, as in dm/slack-direct.json."""
    return {
        "token": "verification-token-unused",
        "team_id": TEAM,
        "context_team_id": TEAM,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):010d}",
        "event_time": int(time.time()),
        "authorizations": [
            {"team_id": TEAM, "user_id": BOT_USER, "is_bot": True, "is_enterprise_install": False}
        ],
        "is_ext_shared_channel": False,
    }


def dm(user: str, text: str, event_id: str | None = None) -> dict[str, Any]:
    """message.im: the user wrote `text` in their DM with the bot."""
    ts = f"1764465000.{next(_ids):06d}"
    event = {
        "type": "message",
        "user": user,
        "ts": ts,
        "client_msg_id": f"7f846ada-9111-41d4-983b-{next(_ids):012d}",
        "text": text,
        "team": TEAM,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": "yrdrR",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        ],
        "channel": "D" + user[1:],
        "event_ts": ts,
        "channel_type": "im",
    }
    return envelope(event, event_id)


def home_opened(user: str, tab: str = "home") -> dict[str, Any]:
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": "D" + user[1:],
        "tab": tab,
        "event_ts": f"1764465000.{next(_ids):06d}",
    }
    return envelope(event)


def slash(user: str, text: str, response_url: str) -> str:
    """/replyminder TEXT, form-encoded as Slack sends it."""
    fields = {
        "token": "verification-token-unused",
        "team_id": TEAM,
        "team_domain": "saomai",
        "channel_id": "C0GENERAL1",
        "channel_name": "general",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/replyminder",
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"10520020890661.10229338706656.{next(_ids):032x}",
    }
    return urlencode(fields)


def _user(user: str) -> dict[str, str]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM}


def click_on_message(
    user: str, message: dict[str, Any], block_id: str, action: dict[str, Any]
) -> dict[str, Any]:
    """block_actions on a message the bot posted (`message`: channel, ts, blocks)."""
    return {
        "type": "block_actions",
        "user": _user(user),
        "api_app_id": APP_ID,
        "token": "verification-token-unused",
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": message["channel"],
            "is_ephemeral": False,
        },
        "trigger_id": f"10215325802133.3901254001572.{next(_ids):032x}",
        "team": {"id": TEAM, "domain": "saomai"},
        "channel": {"id": message["channel"], "name": "directmessage"},
        "message": {
            "user": BOT_USER,
            "type": "message",
            "ts": message["ts"],
            "blocks": message.get("blocks", []),
        },
        "actions": [{**action, "block_id": block_id, "action_ts": f"{time.time():.6f}"}],
        "response_url": "https://hooks.slack.com/actions/T0SAOMAI01/1/unused",
    }


def click_on_view(
    user: str, view: dict[str, Any], block_id: str, action: dict[str, Any]
) -> dict[str, Any]:
    """block_actions on a view: the Home tab, or a widget inside an open form."""
    return {
        "type": "block_actions",
        "user": _user(user),
        "api_app_id": APP_ID,
        "token": "verification-token-unused",
        "container": {"type": "view", "view_id": view["id"]},
        "trigger_id": f"10215325802133.3901254001572.{next(_ids):032x}",
        "team": {"id": TEAM, "domain": "saomai"},
        "view": view,
        "actions": [{**action, "block_id": block_id, "action_ts": f"{time.time():.6f}"}],
    }


def submission(
    user: str, view: dict[str, Any], values: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """view_submission of an opened form with `values` typed in, as in slash-commands/slack.json."""
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "saomai"},
        "user": _user(user),
        "api_app_id": APP_ID,
        "token": "verification-token-unused",
        "trigger_id": f"10508000345735.10229338706656.{next(_ids):032x}",
        "view": {
            **view,
            "state": {"values": values},
            "team_id": TEAM,
            "app_id": APP_ID,
            "bot_id": "B0BOTFAKE1",
            "root_view_id": view["id"],
            "previous_view_id": None,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def form(payload: dict[str, Any]) -> str:
    """Interactivity payloads arrive form-encoded: payload=<json>."""
    return urlencode({"payload": json.dumps(payload)})
