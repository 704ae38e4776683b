"""Risks: the fixtures made to trip them, and legitimate mail that must not.

Fixtures are read for their first recipient, who has never written to anyone (the
strictest reading). A fixture counts when `assess` gives it one of the kinds that fit
its trick (`labels.FIXTURES`). A false alarm is a legitimate message (hard ham, easy
ham, SpamAssassin's welcomelist mail) carrying one of the deception kinds; it is read
for its mailbox owner, as triage reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final

from bot.core.mail import Viewer
from bot.core.risks import RiskKind, assess
from bot.evaluation import corpora, labels
from bot.evaluation.corpora import Message
from bot.evaluation.metrics import Rate, Row, row
from bot.evaluation.triage_sets import EASY_HAM, HARD_HAM, SPAMASSASSIN

DECEPTION: Final = frozenset({
    RiskKind.CREDENTIAL_REQUEST, RiskKind.FINANCIAL_REQUEST, RiskKind.LINK_MISMATCH,
    RiskKind.LOOKALIKE_DOMAIN,
})  # fmt: skip
WELCOMELISTS: Final = ("spamassassin-testdata", "welcomelists")
FALSE_ALARMS: Final = 0.02


def kinds(message: Message, owner: str) -> set[RiskKind]:
    return {risk.kind for risk in assess(message.mail, Viewer(email=owner))}


def _first_recipient(message: Message) -> str:
    mail = message.mail
    return mail.to[0].email if mail.to else "me@example.invalid"


def _fixture(root: Path, path: str) -> Message:
    message = corpora.read(root / path, root)
    if message is None:
        raise corpora.CorpusMissing(f"{root / path} holds no mail")
    return message


def fixture_rows(root: Path) -> list[Row]:
    flagged, clean = Rate(), Rate()
    for fixture in labels.fixtures():
        message = _fixture(root, fixture.path)
        found = kinds(message, _first_recipient(message))
        flagged.add(f"{fixture.path} ({fixture.trick})", bool(found & fixture.kinds))
    for path, kind in labels.CLEAN:
        message = _fixture(root, path)
        clean.add(f"{path} ({kind})", kind not in kinds(message, _first_recipient(message)))
    return [
        row("risks", "rspamd + SA fixtures", "flagged with a fitting kind", flagged, 0.90),
        row("risks", "their no-FP twins", "not flagged", clean, note=TWINS_NOTE),
    ]


TWINS_NOTE: Final = "reported, no target: upstream tests that must not fire"


def _alarms(messages: Iterable[Message]) -> Rate:
    rate = Rate(offences=True)
    for message in messages:
        owner = labels.owner(message.raw, message.mail)
        rate.add(message.name, bool(kinds(message, owner) & DECEPTION))
    return rate


def alarm_rows(root: Path, hard: list[Message], easy: list[Message]) -> list[Row]:
    directory = corpora.folder(root, *WELCOMELISTS)
    welcome = [m for m in (corpora.read(p, root) for p in corpora.files(directory)) if m]
    measure = "carry a deception risk"
    return [
        row("risks", "hard_ham", measure, _alarms(hard), FALSE_ALARMS, at_most=True),
        row("risks", "easy_ham", measure, _alarms(easy), FALSE_ALARMS, at_most=True),
        row("risks", "welcomelists (legit bulk)", measure, _alarms(welcome), FALSE_ALARMS,
            at_most=True),
    ]  # fmt: skip


__all__ = ["EASY_HAM", "HARD_HAM", "SPAMASSASSIN", "alarm_rows", "fixture_rows"]
