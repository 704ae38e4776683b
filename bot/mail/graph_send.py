"""Holding replies and forwards through Graph, in the thread and saved to Sent Items.

`graph.py` delegates `reply` and `forward` here. A send is four requests:
1. look the marker up (`$filter` on the marker property): if a message carrying
   it was sent already (a retry after a crash or a lost answer), do nothing; if
   only its draft exists, send that draft;
2. `createReply` / `createForward` with the text as `comment`: Exchange builds
   the draft in the thread (In-Reply-To, References, conversation, the quoted
   or forwarded original with its attachments);
3. PATCH the draft: recipients, subject, and the `X-Replyminder` marker as an
   extended property in the internet-headers namespace (`graph_items.MARKER`),
   which Exchange sends as a header and keeps on the copy in Sent Items, where
   ingest reads it back and knows the message as the bot's own;
4. `send` (202): Exchange moves the draft to Sent Items and marks the original
   as replied to or forwarded.
`sendMail` cannot do this: it refuses In-Reply-To and References (INTEGRATIONS.md).
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from bot.core.mail import Address, Outgoing
from bot.mail import graph_items
from bot.mail.graph_client import READ, SEND, GraphClient, Json

REPLY = "createReply"
FORWARD = "createForward"

log = logging.getLogger("bot.mail.graph")


def send(client: GraphClient, user: str, original: str, message: Outgoing, action: str) -> None:
    """Send `message` as a reply to (or a forward of) `original`, at most once per marker."""
    found = _carrying(client, user, message.marker)
    if any(not item.get("isDraft") for item in found):
        log.info("%s: %s was sent before: not sending it again", user, message.marker)
        return
    draft = next((str(item["id"]) for item in found), None)
    if draft is None:
        draft = _draft(client, user, original, message, action)
    client.call(user, "POST", _message_url(client, user, draft, "send"), permission=SEND)


def _carrying(client: GraphClient, user: str, marker: str) -> list[Json]:
    """Messages anywhere in the mailbox (Drafts, Sent Items…) that carry this marker."""
    value = marker.replace("'", "''")  # OData string literal
    condition = f"ep/id eq '{graph_items.MARKER}' and ep/value eq '{value}'"
    found = client.get(
        user,
        client.url(user, "messages"),
        params={
            "$filter": f"singleValueExtendedProperties/Any(ep: {condition})",
            "$select": "id,isDraft",
        },
    )
    return list(found.get("value") or [])


def _draft(client: GraphClient, user: str, original: str, message: Outgoing, action: str) -> str:
    created = client.call(
        user, "POST", _message_url(client, user, original, action), body={"comment": message.body}
    )
    draft = str(created["id"])
    client.call(
        user, "PATCH", _message_url(client, user, draft), body=_patch(message), permission=READ
    )
    return draft


def _patch(message: Outgoing) -> Json:
    return {
        "subject": message.subject,
        "toRecipients": [_recipient(address) for address in message.to],
        "singleValueExtendedProperties": [{"id": graph_items.MARKER, "value": message.marker}],
    }


def _recipient(address: Address) -> Json:
    return {"emailAddress": {"address": address.email, "name": address.name or address.email}}


def _message_url(client: GraphClient, user: str, message_id: str, action: str = "") -> str:
    url = client.url(user, f"messages/{quote(message_id, safe='')}")
    return f"{url}/{action}" if action else url
