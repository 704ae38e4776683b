"""The fake EWS server's mailboxes: folders, items, a change log, sync states it hands out.

Honest in the ways the provider depends on: every change (a delivery, an
update, a read flag, a move, a deletion) gets a sequence number in its folder;
a SyncState names the last sequence a client has seen, and SyncFolderItems
answers with what changed after it, collapsed per item (created since → Create,
changed since → Update, only read → ReadFlagChange, gone → Delete), at most
MaxChangesReturned at a time. `forget_sync_states` makes every state handed out
so far invalid, as a mailbox move or a server-side reset does. Replies and
forwards are composed the way Exchange does from a ReplyToItem / ForwardItem:
threaded under the original, its body quoted, the original's last verb set
when the message is sent.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

Person = tuple[str, str]  # (display name, SMTP address)
LAST_VERB, LAST_VERB_TIME = ("tag", "0x1081"), ("tag", "0x1082")
FOLDERS = ("inbox", "sentitems", "drafts")
VERBS = {"ReplyToItem": 102, "ReplyAllToItem": 103, "ForwardItem": 104}


class InvalidSyncState(Exception):
    pass


@dataclass
class Attached:
    name: str
    content_type: str
    size: int
    inline: bool = False
    content_id: str | None = None
    item: bool = False  # an attached message (ItemAttachment)


@dataclass
class Item:
    id: str
    mailbox: str
    folder: str
    subject: str = ""
    body: str = ""
    html: bool = False
    sender: Person | None = None
    to: list[Person] = field(default_factory=list)
    cc: list[Person] = field(default_factory=list)
    reply_to: list[Person] = field(default_factory=list)
    message_id: str | None = None
    in_reply_to: str | None = None
    references: str | None = None
    conversation_id: str = ""
    importance: str = "Normal"
    received: datetime = datetime(2026, 11, 30, tzinfo=UTC)
    sent: datetime | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[Attached] = field(default_factory=list)
    extended: dict[tuple[str, ...], str] = field(default_factory=dict)
    item_class: str = "IPM.Note"
    is_read: bool = False
    changekey: int = 1
    response_to: tuple[str, str] | None = None  # a draft made from ReplyToItem …: (verb, original)


@dataclass
class Outbound:
    """A message the server sent on a mailbox's behalf: what reached the outside world."""

    mailbox: str
    verb: str  # "ReplyToItem", "ForwardItem", "Message"
    to: list[Person]
    subject: str
    body: str
    in_reply_to: str | None
    references: str | None
    headers: dict[str, str]


