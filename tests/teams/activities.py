"""Activity JSON as Teams posts it to /api/messages, shaped like the recorded ones.

The shapes follow ../shared/corpora: `chat-webhooks-vercel-chat-replay/dm/teams.json`
(a personal `message`), `actions-reactions/teams.json` (an `Action.Submit` click:
a `message` with `value` and `replyToId`), `teams-activity-examples/msteams-docs/
subscribe-to-conversation-events__L525__conversationUpdate.json` (the personal
app installed: `membersAdded` with the bot and the user) and `teams-net-tests/
invoke_adaptiveCard-action_personal.json` (an `Action.Execute` invoke).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from tests.teams.fake_connector import TENANT

BOT = {"id": "28:11111111-2222-3333-4444-555555555555", "name": "Replyminder"}
_ids = itertools.count(1_767_378_504_354)


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    number: int
    locale: str = "vi-VN"

    @property
    def user_id(self) -> str:
        return f"29:1xXxFakeUser{self.number:02d}Base64IdStringForTeamsPlatformAbcDeFgHiJk"

    @property
    def aad(self) -> str:
        return f"00000000-1111-2222-3333-{self.number:012d}"

    @property
    def conversation(self) -> str:
        return f"a:17NditBRO5pbPlIimLiU0g7vfMqIYTPwqILZJq-Fake{self.number:02d}"

    @property
    def account(self) -> dict[str, str]:
        return {"id": self.user_id, "name": self.name, "aadObjectId": self.aad}


def _activity(kind: str, who: Person, service_url: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "id": str(next(_ids)),
        "timestamp": "2026-11-30T01:10:00.000Z",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": who.account,
        "conversation": {
            "conversationType": "personal",
            "tenantId": TENANT,
            "id": who.conversation,
        },
        "recipient": BOT,
        "channelData": {"tenant": {"id": TENANT}},
        "locale": who.locale,
        **fields,
    }


def installed(who: Person, service_url: str) -> dict[str, Any]:
    """The personal app was installed: Teams adds the bot and the user to a 1:1 chat."""
    members = [{"id": BOT["id"]}, {"id": who.user_id, "aadObjectId": who.aad}]
    return _activity("conversationUpdate", who, service_url, membersAdded=members)


def uninstalled(who: Person, service_url: str, action: str = "remove") -> dict[str, Any]:
    """The personal app was removed (or, with "add", added): an installationUpdate, as
    Microsoft's documentation of conversation events shows it (no recording exists)."""
    return _activity("installationUpdate", who, service_url, action=action)


def bot_left(who: Person, service_url: str) -> dict[str, Any]:
    """The bot removed from the 1:1 chat: a conversationUpdate with membersRemoved."""
    return _activity("conversationUpdate", who, service_url, membersRemoved=[{"id": BOT["id"]}])


def typed(who: Person, service_url: str, text: str) -> dict[str, Any]:
    return _activity("message", who, service_url, text=text, textFormat="plain")


def clicked(who: Person, service_url: str, value: dict[str, Any], card_id: str) -> dict[str, Any]:
    """An Action.Submit: a message with the button's data and the inputs, and no text."""
    data = {"source": {"name": "message"}, "legacy": {"replyToId": "1:1aEb_t8xYcdQWHv96"}}
    return _activity(
        "message",
        who,
        service_url,
        value=value,
        replyToId=card_id,
        channelData={"tenant": {"id": TENANT}, **data},
    )


def executed(who: Person, service_url: str, data: dict[str, Any], card_id: str) -> dict[str, Any]:
    """An Action.Execute: an invoke that needs an invoke response."""
    action = {"type": "Action.Execute", "title": "Done", "verb": "replyminder", "data": data}
    value = {"action": action, "trigger": "manual"}
    return _activity(
        "invoke", who, service_url, name="adaptiveCard/action", value=value, replyToId=card_id
    )


def in_channel(activity: dict[str, Any]) -> dict[str, Any]:
    """The same activity posted in a team channel instead of the 1:1 chat."""
    channel = "19:d441d38c655c47a085215b2726e76927@thread.tacv2"
    conversation = {"isGroup": True, "conversationType": "channel", "tenantId": TENANT}
    return activity | {"conversation": conversation | {"id": channel}}
