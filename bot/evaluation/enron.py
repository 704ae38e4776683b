"""Enron reply ground truth, derived without the product: quoted originals matched exactly.

The CMU Enron mailboxes have no In-Reply-To or References. A sent message that answers
another quotes it below an Outlook "-----Original Message-----" header: From, Sent,
To, Subject. A received message is *answered* when such a block in one of the owner's
sent folders (`sent`, `_sent_mail`, `sent_items`, the curators' folder names) names it:

- From: the quoted sender equals the received copy's X-From, both reduced to the display
  name (Outlook writes "Allen, Phillip K." where X-From adds "</O=ENRON/...>", and
  "Name [mailto:a@b]" where X-From has "Name <a@b>");
- Subject: equal, spaces folded;
- Sent: the quoted minute equals the received Date to the minute (one minute of rounding),
  shifted by the hours between a US time zone and the corpus's dates, which are all
  US/Pacific (Outlook shows the quoting user's own zone: Houston is two hours ahead);
- and the received copy is older than the reply.

Only the first block of a sent message counts (deeper ones answer older mail). A sent
message whose subject says it is a forward ("FW:", "Fwd:") hands the mail on rather than
answering it: those go to `forwarded`, replies to `answered`. A received message is one
(Date, From, Subject) triple, however many folders hold a copy of it.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Final

from bot.evaluation import corpora

SENT_FOLDERS: Final = frozenset({"sent", "_sent_mail", "sent_items"})
NOT_MAIL: Final = frozenset({"contacts", "calendar"})
_PARSER: Final = email.parser.BytesParser(policy=email.policy.compat32)
_ORIGINAL: Final = re.compile(r"^[ \t>]*-{2,}\s*Original Message\s*-{2,}\s*$", re.M | re.I)
_FIELD: Final = re.compile(r"^[ \t>]*(From|Sent|Date|To|Cc|Subject)\s*:\s*(.*?)\s*$", re.I)
_SENT_FORMATS: Final = (
    "%A, %B %d, %Y %I:%M %p", "%a %m/%d/%Y %I:%M %p", "%B %d, %Y %I:%M %p",
    "%A, %B %d, %Y %I:%M:%S %p", "%m/%d/%Y %I:%M:%S %p",
)  # fmt: skip
ZONES: Final = (0, 1, 2, 3)  # hours from US/Pacific to the quoting Outlook's zone
_FORWARD: Final = re.compile(r"^\s*(?:fwd?|fw)\s*:", re.IGNORECASE)

Key = tuple[str, str, str]  # (Date, From, Subject) as written: one received message


@dataclass
class Copy:
    path: Path
    key: Key
    sender: str  # display name of X-From
    subject: str
    at: datetime  # the Date header's wall-clock time (its own offset dropped)


@dataclass
class Mailbox:
    user: str
    sent: list[Path] = field(default_factory=list)
    received: dict[Key, list[Copy]] = field(default_factory=dict)
    own_addresses: list[str] = field(default_factory=list)  # the main one first
    answered: dict[Key, Path] = field(default_factory=dict)  # the ground truth: → the reply
    forwarded: dict[Key, Path] = field(default_factory=dict)  # handed on: → the forward


def display(value: str) -> str:
    """A sender as a display name: no "<…>", "[mailto:…]", trailing "@ENRON" or quotes."""
    value = re.sub(r"\[mailto:[^\]]*\]|<[^>]*>", "", value)
    value = re.sub(r"@ENRON$", "", value.strip(), flags=re.IGNORECASE)
    return " ".join(value.replace('"', "").split())


def _flat(value: object) -> str:
    return " ".join(str(value or "").split())


def headers(path: Path) -> Message:
    with path.open("rb") as handle:
        return _PARSER.parse(handle, headersonly=True)


def mailbox(directory: Path, sent_sample: int | None = None) -> Mailbox:
    """A user's mailbox and its ground truth; `sent_sample`: only that many sent messages
    (spread over the folders), every received one still a candidate."""
    box = Mailbox(directory.name)
    folders = sorted(p for p in directory.iterdir() if p.is_dir() and p.name not in NOT_MAIL)
    for sub in folders:
        if sub.name in SENT_FOLDERS:
            box.sent.extend(sorted(p for p in sub.rglob("*") if p.is_file()))
    box.own_addresses = _owners(box.sent)
    box.sent = corpora.sample(box.sent, sent_sample)
    for sub in folders:
        if sub.name not in SENT_FOLDERS:
            for path in sorted(p for p in sub.rglob("*") if p.is_file()):
                _add_received(box, path)
    for key, path, forward in _quoting(box):
        (box.forwarded if forward else box.answered).setdefault(key, path)
    return box


OWN_SHARE: Final = 0.05  # of the sent folders' mail, from which a From address is the owner's


def _owners(sent: list[Path]) -> list[str]:
    """The owner's addresses, most used first: those that send a fair share of the sent
    folders' mail (an assistant's odd message from the boss's mailbox is not the boss)."""
    counts = Counter(a.lower() for p in sent for _, a in getaddresses([_flat(headers(p)["From"])]))
    return [address for address, n in counts.most_common() if n >= OWN_SHARE * len(sent)]


