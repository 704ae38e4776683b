"""How the fake Graph shows messages: `$select`, `$expand`, and delta rounds with their links.

Modelled on Microsoft's Graph reference for `message: delta` and on what Exchange
Online answers: the first request of a round carries the query (`$select`,
`$expand`, and only `$filter=receivedDateTime ge …`), which the server encodes
into opaque `$skiptoken` / `$deltatoken` links of its own shape
(`/users('{guid}')/mailFolders('{id}')/messages/delta?$skiptoken=…`); pages hold
`Prefer: odata.maxpagesize` entries (10 without it); a round lists what changed
after the previous round's watermark, removals as `{"id", "@removed"}`; an
expired token is 410 `SyncStateNotFound`. Extended properties come back only when
expanded with a `$filter` on their ids, with GUIDs in lower case, as Graph does.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from tests.graph.fake_mailbox import Box, Json, Message
from tests.graph.fake_server import Request, Response, error

_SINCE = re.compile(r"^receivedDateTime (ge|gt) (\S+)$")
_PROPERTY_IDS = re.compile(r"id eq '((?:[^']|'')*)'")
_PAGE = re.compile(r"odata\.maxpagesize=(\d+)")
ALWAYS = ("@odata.type", "@odata.etag", "id")


@dataclass
class Query:
    select: tuple[str, ...] | None
    expand: str
    since: str | None


@dataclass
class Round:
    box: Box
    folder: str
    entries: list[tuple[str, bool]]  # (message id, removed)
    upto: int  # the watermark the round's deltaLink stands for
    query: Query


class BadQuery(Exception):
    """A query Graph would refuse with 400."""


def parse_query(request: Request) -> Query:
    select = request.query.get("$select")
    since = None
    if "$filter" in request.query:
        found = _SINCE.match(request.query["$filter"].strip())
        if found is None:
            raise BadQuery("The only supported $filter on delta is receivedDateTime ge/gt")
        since = found[2]
    fields = tuple(f.strip() for f in select.split(",")) if select else None
    return Query(fields, request.query.get("$expand", ""), since)


def page_size(request: Request) -> int:
    found = _PAGE.search(request.headers.get("prefer", ""))
    return int(found[1]) if found else 10


def start_round(box: Box, folder: str, after: int, query: Query) -> Round:
    live = [m for m in box.in_folder(folder) if m.version > after]
    if query.since is not None:
        live = [m for m in live if m.received >= query.since]
    ids = {m.id for m in live}
    entries = [(m.version, m.id, False) for m in live]
    if after:
        entries += [
            (v, i, True)
            for i, (f, v) in box.removed.items()
            if f == folder and v > after and i not in ids
        ]
    return Round(box, folder, [(i, gone) for _, i, gone in sorted(entries)], box.seq, query)


def render(message: Message, query: Query, served: list[int]) -> Json:
    """A message as Graph returns it for this `$select` and `$expand`."""
    out: Json = {
        "@odata.type": "#microsoft.graph.message",
        "@odata.etag": f'W/"CQAAABYAAAA{message.version:08d}"',
        "id": message.id,
    }
    for name in query.select or tuple(message.data):  # headers only when selected
        if name == "internetMessageHeaders":
            out[name] = message.headers or None
        elif name in message.data:
            out[name] = message.data[name]
        elif name not in ALWAYS and name not in KNOWN_EMPTY:
            raise BadQuery(
                f"Could not find a property named '{name}' on type 'microsoft.graph.message'."
            )
    for part in split_top(query.expand):
        _expand(out, message, part, served)
    return out


KNOWN_EMPTY = frozenset({"hasAttachments", "replyTo", "ccRecipients", "bccRecipients", "flag"})


def _expand(out: Json, message: Message, part: str, served: list[int]) -> None:
    name, _, inner = part.partition("(")
    inner = inner.removesuffix(")")
    if name == "singleValueExtendedProperties":
        wanted = {i.replace("''", "'").lower() for i in _PROPERTY_IDS.findall(inner)}
        found = [
            {"id": canonical(k), "value": v}
            for k, v in message.properties.items()
            if k.lower() in wanted
        ]
        if found:
            out[name] = found
    elif name == "attachments":
        fields = inner.removeprefix("$select=").split(",") if inner.startswith("$select=") else None
        out[name] = [_attachment(a, fields, served) for a in message.attachments]
    else:
        raise BadQuery(f"Could not find a navigation property named '{name}'.")


def _attachment(attachment: Json, fields: list[str] | None, served: list[int]) -> Json:
    if fields is None:
        served.append(1)  # content went over the wire: the provider must never cause this
        return dict(attachment)
    return {k: v for k, v in attachment.items() if k in fields or k == "@odata.type"}


def canonical(property_id: str) -> str:
    """Graph writes the GUID of a named property in lower case."""
    return re.sub(r"\{[0-9A-Fa-f-]+\}", lambda g: g[0].lower(), property_id)


def split_top(text: str) -> list[str]:
    """Comma-separated parts, ignoring commas inside parentheses."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [p.strip() for p in [*parts, current] if p.strip()]


class Links:
    """The opaque tokens of next and delta links, and what each stands for."""

    def __init__(self) -> None:
        self.skip: dict[str, tuple[Round, int]] = {}
        self.delta: dict[str, tuple[Box, str, int, Query]] = {}

    def expire(self) -> None:
        self.skip.clear()
        self.delta.clear()

    def page(
        self, base: str, current: Round, offset: int, size: int, served: list[int]
    ) -> Response:
        chunk = current.entries[offset : offset + size]
        values = []
        for message_id, removed in chunk:
            message = current.box.messages.get(message_id)
            if removed or message is None or message.folder != current.folder:
                values.append(
                    {
                        "@odata.type": "#microsoft.graph.message",
                        "id": message_id,
                        "@removed": {"reason": "deleted"},
                    }
                )
            else:
                values.append(render(message, current.query, served))
        folder = folder_token(current.folder)
        link = f"{base}/users('{current.box.guid}')/mailFolders('{folder}')/messages/delta"
        body: Json = {"@odata.context": f"{base}/$metadata#Collection(message)", "value": values}
        token = secrets.token_urlsafe(24)
        if offset + size < len(current.entries):
            self.skip[token] = (current, offset + size)
            body["@odata.nextLink"] = f"{link}?$skiptoken={token}"
        else:
            self.delta[token] = (current.box, current.folder, current.upto, current.query)
            body["@odata.deltaLink"] = f"{link}?$deltatoken={token}"
        return Response(200, body, {"Preference-Applied": f"odata.maxpagesize={size}"})

    def follow(self, request: Request) -> Round | tuple[Round, int] | Response:
        if token := request.query.get("$skiptoken"):
            found = self.skip.get(token)
            return found if found is not None else gone()
        found_delta = self.delta.get(request.query.get("$deltatoken", ""))
        if found_delta is None:
            return gone()
        box, folder, upto, query = found_delta
        return start_round(box, folder, upto, query)


def gone() -> Response:
    return error(
        410,
        "SyncStateNotFound",
        "The sync state generation is not found; generation=149;[highest=157][157][155][156].",
    )


def folder_token(folder: str) -> str:
    return "AAMkAGVm" + folder.encode().hex()


def folder_from_token(token: str) -> str:
    return bytes.fromhex(token.removeprefix("AAMkAGVm")).decode()
