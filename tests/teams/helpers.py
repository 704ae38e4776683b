"""Reading what reached the fake connector: texts, cards, the data behind a card's buttons."""

from __future__ import annotations

from typing import Any

from tests.teams.fake_connector import Call


def texts(element: Any) -> list[str]:
    """Every TextRun text in a card, in order."""
    if isinstance(element, dict):
        own = [element["text"]] if element.get("type") == "TextRun" else []
        return own + [t for value in element.values() for t in texts(value)]
    if isinstance(element, list):
        return [t for item in element for t in texts(item)]
    return []


def card(call: Call) -> dict[str, Any]:
    attachments = call.body.get("attachments") or []
    assert 1 == len(attachments), call.body
    content: dict[str, Any] = attachments[0]["content"]
    return content


def said(call: Call) -> str:
    """What the user reads in a message: its text, or its card's lines."""
    if call.body.get("text"):
        return str(call.body["text"])
    return "\n".join(texts(card(call)["body"]))


def buttons(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every submit button of a card, forms' included, by title: its data."""
    found: dict[str, dict[str, Any]] = {}
    for action in content.get("actions", []):
        if action["type"] == "Action.Submit":
            found[action["title"]] = action["data"]
        elif action["type"] == "Action.ShowCard":
            found |= buttons(action["card"])
    return found


def thread_of(call: Call) -> int:
    """The thread a proactive reminder card is about (from its Done button)."""
    return int(next(iter(buttons(card(call)).values()))["thread"])
