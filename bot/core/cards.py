"""The platform-neutral card: a reminder, a digest or an answer, built once.

Every chat platform renders the same `Card`: the console as plain text
(`Card.as_text`), Slack as Block Kit, Teams as an Adaptive Card. Buttons are
`Action`s that carry the very text command a user could type, so a click and a
typed "snooze #3 1h" take the same road.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CardKind(StrEnum):
    REMINDER = "reminder"
    BREACH = "breach"
    PROMISE_DUE = "promise_due"
    DIGEST = "digest"
    ANSWER = "answer"


@dataclass(frozen=True, slots=True)
class Action:
    label: str
    command: str  # the text command the button sends, e.g. "snooze #3 1h"
    style: str = ""  # "primary", "danger" or "" (platforms map it to their own)


@dataclass(frozen=True, slots=True)
class Line:
    """One thread in a digest or a list."""

    ref: int
    sender: str
    subject: str
    due: str
    badges: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Card:
    kind: CardKind
    locale: str
    title: str
    thread_id: int | None = None
    ref: int | None = None
    sender: str = ""
    subject: str = ""
    excerpt: str = ""
    why: tuple[str, ...] = ()
    deadline: str = ""
    warnings: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    nudge: str = ""
    nudge_first: bool = False  # near or past the deadline, the holding-reply nudge leads
    preview: str = ""  # the holding reply the nudge proposes, as it would be sent
    actions: tuple[Action, ...] = ()
    lines: tuple[Line, ...] = ()
    body: str = ""

    def as_text(self) -> str:
        """The card as plain text: the console's rendering and the `text` of `--json`."""
        parts = [self.title]
        if self.nudge and self.nudge_first:
            parts.append(f"  💬 {self.nudge}")
        if self.subject:
            ref = f"#{self.ref} " if self.ref is not None else ""
            parts.append(f"  {ref}{self.sender} — {self.subject}")
        if self.excerpt:
            parts.append(f"  “{self.excerpt}”")
        parts += [f"  • {why}" for why in self.why]
        if self.deadline:
            parts.append(f"  ⏰ {self.deadline}")
        parts += [f"  ⚠ {warning}" for warning in self.warnings]
        parts += [f"  → {suggestion}" for suggestion in self.suggestions]
        parts += [_line(line) for line in self.lines]
        if self.body:
            parts.append(self.body)
        if self.nudge and not self.nudge_first:
            parts.append(f"  💬 {self.nudge}")
        if self.actions:
            parts.append("  [" + "] [".join(a.label for a in self.actions) + "]")
        return "\n".join(parts)


def _line(line: Line) -> str:
    badges = " " + " ".join(line.badges) if line.badges else ""
    return f"  #{line.ref} {line.sender} — {line.subject} · {line.due}{badges}"
