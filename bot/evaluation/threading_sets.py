"""Threading: the product's conversation trees (`conversation.forest`) against references.

- notmuch: its expected `notmuch-tree` output for the `default` corpus (every thread
  drawn newest- and oldest-first, and one thread alone) and the edge cases its tests
  state (`notmuch.EDGE_CASES`); the lkml corpus against SOURCE.md's "7 threads, the
  largest with 100 messages". A thread counts only when identical.
- fedora-devel-list: same-thread pairs against the list archive's own thread index.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC
from pathlib import Path
from typing import Final

from bot.core.conversation import Node, forest, tree_size, walk
from bot.core.mail import Folder, Mail
from bot.evaluation import corpora, fedora, notmuch
from bot.evaluation.metrics import Rate, Row, agreement, pairs, row

NOTMUCH: Final = "threading-notmuch"
FEDORA: Final = "threading-fedora-devel-2010-01"
EXPECTED: Final = (
    "emacs-tree.notmuch-tree-tag-inbox",
    "emacs-tree.notmuch-tree-tag-inbox-oldest-first",
    "emacs-tree.notmuch-tree-single-thread",
)
LKML: Final = (7, 100)  # SOURCE.md: 7 threads, the largest with 100 messages


def _mails(root: Path, *parts: str) -> list[Mail]:
    found = (corpora.read(p, root) for p in corpora.files(corpora.folder(root, *parts)))
    return [m.mail for m in found if m is not None]


def shape(node: Node) -> notmuch.Shape:
    mail, who = node.mail, ""
    if mail.sender:
        who = mail.sender.name or mail.sender.email
    day = (mail.sent_at or mail.received_at).astimezone(UTC).strftime("%Y-%m-%d")
    return ((day, who[:20].rstrip()), frozenset(shape(reply) for reply in node.replies))


def _trees(threads: Iterable[Sequence[Node]]) -> Counter[frozenset[notmuch.Shape]]:
    return Counter(frozenset(shape(node) for node in thread) for thread in threads)


def notmuch_rows(root: Path) -> list[Row]:
    ours = _trees(forest(_mails(root, NOTMUCH, "corpora", "default")))
    trees = Rate()
    for name in EXPECTED:
        expected = notmuch.expected_trees(corpora.folder(root, NOTMUCH, "expected-output") / name)
        for number, tree in enumerate(expected, 1):
            trees.add(f"{name} thread {number}", ours[tree] > 0)
    return [
        row("threading", "notmuch default corpus", "expected trees identical", trees, 1.0),
        row("threading", "notmuch edge cases", "threads identical", _edge_cases(root), 1.0,
            note="ghost roots, parent priority, a reference loop, duplicate Message-IDs"),
        _lkml(root),
    ]  # fmt: skip


def parents(thread: Sequence[Node]) -> dict[str, str | None]:
    """Message-ID → its parent's, for a whole thread."""
    found: dict[str, str | None] = {node.mail.message_id: None for node in thread}
    for node in walk(thread):
        found.update({reply.mail.message_id: node.mail.message_id for reply in node.replies})
    return found


def _edge_cases(root: Path) -> Rate:
    rate = Rate()
    for where, expected in notmuch.EDGE_CASES.items():
        ours = [parents(thread) for thread in forest(_mails(root, NOTMUCH, "corpora", where))]
        for number, thread in enumerate(expected, 1):
            rate.add(f"{where} thread {number}", thread in ours)
        rate.add(f"{where}: no extra threads", len(ours) == len(expected))
    return rate


def _lkml(root: Path) -> Row:
    threads = forest(_mails(root, NOTMUCH, "corpora", "lkml", "cur"))
    shape_ = (len(threads), max((tree_size(t) for t in threads), default=0))
    rate = Rate()
    rate.add("lkml: 7 threads, largest 100", shape_ == LKML)
    note = f"{shape_[0]} threads, largest {shape_[1]} (SOURCE.md: 7 and 100)"
    return row("threading", "notmuch lkml corpus", "thread count and size", rate, 1.0, note=note)


def fedora_row(root: Path) -> Row:
    base = corpora.folder(root, FEDORA)
    raws = list(corpora.mbox(base / "2010-January.txt.gz"))
    found = (corpora.parsed(f"{FEDORA}/{i:05d}", raw, Folder.INBOX) for i, raw in enumerate(raws))
    mails = {m.name: m.mail for m in found if m is not None}
    entries = fedora.index(base / "2010-January_thread.html.gz")
    truth = {f"{FEDORA}/{e.number:05d}": e.thread for e in entries}
    checked = [e for e in entries if _same(mails.get(f"{FEDORA}/{e.number:05d}"), e)]
    ours = {m.mail.provider_id: i for i, t in enumerate(forest(mails.values())) for m in walk(t)}
    return _pair_row(ours, truth, len(checked), len(entries))


def _same(mail: Mail | None, entry: fedora.Entry) -> bool:
    """The mbox message at the entry's position has the index's subject."""
    return mail is not None and " ".join(mail.subject.split()) == " ".join(entry.subject.split())


def _pair_row(ours: dict[str, int], truth: dict[str, int], checked: int, total: int) -> Row:
    names = sorted(set(ours) & set(truth))
    found, expected = pairs(ours, names), pairs(truth, names)
    union = found | expected
    jaccard = len(found & expected) / len(union) if union else 1.0
    score = agreement(ours, truth)
    note = (
        f"same-thread pairs: {len(found & expected)} of {len(union)} agree; precision "
        f"{score.precision:.1%}, recall {score.recall:.1%}; index/mbox checked {checked}/{total}"
    )
    misses = tuple(f"{a} ~ {b}" for a, b in sorted(found ^ expected))
    return Row("threading", "fedora-devel 2010-01", "same-thread pairs agree", len(names),
               jaccard, 0.95, False, "%", misses, note)  # fmt: skip
