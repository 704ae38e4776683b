"""A realistic Maildir for the benchmark: deterministic for a seed, any size.

    .venv/bin/python -m scripts.mailgen /tmp/box --count 20000 --seed 7

One mailbox, Nguyễn Văn An's at Sao Mai Trading, over the `days` before `end`:
new conversations from colleagues and outside contacts in Vietnamese and English
(plain, or text and HTML, some with attachments), follow-ups and reply-alls in
those threads (In-Reply-To, References, quoted history), his own replies and
forwards in `.Sent` (the messages he answered carry the Maildir R flag, as
Dovecot sets it), newsletters, system notifications and a little phishing.
Messages are 2-30 KB. The plan is drawn first (who writes what to whom, when);
each message is then rendered from its own seeded generator, so a message's
bytes do not depend on how many others were drawn after it.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from scripts import mailtext as words
from scripts.mailmime import Item, render
from scripts.mailtext import OWNER, Person

KINDS: dict[str, float] = {  # share of each kind of message in the mailbox
    "new": 0.30,
    "follow": 0.12,
    "reply_all": 0.03,
    "sent_reply": 0.17,
    "sent_new": 0.03,
    "sent_forward": 0.02,
    "newsletter": 0.20,
    "notification": 0.12,
    "phishing": 0.01,
}
RECENT = 400  # conversations a follow-up or a reply is drawn from (mail answers recent mail)


@dataclass
class Conversation:
    subject: str
    counterpart: Person
    lang: str
    items: list[Item] = field(default_factory=list)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(item.message_id for item in self.items)


@dataclass
class Planner:
    rng: random.Random
    seed: int
    owner: Person
    colleagues: list[Person]
    outside: list[Person]
    conversations: list[Conversation] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)

    def add(self, kind: str, at: datetime) -> None:
        builder = _BUILDERS[kind]
        item = builder(self, at) if self.conversations or kind not in _THREADED else None
        self.items.append(item or _new(self, at))

    def item(
        self, kind: str, at: datetime, sender: Person, to: tuple[Person, ...], subject: str,
        cc: tuple[Person, ...] = (),
    ) -> Item:  # fmt: skip
        index, domain = len(self.items), sender.email.rpartition("@")[2]
        message_id = f"{at.strftime('%Y%m%d%H%M%S')}.{index}.{self.rng.getrandbits(40):x}@{domain}"
        item = Item(index, self.seed, kind, at, sender, message_id, to, cc, sender.lang, subject)
        item.owner = self.owner
        return item

    def recent(self) -> Conversation:
        return self.rng.choice(self.conversations[-RECENT:])


def _new(p: Planner, at: datetime) -> Item:
    counterpart = p.rng.choice(p.colleagues if p.rng.random() < 0.35 else p.outside)
    subject = words.fill(p.rng.choice(words.SUBJECTS[counterpart.lang]), p.rng)
    to: tuple[Person, ...] = (p.owner,)
    cc: tuple[Person, ...] = ()
    if p.rng.random() < 0.15:  # sent to a colleague, the owner only copied
        to, cc = (p.rng.choice(p.colleagues),), (p.owner,)
    conversation = Conversation(subject, counterpart, counterpart.lang)
    item = p.item("new", at, counterpart, to, subject, cc)
    item.attach = p.rng.random() < 0.2
    conversation.items.append(item)
    p.conversations.append(conversation)
    return item


def _follow(p: Planner, at: datetime) -> Item:
    c = p.recent()
    return _in_thread(p, c, "follow", at, c.counterpart, (p.owner,), ())


def _reply_all(p: Planner, at: datetime) -> Item:
    c = p.recent()
    third = p.rng.choice(p.colleagues)
    return _in_thread(p, c, "reply_all", at, third, (c.counterpart,), (p.owner,))


def _sent_reply(p: Planner, at: datetime) -> Item:
    c = p.recent()
    if c.items[-1].sender == p.owner or c.items[-1].replied or c.items[-1].passed:
        return _sent_new(p, at)
    c.items[-1].replied = True
    return _in_thread(p, c, "sent_reply", at, p.owner, (c.counterpart,), ())


def _in_thread(
    p: Planner, c: Conversation, kind: str, at: datetime, sender: Person, to: tuple[Person, ...],
    cc: tuple[Person, ...],
) -> Item:  # fmt: skip
    prefix = p.rng.choice(words.REPLY_PREFIX[c.lang])
    parent = c.items[-1]
    item = p.item(kind, at, sender, to, prefix + c.subject, cc)
    item.lang, item.parent, item.references = c.lang, parent, c.ids[-10:]
    c.items.append(item)
    return item


def _sent_new(p: Planner, at: datetime) -> Item:
    to = p.rng.choice(p.outside + p.colleagues)
    subject = words.fill(p.rng.choice(words.SUBJECTS[to.lang]), p.rng)
    item = p.item("sent_new", at, p.owner, (to,), subject)
    item.lang = to.lang
    return item


def _sent_forward(p: Planner, at: datetime) -> Item:
    c = p.recent()
    if c.items[-1].sender == p.owner or c.items[-1].replied or c.items[-1].passed:
        return _sent_new(p, at)  # one forwards what still awaits an answer
    c.items[-1].passed = True
    prefix = p.rng.choice(words.FORWARD_PREFIX[c.lang])
    to = (p.rng.choice(p.colleagues),)
    item = p.item("sent_forward", at, p.owner, to, prefix + c.subject)
    item.lang, item.parent = c.lang, c.items[-1]
    return item


Builder = Callable[["Planner", datetime], Item]


def _bulk(kind: str, senders: tuple[tuple[str, str, str], ...], titles: dict[str, Any]) -> Builder:
    """Mail from a machine: newsletters (`extra` is the list id), notifiers, phishers."""

    def build(p: Planner, at: datetime) -> Item:
        name, email, extra = p.rng.choice(senders)
        lang = extra if extra in titles else p.rng.choice(("vi", "en"))
        subject = words.fill(p.rng.choice(titles[lang]), p.rng)
        item = p.item(kind, at, Person(name, email, lang), (p.owner,), subject)
        item.list_id = extra if "." in extra else None
        item.attach = kind == "phishing" and p.rng.random() < 0.3
        return item

    return build


_BUILDERS: dict[str, Builder] = {
    "new": _new,
    "follow": _follow,
    "reply_all": _reply_all,
    "sent_reply": _sent_reply,
    "sent_new": _sent_new,
    "sent_forward": _sent_forward,
    "newsletter": _bulk("newsletter", words.SENDERS_OF_NEWSLETTERS, words.NEWS),
    "notification": _bulk("notification", words.NOTIFIERS, words.NOTICES),
    "phishing": _bulk("phishing", words.PHISHERS, words.PHISH_SUBJECTS),
}
_THREADED = frozenset({"follow", "reply_all", "sent_reply", "sent_forward"})


def plan(count: int, seed: int, end: datetime, days: float, owner: Person = OWNER) -> list[Item]:
    """Who writes what to whom, and when: `count` messages in time order."""
    rng = random.Random(seed)
    colleagues, outside = words.people(rng)
    planner = Planner(rng, seed, owner, colleagues, outside)
    span = timedelta(days=days).total_seconds()
    moments = sorted(end - timedelta(seconds=rng.uniform(60, span)) for _ in range(count))
    kinds = rng.choices(list(KINDS), weights=list(KINDS.values()), k=count)
    for kind, at in zip(kinds, moments, strict=True):
        planner.add(kind, at)
    return planner.items


@dataclass(frozen=True)
class Summary:
    inbox: int
    sent: int
    sizes: list[int]
    kinds: Counter[str]

    def __str__(self) -> str:
        sizes = sorted(self.sizes)
        kinds = ", ".join(f"{kind} {n}" for kind, n in self.kinds.most_common())
        return (
            f"{self.inbox + self.sent} messages ({self.inbox} inbox, {self.sent} sent), "
            f"{sum(sizes) / 1e6:.1f} MB, size min {sizes[0] / 1024:.1f} KB, "
            f"median {statistics.median(sizes) / 1024:.1f} KB, max {sizes[-1] / 1024:.1f} KB; "
            f"{kinds}"
        )


def generate(
    root: Path,
    count: int,
    *,
    seed: int = 7,
    end: datetime | None = None,
    days: float = 12,
    owner: Person = OWNER,
) -> Summary:
    """Write the Maildir (Inbox at `root`, Sent at `root/.Sent`); `end` is the newest time."""
    end = end or datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    for folder in (root, root / ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
    (root / ".Sent" / "maildirfolder").touch()
    sizes, kinds = [], Counter[str]()
    for item in plan(count, seed, end, days, owner):
        sizes.append(_write(root, item, render(item), end))
        kinds[item.kind] += 1
    sent = sum(n for kind, n in kinds.items() if kind.startswith("sent"))
    return Summary(count - sent, sent, sizes, kinds)


def _write(root: Path, item: Item, data: bytes, end: datetime) -> int:
    """One file the Maildir way; its mtime is when it arrived (a first sync looks at it)."""
    arrived = item.at + timedelta(seconds=item.delay)
    unique = f"{int(arrived.timestamp())}.M{item.index}P4242.bench.{words.DOMAIN}"
    if item.sent:
        path = root / ".Sent" / "cur" / f"{unique}:2,S"
    elif end - arrived < timedelta(hours=4):
        path = root / "new" / unique  # not yet looked at
    else:
        flags = "P" * item.passed + "R" * item.replied + "S"  # Maildir flags, in ASCII order
        path = root / "cur" / f"{unique}:2,{flags}"
    path.write_bytes(data)
    os.utime(path, (arrived.timestamp(), arrived.timestamp()))
    return len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate a realistic benchmark Maildir.")
    parser.add_argument("root", type=Path, help="the Maildir to create (Sent goes in .Sent)")
    parser.add_argument("--count", type=int, default=20_000, help="messages (default 20000)")
    parser.add_argument("--seed", type=int, default=7, help="the same seed, the same bytes")
    parser.add_argument("--days", type=float, default=12, help="the span of the mail, in days")
    args = parser.parse_args()
    print(generate(args.root, args.count, seed=args.seed, days=args.days))


if __name__ == "__main__":
    main()
