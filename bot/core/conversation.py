"""Threading rules: which earlier mail a new one continues, and what answers what.

Mail is threaded by Message-ID / In-Reply-To / References first; without those
(Outlook strips them more often than one would hope), by the normalized subject
with the same counterpart, or by the "-----Original Message-----" block an
Outlook reply quotes (sender, date and subject of the message it answers).

`forest` builds whole conversation trees from those headers, JWZ-style: a message's
parent is the nearest id it names that is really there (In-Reply-To, then References
from the last), messages that only share a missing ancestor (a "ghost") are one
conversation, a reference loop is cut at its oldest message, and a Message-ID seen
twice counts once (the first copy).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from bot.core.mail import Address, Mail

SUBJECT_KEY_LIMIT = 255

# Reply and forward prefixes in English, Vietnamese (Outlook and Gmail localizations)
# and the other languages our users' partners write in.
_REPLY = r"re|aw|sv|vs|antw|odp|ynt|r|trả lời|tl|phản hồi"
_FORWARD = r"fwd?|tr|wg|rv|enc|chuyển tiếp|ct|i"
_PREFIX = re.compile(
    rf"^\s*(?:(?:{_REPLY}|{_FORWARD})\s*(?:\[\d+\]|\(\d+\))?\s*[:：]|\[[^\]]{{1,40}}\])\s*",
    re.IGNORECASE,
)
_FORWARD_PREFIX = re.compile(rf"^\s*(?:{_FORWARD})\s*[:：]", re.IGNORECASE)
_REPLY_OR_FORWARD = re.compile(rf"^\s*(?:{_REPLY}|{_FORWARD})\s*(?:\[\d+\]|\(\d+\))?\s*[:：]", re.I)
_SPACES = re.compile(r"\s+")

# Outlook's quoted header, English and Vietnamese Outlook.
_ORIGINAL = re.compile(
    r"^[ \t>]*-{2,}\s*(?:original message|thư gốc|tin nhắn gốc)\s*-{2,}\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_QUOTED_FIELD = re.compile(
    r"^\s*(from|từ|sent|date|đã gửi|ngày|to|đến|cc|subject|chủ đề|tiêu đề)\s*:\s*(.*)$",
    re.IGNORECASE,
)
_FIELD_NAMES = {
    "from": "sender", "từ": "sender",
    "sent": "sent", "date": "sent", "đã gửi": "sent", "ngày": "sent",
    "subject": "subject", "chủ đề": "subject", "tiêu đề": "subject",
}  # fmt: skip


@lru_cache(maxsize=4096)  # asked of each mail several times, and a thread's mail share one
def subject_key(subject: str) -> str:
    """The subject without reply/forward prefixes and list tags, case- and space-folded."""
    text = unicodedata.normalize("NFC", subject or "")
    previous = None
    while previous != text:
        previous, text = text, _PREFIX.sub("", text, count=1)
    return _SPACES.sub(" ", text).strip().casefold()[:SUBJECT_KEY_LIMIT]


def is_forward(subject: str) -> bool:
    return bool(_FORWARD_PREFIX.match(unicodedata.normalize("NFC", subject or "")))


def continues(mail: Mail) -> bool:
    """A reply or a forward, as its headers or its subject say: it may quote older mail."""
    subject = unicodedata.normalize("NFC", mail.subject or "")
    return bool(mail.in_reply_to or mail.references or _REPLY_OR_FORWARD.match(subject))


def referenced_ids(mail: Mail) -> tuple[str, ...]:
    """The ids this mail continues, nearest first (In-Reply-To, then References backwards)."""
    ids = ([mail.in_reply_to] if mail.in_reply_to else []) + list(reversed(mail.references))
    return tuple(dict.fromkeys(i for i in ids if i and i != mail.message_id))


@dataclass(frozen=True, slots=True)
class QuotedOriginal:
    """The header of the message an Outlook-style reply quotes below its text."""

    sender: str
    sent: str
    subject: str


def quoted_original(text: str) -> QuotedOriginal | None:
    """The first "-----Original Message-----" header block of `text`, if any."""
    if "--" not in text:
        return None  # (the pattern tries every line of a text that cannot hold it)
    match = _ORIGINAL.search(text)
    if not match:
        return None
    fields: dict[str, str] = {}
    for line in text[match.end() :].lstrip("\n").splitlines()[:12]:
        found = _QUOTED_FIELD.match(line)
        if not found:
            if fields:
                break
            continue
        name = _FIELD_NAMES.get(found.group(1).lower())
        if name and name not in fields:
            fields[name] = found.group(2).strip()
    if "sender" not in fields:
        return None
    return QuotedOriginal(fields["sender"], fields.get("sent", ""), fields.get("subject", ""))


def quoted_sender_email(original: QuotedOriginal) -> str:
    """The address in a quoted From line ("Minh <minh@x.vn>", "minh@x.vn"), or ""."""
    found = re.search(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", original.sender)
    return found.group(0).lower() if found else ""


@dataclass(frozen=True, slots=True)
class Node:
    """A message in a conversation tree, with its replies oldest first."""

    mail: Mail
    replies: tuple[Node, ...] = ()


def when(mail: Mail) -> datetime:
    return mail.sent_at or mail.received_at


def forest(mails: Iterable[Mail]) -> list[tuple[Node, ...]]:
    """Every conversation in `mails`, oldest first, each as its top-level messages.

    A conversation has several top-level messages when they answer a message that is
    missing (a ghost root). Runs in linear time; reference loops cannot hang it.
    """
    unique = _first_copies(mails)
    parents = _parents(unique)
    groups = _conversations(unique)
    children: dict[str | None, list[Mail]] = {}
    for mail in sorted(unique.values(), key=_order):
        children.setdefault(parents[mail.message_id], []).append(mail)
    nodes = _grow(children)
    tops: dict[str, list[Node]] = {}
    for mail in children.get(None, []):
        tops.setdefault(groups[mail.message_id], []).append(nodes[mail.message_id])
    return sorted((tuple(found) for found in tops.values()), key=lambda t: _order(t[0].mail))


def _grow(children: dict[str | None, list[Mail]]) -> dict[str, Node]:
    """Every message's node, replies first (no recursion: a thread may be thousands deep)."""
    order: list[Mail] = []
    stack = list(children.get(None, []))
    while stack:
        mail = stack.pop()
        order.append(mail)
        stack.extend(children.get(mail.message_id, []))
    nodes: dict[str, Node] = {}
    for mail in reversed(order):  # a reply always comes after its parent in `order`
        replies = tuple(nodes[child.message_id] for child in children.get(mail.message_id, []))
        nodes[mail.message_id] = Node(mail, replies)
    return nodes