def _add_received(box: Mailbox, path: Path) -> None:
    head = headers(path)
    sender = _flat(head["From"]).lower()
    if sender in box.own_addresses or not head["Date"]:
        return
    at = parsedate_to_datetime(str(head["Date"])).replace(tzinfo=None)
    key = (_flat(head["Date"]), sender, _flat(head["Subject"]))
    copy = Copy(path, key, display(_flat(head["X-From"])), _flat(head["Subject"]), at)
    box.received.setdefault(key, []).append(copy)


@dataclass(frozen=True, slots=True)
class Quoted:
    sender: str
    sent: datetime
    subject: str


def quoted(text: str) -> Quoted | None:
    """The first quoted Outlook header of `text`, when it has a From and a readable Sent."""
    found = _ORIGINAL.search(text)
    if not found:
        return None
    fields: dict[str, str] = {}
    for line in text[found.end() :].lstrip("\n").splitlines()[:10]:
        match = _FIELD.match(line)
        if match is None:
            if fields:
                break
            continue
        fields.setdefault(match.group(1).lower(), match.group(2))
    sent = _when(fields.get("sent") or fields.get("date") or "")
    if "from" not in fields or sent is None:
        return None
    return Quoted(display(fields["from"]), sent, _flat(fields.get("subject")))


def _when(value: str) -> datetime | None:
    value = " ".join(value.split())
    for layout in _SENT_FORMATS:
        try:
            return datetime.strptime(value, layout)  # noqa: DTZ007 - wall-clock, zone unknown
        except ValueError:
            continue
    return None


def body(path: Path) -> str:
    message = _PARSER.parse(path.open("rb"))
    payload = message.get_payload(decode=True) if not message.is_multipart() else b""
    return payload.decode("latin-1") if isinstance(payload, bytes) else ""


def _quoting(box: Mailbox) -> Iterator[tuple[Key, Path, bool]]:
    """(received message, the sent message quoting it, whether that one is a forward)."""
    by_sender_subject: dict[tuple[str, str], list[Copy]] = {}
    for copies in box.received.values():
        for copy in copies:
            by_sender_subject.setdefault((copy.sender, copy.subject), []).append(copy)
    for path in box.sent:
        original = quoted(body(path))
        if original is None:
            continue
        head = headers(path)
        sent_at = parsedate_to_datetime(str(head["Date"])).replace(tzinfo=None)
        for copy in by_sender_subject.get((original.sender, original.subject), []):
            if _same_minute(original.sent, copy.at) and copy.at <= sent_at + _MINUTE:
                yield copy.key, path, bool(_FORWARD.match(_flat(head["Subject"])))
                break


_MINUTE: Final = timedelta(minutes=1)


def _same_minute(quoted_at: datetime, received_at: datetime) -> bool:
    """The same minute (give or take one) once shifted by one of the `ZONES`."""
    minutes = (quoted_at - received_at).total_seconds() / 60
    return any(abs(minutes - 60 * hours) <= 1 for hours in ZONES)
