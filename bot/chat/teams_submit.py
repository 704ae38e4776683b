"""Teams: what a card click sends back, turned into the text command a user could type.

Teams delivers an `Action.Submit` as a `message` activity whose `value` is the
button's data merged with the card's inputs, and an `Action.Execute` as an
`invoke` named `adaptiveCard/action` with the same dictionary in
`value.action.data` (Teams activity reference; both shapes are in
../shared/corpora). Either way the result is one `Submission`: the command text
and the thread the card was about. The thread id comes from the client, so it is
only a claim: `act` refuses a thread that is not the submitter's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.chat.teams_cards import MARKER


@dataclass(frozen=True, slots=True)
class Submission:
    text: str  # e.g. "snooze #3 tomorrow morning"
    thread: int | None  # the card's thread, as the client claims it
    summary: str  # "#3 Phạm Minh — PO-2311", shown on the card once acted on


def _field(value: Mapping[str, Any], key: str) -> str:
    found = value.get(key)
    return found.strip() if isinstance(found, str) else ""


def _snooze(value: Mapping[str, Any]) -> str:
    return _field(value, "rm_when_text") or _field(value, "rm_when")


def _hold(value: Mapping[str, Any]) -> str:
    return _field(value, "rm_day")


def _forward(value: Mapping[str, Any]) -> str:
    to = _field(value, "rm_to_text") or _field(value, "rm_to")
    return f"{to} {_field(value, 'rm_note')}".strip()


# The forms of teams_cards: each verb's argument, read from the form's inputs.
FORMS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "snooze": _snooze,
    "hold": _hold,
    "forward": _forward,
}


def read(value: object) -> Submission | None:
    """The command in a card's submit data, or None when the data is not one of our cards'."""
    if not isinstance(value, Mapping) or value.get("rm") != MARKER:
        return None
    thread = value.get("thread")
    thread_id = thread if isinstance(thread, int) and not isinstance(thread, bool) else None
    ref = value.get("ref")
    target = f"#{ref}" if isinstance(ref, int) and not isinstance(ref, bool) else ""
    command, verb = _field(value, "command"), _field(value, "verb")
    if not command and verb in FORMS:
        command = " ".join(part for part in (verb, target, FORMS[verb](value)) if part)
    if not command:
        return None
    return Submission(command, thread_id, _field(value, "summary"))


def execute_data(value: object) -> object:
    """The data of an `Action.Execute` invoke (`value.action.data`)."""
    if isinstance(value, Mapping):
        action = value.get("action")
        if isinstance(action, Mapping):
            return action.get("data")
    return None
