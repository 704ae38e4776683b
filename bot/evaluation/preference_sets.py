"""The user's corrections on real mail: "important" / "not important" from then on.

`act` records a correction under the thread's list id, else its sender's address
(`services.threads.list_key`); triage reads it back through `Viewer.preferences`. Here
each message is triaged again as if its owner had corrected an earlier one of the same
list or sender, and must come out as the correction says, with the reason shown first
in words (never as a bare code).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from bot.core.mail import Viewer
from bot.core.triage import Importance, describe, triage
from bot.evaluation import labels
from bot.evaluation.corpora import Message
from bot.evaluation.metrics import Rate, Row, row
from bot.services.threads import list_key

RAISED: Final = frozenset({Importance.HIGH, Importance.URGENT})


def _key(message: Message) -> str:
    """The key `act` stores a correction under, for the thread this message opens."""
    mail = message.mail
    return list_key(mail) or (mail.sender.email if mail.sender else "")


def _corrected(message: Message, weight: int) -> tuple[bool, str, str]:
    """(tracked, importance, first reason in English) after a correction of `weight`."""
    mail = message.mail
    viewer = Viewer(email=labels.owner(message.raw, mail), preferences={_key(message): weight})
    verdict = triage(mail, viewer, mail.received_at)
    first = describe(verdict.reasons[0], "en") if verdict.reasons else ""
    return verdict.tracked, verdict.importance.value, first


def _rate(messages: Iterable[Message], weight: int) -> Rate:
    """+1: tracked, at least high, the correction said first. −1: low, and when the mail is
    still tracked (personal mail is), the correction said first. The owner's own mail
    (sent to a list and back) is left out: there is no one to correct."""
    rate = Rate()
    for message in messages:
        sender = message.mail.sender.email if message.mail.sender else ""
        if sender == labels.owner(message.raw, message.mail):
            continue
        tracked, importance, first = _corrected(message, weight)
        said = first.startswith("you marked")
        if weight > 0:
            ok = tracked and Importance(importance) in RAISED and said
        else:
            ok = importance == Importance.LOW.value and (said or not tracked)
        rate.add(message.name, ok)
    return rate


def rows(listed: list[Message], personal: list[Message]) -> list[Row]:
    return [
        row("corrections", "easy_ham list mail", '"important" on the list: tracked, high+',
            _rate(listed, 1), 1.0),
        row("corrections", "easy_ham personal", '"not important" on the sender: low',
            _rate(personal, -1), 1.0),
    ]  # fmt: skip