def _order(mail: Mail) -> tuple[datetime, str]:
    return (when(mail), mail.message_id)


def _first_copies(mails: Iterable[Mail]) -> dict[str, Mail]:
    unique: dict[str, Mail] = {}
    for mail in mails:
        unique.setdefault(mail.message_id, mail)
    return unique


def _parents(unique: dict[str, Mail]) -> dict[str, str | None]:
    """Each message's parent id (None: top level), with every loop cut."""
    parents: dict[str, str | None] = {
        key: next((i for i in referenced_ids(mail) if i in unique), None)
        for key, mail in unique.items()
    }
    done: set[str] = set()
    for start in unique:
        path: dict[str, int] = {}  # the walk up from `start`, in order
        node: str | None = start
        while node is not None and node not in done and node not in path:
            path[node] = len(path)
            node = parents[node]
        if node is not None and node in path:  # a loop: its oldest message becomes a root
            loop = list(path)[path[node] :]
            parents[min(loop, key=lambda key: _order(unique[key]))] = None
        done.update(path)
    return parents


def _conversations(unique: dict[str, Mail]) -> dict[str, str]:
    """Message id → a conversation key; ids named but missing (ghosts) join them too."""
    boss: dict[str, str] = {}

    def find(key: str) -> str:
        root = key
        while boss.setdefault(root, root) != root:
            root = boss[root]
        while boss[key] != root:
            boss[key], key = root, boss[key]
        return root

    for key, mail in unique.items():
        for named in (*mail.references, *([mail.in_reply_to] if mail.in_reply_to else [])):
            boss[find(named)] = find(key)
    return {key: find(key) for key in unique}


def walk(nodes: Sequence[Node]) -> Iterator[Node]:
    """Every node of a conversation, each before its replies."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.replies))


def tree_size(nodes: Sequence[Node]) -> int:
    """Messages in a conversation."""
    return sum(1 for _ in walk(nodes))


_NAME_WORD = re.compile(r"[^\W\d_]{2,}")


def name_fits(name: str, address: Address) -> bool:
    """A quoted display name ("Hayden, Frank", "Frank Hayden") names this address: the
    same words as its display name, or all its words (two at least) in its local part
    ("frank.hayden@…"), as company directories build addresses."""
    words = set(_NAME_WORD.findall(name.casefold()))
    if len(words) < 2:
        return False
    if address.name and words == set(_NAME_WORD.findall(address.name.casefold())):
        return True
    return words <= set(re.split(r"[._+-]", address.email.partition("@")[0]))


def answered_address(mail: Mail) -> str:
    """Whom a sent mail answers: the sender of the mail it quotes (by address, else by a
    recipient whose name fits), else its first recipient. Outlook's reply-all puts the
    original sender anywhere in To, and its quoted header says who that was."""
    quoted = quoted_original(mail.text)
    if quoted is not None:
        named = quoted_sender_email(quoted)
        fitting = [a.email for a in mail.recipients if name_fits(quoted.sender, a)]
        if named or fitting:
            return named or fitting[0]
    first = mail.to or mail.cc
    return first[0].email if first else ""
