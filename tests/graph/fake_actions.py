"""The fake Graph's non-delta endpoints: listing, one message, drafts, sending, the directory.

Behaviour follows Microsoft's Graph reference: `createReply` and `createForward`
(201, a draft in Drafts, in the same conversation, the comment above the quoted
original; a reply carries In-Reply-To and References, a forward the original's
attachments); a `comment` together with `message.body` is a 400; PATCH changes
only updatable properties, and subject, body and internetMessageId only on a
draft; `send` (202) needs a draft with a recipient, moves it to Sent Items and
marks the original as replied to or forwarded; `reply` and `forward` do both
steps at once (202). The directory search needs `ConsistencyLevel: eventual`.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote

from tests.graph.fake_delta import BadQuery, canonical, parse_query, render
from tests.graph.fake_mailbox import (
    IN_REPLY_TO,
    REFERENCES,
    Box,
    Json,
    Message,
    address,
    new_id,
    stamp,
)
from tests.graph.fake_server import Request, Response, error

if TYPE_CHECKING:
    from tests.graph.fake_graph import FakeGraph

_FOLDER_LIST = re.compile(r"^mailFolders/(?P<folder>\w+)/messages$")
_MESSAGE = re.compile(r"^messages/(?P<id>[^/]+)(?:/(?P<action>\w+))?$")
_MARKER = re.compile(
    r"^singleValueExtendedProperties/any\(ep: ep/id eq '((?:[^']|'')*)'"
    r" and ep/value eq '((?:[^']|'')*)'\)$",
    re.IGNORECASE,
)
_VERB = {
    "createReply": "reply",
    "createReplyAll": "reply_all",
    "createForward": "forward",
    "reply": "reply",
    "replyAll": "reply_all",
    "forward": "forward",
}
_UPDATABLE = {
    "bccRecipients",
    "body",
    "categories",
    "ccRecipients",
    "flag",
    "from",
    "importance",
    "inferenceClassification",
    "internetMessageId",
    "isDeliveryReceiptRequested",
    "isRead",
    "isReadReceiptRequested",
    "replyTo",
    "sender",
    "subject",
    "toRecipients",
    "singleValueExtendedProperties",
    "multiValueExtendedProperties",
}
_DRAFT_ONLY = {"body", "internetMessageId", "replyTo", "subject"}


def route(fake: FakeGraph, box: Box, rest: str, request: Request) -> Response:
    if found := _FOLDER_LIST.match(rest):
        return _list(fake, box, found["folder"].lower(), request)
    if rest == "messages":
        return _with_marker(fake, box, request)
    found = _MESSAGE.match(rest)
    message = box.messages.get(unquote(found["id"])) if found else None
    if found is None or message is None:
        return error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
    return _on_message(fake, box, message, found["action"], request)


def _on_message(
    fake: FakeGraph, box: Box, message: Message, action: str | None, request: Request
) -> Response:
    call = (request.method, action)
    if call == ("GET", None):
        return Response(200, fake.show(box, message.id, request))
    if call == ("PATCH", None):
        return _patch(fake, box, message, request.json())
    if request.method == "POST" and action in _VERB:
        return _act(fake, box, message, str(action), request.json())
    if call == ("POST", "send"):
        return _send(fake, box, message)
    return error(405, "ErrorInvalidRequest", "The OData request is not supported.")


def _list(fake: FakeGraph, box: Box, folder: str, request: Request) -> Response:
    query = parse_query(request)
    found = sorted(box.in_folder(folder), key=lambda m: m.received, reverse=True)
    if query.since is not None:
        found = [m for m in found if m.received >= query.since]
    top = int(request.query.get("$top", "10"))
    body: Json = {"value": [render(m, query, fake.content_served) for m in found[:top]]}
    if request.query.get("$count") == "true":
        body["@odata.count"] = len(found)
    return Response(200, body)


def _with_marker(fake: FakeGraph, box: Box, request: Request) -> Response:
    found = _MARKER.match(request.query.get("$filter", ""))
    if found is None:
        raise BadQuery("The fake Graph lists mailbox messages only by an extended property filter")
    wanted, value = (part.replace("''", "'") for part in found.groups())
    hits = [
        m
        for m in box.messages.values()
        if any(k.lower() == wanted.lower() and v == value for k, v in m.properties.items())
    ]
    query = parse_query(
        Request("GET", "", "", {k: v for k, v in request.query.items() if k != "$filter"}, {})
    )
    return Response(200, {"value": [render(m, query, fake.content_served) for m in hits]})


def _patch(fake: FakeGraph, box: Box, message: Message, changes: Json) -> Response:
    for name, value in changes.items():
        if name not in _UPDATABLE or (name in _DRAFT_ONLY and not message.data.get("isDraft")):
            return error(
                400,
                "ErrorInvalidPropertyUpdateSentMessage"
                if name in _DRAFT_ONLY
                else "ErrorInvalidProperty",
                f"Update operation on property '{name}' is not supported.",
            )
        if name == "singleValueExtendedProperties":
            message.properties.update({canonical(p["id"]): str(p["value"]) for p in value})
        elif name != "multiValueExtendedProperties":
            message.data[name] = value
    box.touch(message)
    return Response(
        200, render(message, parse_query(Request("GET", "", "", {}, {})), fake.content_served)
    )


def _act(fake: FakeGraph, box: Box, original: Message, action: str, body: Json) -> Response:
    extra = body.get("message") or {}
    if body.get("comment") is not None and "body" in extra:
        return error(
            400, "ErrorInvalidRequest", "Comment and Message.Body cannot both be specified."
        )
    draft = _draft(box, original, _VERB[action], str(body.get("comment") or ""))
    if body.get("toRecipients"):
        draft.data["toRecipients"] = body["toRecipients"]
    refused = _patch(fake, box, draft, extra) if extra else None
    if refused is not None and refused.status != 200:
        return refused
    if action.startswith("create"):
        return Response(
            201, render(draft, parse_query(Request("GET", "", "", {}, {})), fake.content_served)
        )
    sent = _send(fake, box, draft)
    return sent if sent.status != 202 else Response(202)


def _draft(box: Box, original: Message, verb: str, comment: str) -> Message:
    data = original.data
    prefix = "FW: " if verb == "forward" else "RE: "
    sender = data["from"]
    to = [] if verb == "forward" else list(data.get("replyTo") or [sender])
    if verb == "reply_all":
        to += [
            r
            for r in data.get("toRecipients", []) + data.get("ccRecipients", [])
            if r["emailAddress"]["address"] != box.address
        ]
    name, subject = html.escape(sender["emailAddress"]["name"]), html.escape(data["subject"])
    header = f"<b>From:</b> {name}<br><b>Subject:</b> {subject}"
    quoted = f'<hr><div id="divRplyFwdMsg">{header}</div>{data["body"]["content"]}'
    content = f"<html><body><div>{html.escape(comment)}</div>{quoted}</body></html>"
    draft = Message(
        new_id(),
        "drafts",
        {
            "subject": prefix + data["subject"],
            "body": {"contentType": "html", "content": content},
            "from": address(box.address, box.name),
            "sender": address(box.address, box.name),
            "toRecipients": to,
            "ccRecipients": [],
            "replyTo": [],
            "importance": "normal",
            "conversationId": data["conversationId"],
            "isDraft": True,
            "isRead": True,
            "internetMessageId": f"<{new_id()[-12:]}@{box.address.rpartition('@')[2]}>",
            "hasAttachments": verb == "forward" and bool(original.attachments),
        },
        origin=(original.id, verb),
    )
    if verb == "forward":
        draft.attachments = [dict(a) for a in original.attachments]
    else:
        parent_id = data["internetMessageId"]
        draft.properties[IN_REPLY_TO] = parent_id
        draft.properties[REFERENCES] = (
            f"{original.properties.get(REFERENCES, '')} {parent_id}".strip()
        )
    return box.put(draft)


def _send(fake: FakeGraph, box: Box, draft: Message) -> Response:
    if not draft.data.get("isDraft"):
        return error(400, "ErrorInvalidOperation", "The item has already been sent.")
    if not draft.data.get("toRecipients"):
        return error(
            400,
            "ErrorInvalidRecipients",
            "At least one recipient isn't valid., "
            "A message can't be sent because it contains no recipients.",
        )
    draft.data.update(isDraft=False, sentDateTime=stamp(fake.at), receivedDateTime=stamp(fake.at))
    box.move(draft, "sentitems")
    fake.outbound.append(
        {
            "from": box.address,
            **draft.data,
            "properties": dict(draft.properties),
            "attachments": [a["name"] for a in draft.attachments],
        }
    )
    if draft.origin is not None and draft.origin[0] in box.messages:
        box.set_verb(draft.origin[0], draft.origin[1], fake.at)
    return Response(202)


def search(fake: FakeGraph, request: Request) -> Response:
    if request.headers.get("consistencylevel", "").lower() != "eventual":
        return error(
            400,
            "Request_UnsupportedQuery",
            "Request with $search query parameter only works through MSGraph with a special "
            "request header: 'ConsistencyLevel: eventual'",
        )
    found = re.fullmatch(r'"displayName:([^"]*)"', request.query.get("$search", ""))
    if found is None:
        return error(
            400,
            "Request_UnsupportedQuery",
            "Unsupported or invalid query filter clause specified for property 'displayName'",
        )
    wanted = found[1].casefold()
    people = [
        {"displayName": name, "mail": mail}
        for name, mail in fake.directory
        if any(word.startswith(wanted) for word in name.casefold().split())
    ]
    return Response(200, {"value": people[: int(request.query.get("$top", "100"))]})
