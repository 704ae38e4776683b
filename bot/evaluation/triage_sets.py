"""Triage on the SpamAssassin public corpus: what must never be pending, what must be.

Each message is read for its mailbox owner (`labels.owner`), who has no colleagues and
no correspondents here (the strictest reading: nothing is known about the sender), at
the time it arrived. "Not pending" is triage's `tracked=False`: the thread is ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from bot.core.mail import Viewer
from bot.core.triage import Importance, Triage, triage
from bot.evaluation import corpora, labels
from bot.evaluation.corpora import Message
from bot.evaluation.metrics import Rate, Row, row

SPAMASSASSIN: Final = "spamassassin-public-corpus"
HARD_HAM: Final = "20030228_hard_ham"
EASY_HAM: Final = "20030228_easy_ham_first1000"
SPAM: Final = "20030228_spam"


def judged(message: Message) -> Triage:
    mail = message.mail
    viewer = Viewer(email=labels.owner(message.raw, mail))
    return triage(mail, viewer, mail.received_at)


def load(root: Path, name: str, size: int | None) -> list[Message]:
    directory = corpora.folder(root, SPAMASSASSIN, name)
    found = (corpora.read(p, root) for p in corpora.sample(corpora.files(directory), size))
    return [m for m in found if m is not None]


def _rate(messages: Iterable[Message], ok: Callable[[Message, Triage], bool]) -> Rate:
    rate = Rate()
    for message in messages:
        rate.add(message.name, ok(message, judged(message)))
    return rate


def _personal(message: Message) -> bool:
    """Easy ham without list headers, written to its owner by name (the issue's set)."""
    mail = message.mail
    plain = not labels.through_list(mail)
    return plain and labels.addressed_to(mail, labels.owner(message.raw, mail))


@dataclass(frozen=True, slots=True)
class Sets:
    hard: list[Message]
    easy: list[Message]
    spam: list[Message]

    @property
    def listed(self) -> list[Message]:
        return [m for m in self.easy if m.mail.header("list-id")]

    @property
    def personal(self) -> list[Message]:
        return [m for m in self.easy if _personal(m)]


def load_all(root: Path, size: int | None) -> Sets:
    return Sets(*(load(root, name, size) for name in (HARD_HAM, EASY_HAM, SPAM)))


def rows(sets: Sets) -> list[Row]:
    ignored = "never pending"
    return [
        row("triage", "hard_ham (legit bulk)", ignored, _rate(sets.hard, _untracked), 0.95),
        row("triage", "easy_ham with List-Id", ignored, _rate(sets.listed, _untracked), 0.95),
        row("triage", "spam", ignored, _rate(sets.spam, _untracked), 0.90),
        row("triage", "easy_ham personal", "tracked", _rate(sets.personal, _tracked), 0.90,
            note=PERSONAL_NOTE),
        row("triage", "spam + hard_ham", "not urgent", _rate([*sets.spam, *sets.hard], _calm),
            1.0),
    ]  # fmt: skip


PERSONAL_NOTE: Final = (
    "no List-Id/Precedence, owner in To/Cc; includes RSS items a local gateway mailed "
    "to the owner and an out-of-office reply"
)


def _untracked(_: Message, verdict: Triage) -> bool:
    return not verdict.tracked


def _tracked(_: Message, verdict: Triage) -> bool:
    return verdict.tracked


def _calm(_: Message, verdict: Triage) -> bool:
    """Anyone can write "URGENT": spam and newsletters never are (the issue's "Also")."""
    return verdict.importance is not Importance.URGENT