class Store:
    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self.lock = threading.RLock()
        self.items: dict[str, Item] = {}
        self.logs: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
        self.epochs: dict[str, int] = {}
        self.names: dict[str, str] = {}  # mailbox → its owner's display name
        self.outbound: list[Outbound] = []
        self._ids = itertools.count(1)
        self._seq = itertools.count(1)

    def add_mailbox(self, email: str, name: str = "") -> None:
        with self.lock:
            self.names[email.lower()] = name
            self.epochs.setdefault(email.lower(), 1)

    def put(self, mailbox: str, folder: str, **fields: object) -> Item:
        """A new item in a folder (a delivery, a sent copy, a draft)."""
        with self.lock:
            number = next(self._ids)
            raw = f"{mailbox.lower()}:{number}".encode()
            item = Item(
                id="AAMkA" + base64.b64encode(raw).decode(),
                mailbox=mailbox.lower(),
                folder=folder,
                **fields,
            )  # type: ignore[arg-type]
            domain = mailbox.rpartition("@")[2]
            item.message_id = item.message_id or f"<fake{number}@{domain}>"
            item.conversation_id = item.conversation_id or f"AAQkConv{number}="
            self.items[item.id] = item
            self._log(item, "create")
            return item

    def touch(self, item: Item, kind: str = "update") -> None:
        """Record a change of `item` ("update" or "read") with a new change key."""
        with self.lock:
            item.changekey += 1
            self._log(item, kind)

    def remove(self, item: Item) -> None:
        with self.lock:
            self._log(item, "delete")
            del self.items[item.id]

    def move(self, item: Item, folder: str) -> None:
        with self.lock:
            self._log(item, "delete")
            item.folder = folder
            item.changekey += 1
            self._log(item, "create")

    def _log(self, item: Item, kind: str) -> None:
        self.logs.setdefault((item.mailbox, item.folder), []).append(
            (next(self._seq), item.id, kind)
        )

    def mailbox_of(self, item_id: str) -> str | None:
        try:
            return base64.b64decode(item_id.removeprefix("AAMkA")).decode().rpartition(":")[0]
        except ValueError:
            return None

    # ── SyncFolderItems ─────────────────────────────────────────────────────
    def forget_sync_states(self, mailbox: str) -> None:
        with self.lock:
            self.epochs[mailbox.lower()] += 1

    def sync(
        self, mailbox: str, folder: str, state: str | None, limit: int
    ) -> tuple[list[tuple[str, str]], str, bool]:
        """(changes as (kind, item id), the new state, includes the last change)."""
        with self.lock:
            since = self._seen(mailbox, folder, state)
            log = [entry for entry in self.logs.get((mailbox, folder), []) if entry[0] > since]
            changes = _collapse(log)
            shown = changes[:limit]
            last = len(shown) == len(changes)
            upto = (log[-1][0] if log else since) if last else shown[-1][0]
            token = json.dumps({"m": mailbox, "f": folder, "s": upto, "e": self.epochs[mailbox]})
            kept = [(kind, item_id) for _, kind, item_id in shown]
            return kept, base64.b64encode(token.encode()).decode(), last

    def _seen(self, mailbox: str, folder: str, state: str | None) -> int:
        if not state:
            return 0
        try:
            data = json.loads(base64.b64decode(state))
            valid = (data["m"], data["f"], data["e"]) == (mailbox, folder, self.epochs[mailbox])
        except (ValueError, KeyError, TypeError):
            valid = False
        if not valid:
            raise InvalidSyncState(state)
        return int(data["s"])

    # ── replies and forwards ────────────────────────────────────────────────
    def respond(self, verb: str, original: Item, folder: str, **fields: object) -> Item:
        """A draft made from a response object, as Exchange composes it."""
        quoted = _quote(original)
        body = str(fields.pop("body", "") or "")
        item = self.put(original.mailbox, folder, body=f"{body}\n\n{quoted}", **fields)
        item.conversation_id = original.conversation_id
        item.sender = (self.names.get(original.mailbox, ""), original.mailbox)
        item.response_to = (verb, original.id)
        if verb != "ForwardItem":
            item.in_reply_to = original.message_id
            item.references = " ".join(filter(None, (original.references, original.message_id)))
            if not item.to and original.sender:
                item.to = [original.sender]
        return item

    def send(self, draft: Item, saved_to: str | None) -> Outbound:
        """Send a draft: it leaves for the outside world, a copy lands in `saved_to`."""
        with self.lock:
            verb, original_id = draft.response_to or ("Message", "")
            headers = {
                name[2]: value for name, value in draft.extended.items() if name[0] == "name"
            }
            sent = Outbound(
                draft.mailbox,
                verb,
                list(draft.to),
                draft.subject,
                draft.body,
                draft.in_reply_to,
                draft.references,
                headers,
            )
            self.outbound.append(sent)
            draft.sent = draft.received = self.now()
            if saved_to:
                self.move(draft, saved_to)
            else:
                self.remove(draft)
            if original := self.items.get(original_id):
                original.extended[LAST_VERB] = str(VERBS[verb])
                original.extended[LAST_VERB_TIME] = self.now().strftime("%Y-%m-%dT%H:%M:%SZ")
                self.touch(original)
            return sent


def _collapse(log: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """Per item, its net change since the state, ordered by its latest sequence number."""
    first: dict[str, str] = {}
    latest: dict[str, tuple[int, str]] = {}
    kinds: dict[str, set[str]] = {}
    for seq, item_id, kind in log:
        first.setdefault(item_id, kind)
        latest[item_id] = (seq, kind)
        kinds.setdefault(item_id, set()).add(kind)
    out = []
    for item_id, (seq, kind) in latest.items():
        created = first[item_id] == "create"
        if kind == "delete":
            net = None if created else "delete"
        elif created:
            net = "create"
        else:
            net = "update" if "update" in kinds[item_id] or "create" in kinds[item_id] else "read"
        if net:
            out.append((seq, net, item_id))
    return sorted(out)


def _quote(original: Item) -> str:
    sender = original.sender[0] if original.sender else ""
    sent = (original.sent or original.received).strftime("%A, %B %d, %Y %I:%M %p")
    to = "; ".join(name or email for name, email in original.to)
    head = f"From: {sender}\nSent: {sent}\nTo: {to}\nSubject: {original.subject}"
    return "________________________________\n" + head + "\n\n" + original.body
