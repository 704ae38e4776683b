"""Slack views: the App Home page and the three forms (snooze, holding reply, forward).

A form remembers where it was opened from in its `private_metadata` (the thread,
and the DM message to update, or none for the Home tab), because Slack hands the
submission back without that context. Slack's limits for views
(https://api.slack.com/reference/surfaces/views, checked 2026-11): 100 blocks,
a title of 24 characters, 3000 characters of private metadata.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from bot.chat.desk import DraftText, ForwardChoice, HomePage
from bot.chat.slack_blocks import (
    ACTIONS,
    Block,
    action_elements,
    context,
    escape,
    plain,
    section,
)
from bot.chat.slack_texts import LANGUAGES, WORK_SPANS, say
from bot.core.answers import ANSWERS
from bot.core.cards import Card
from bot.core.i18n import render

HOME_BLOCKS = 100
TITLE = 24
SETTINGS = "rm:settings"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a form was opened: the thread, the DM message to update (none: Home), and
    the command of the button that opened it."""

    thread: int
    ref: int
    channel: str = ""
    ts: str = ""
    command: str = ""

    def dump(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def load(cls, text: str) -> Origin:
        data = json.loads(text)
        return cls(
            int(data["thread"]),
            int(data["ref"]),
            str(data.get("channel", "")),
            str(data.get("ts", "")),
            str(data.get("command", "")),
        )


def home_view(page: HomePage, outcome: str = "") -> dict[str, Any]:
    """The Home tab: what just happened, the settings, then the open threads."""
    locale = page.locale
    blocks: list[Block] = [{"type": "header", "text": plain(say("home_title", locale))}]
    if outcome:
        blocks.append(section(escape(outcome)))
    blocks += [section(say("home_settings", locale)), _settings(page), {"type": "divider"}]
    key = "list_title" if page.total else "list_empty"
    blocks.append(section(f"*{escape(render(ANSWERS[key], locale, count=page.total))}*"))
    for card in page.cards:
        blocks += _home_card(card)
    if page.total > len(page.cards):
        blocks.append(context(say("home_more", locale, count=page.total - len(page.cards))))
    return {"type": "home", "blocks": blocks[:HOME_BLOCKS]}


def _settings(page: HomePage) -> Block:
    options = [{"text": plain(name), "value": code} for code, name in LANGUAGES.items()]
    language = {
        "type": "static_select",
        "action_id": "rm_locale",
        "placeholder": plain(say("home_language", page.locale)),
        "options": options,
        "initial_option": next(o for o in options if o["value"] == page.locale),
    }
    label = "home_digest_on" if page.digest else "home_digest_off"
    digest = {
        "type": "button",
        "action_id": "rm_digest",
        "text": plain(say(label, page.locale)),
        "value": "off" if page.digest else "on",
    }
    return {"type": "actions", "block_id": SETTINGS, "elements": [language, _hours(page), digest]}


def _hours(page: HomePage) -> Block:
    """Working hours: the organisation's, or one of the common spans (the CLI takes any)."""
    options = [{"text": plain(say("home_hours_org", page.locale)), "value": "org"}]
    options += [{"text": plain(hours.replace(",", ", ")), "value": hours} for hours in WORK_SPANS]
    chosen = page.work_hours or "org"
    select: Block = {
        "type": "static_select",
        "action_id": "rm_hours",
        "placeholder": plain(say("home_hours", page.locale)),
        "options": options,
    }
    initial = next((o for o in options if o["value"] == chosen), None)
    if initial is not None:
        select["initial_option"] = initial
    return select


def _home_card(card: Card) -> list[Block]:
    """A thread on the Home tab: shorter than its DM, with the same actions."""
    lines = [f"*#{card.ref} {escape(card.sender)}* — {escape(card.subject)}"]
    if card.deadline:
        lines.append(f"⏰ {escape(card.deadline)}")
    lines += [f"⚠ {escape(w)}" for w in card.warnings]
    blocks = [section("\n".join(lines))]
    elements = action_elements(card)
    if elements:
        blocks.append(
            {"type": "actions", "block_id": f"{ACTIONS}{card.thread_id}", "elements": elements}
        )
    return blocks


def _modal(
    callback: str, title: str, origin: Origin, blocks: list[Block], locale: str, submit: str | None
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback,
        "title": plain(title, TITLE),
        "close": plain(say("cancel" if submit else "close", locale), TITLE),
        "private_metadata": origin.dump(),
        "blocks": blocks,
    }
    if submit:
        view["submit"] = plain(say(submit, locale), TITLE)
    return view


def snooze_modal(origin: Origin, locale: str) -> dict[str, Any]:
    """Snooze until a time the user types, read like the typed command."""
    field = {
        "type": "input",
        "block_id": "when",
        "label": plain(say("snooze_when", locale)),
        "element": {
            "type": "plain_text_input",
            "action_id": "when",
            "placeholder": plain(say("snooze_hint", locale), 150),
        },
    }
    title = say("snooze_title", locale, ref=origin.ref)
    return _modal("rm_snooze_modal", title, origin, [field], locale, "snooze_submit")


def hold_modal(origin: Origin, day: date, draft: DraftText, locale: str) -> dict[str, Any]:
    """The holding reply: a date (next working day first) and the text, editable."""
    title = say("hold_title", locale, ref=origin.ref)
    if not draft.ok:  # a day off, phishing, a Reply-To elsewhere: say why, send nothing
        blocks = [_date_picker(day, locale), section(escape(draft.text))]
        return _modal("rm_hold_modal", title, origin, blocks, locale, None)
    text = _reply_text(day, draft, locale)
    blocks = [_date_picker(day, locale), text, context(say("hold_hint", locale))]
    return _modal("rm_hold_modal", title, origin, blocks, locale, "hold_submit")


def _date_picker(day: date, locale: str) -> Block:
    return {
        "type": "input",
        "block_id": "day",
        "dispatch_action": True,  # a new date rewrites the text (views.update)
        "label": plain(say("hold_day", locale)),
        "element": {
            "type": "datepicker",
            "action_id": "rm_hold_date",
            "initial_date": day.isoformat(),
        },
    }


def _reply_text(day: date, draft: DraftText, locale: str) -> Block:
    return {
        "type": "input",
        # Slack keeps what was typed in an input across views.update unless its
        # block_id changes, so the id carries the date the text was written for.
        "block_id": f"text:{day.isoformat()}",
        "label": plain(say("hold_text", locale, to=draft.to)),
        "element": {
            "type": "plain_text_input",
            "action_id": "text",
            "multiline": True,
            "max_length": 3000,
            "initial_value": draft.text[:3000],
        },
    }


def forward_modal(origin: Origin, choices: Sequence[ForwardChoice], locale: str) -> dict[str, Any]:
    """Forward: the suggestions, a Slack user picker, an email field and a note."""
    blocks: list[Block] = []
    options = [{"text": plain(c.label), "value": c.email} for c in choices if len(c.email) <= 150]
    if options:
        blocks.append(
            _input(
                "suggested",
                "forward_suggested",
                {"type": "radio_buttons", "options": options},
                locale,
            )
        )
    blocks.append(_input("user", "forward_user", {"type": "users_select"}, locale))
    blocks.append(_input("email", "forward_email", {"type": "plain_text_input"}, locale))
    blocks.append(_input("note", "forward_note", {"type": "plain_text_input"}, locale))
    title = say("forward_title", locale, ref=origin.ref)
    return _modal("rm_forward_modal", title, origin, blocks, locale, "forward_submit")


def _input(name: str, label: str, element: Block, locale: str) -> Block:
    return {
        "type": "input",
        "block_id": name,
        "optional": True,
        "label": plain(say(label, locale)),
        "element": {**element, "action_id": name},
    }


def value(view: dict[str, Any], block_prefix: str) -> str:
    """What the user entered in the form's input whose block_id starts with `block_prefix`."""
    for block_id, fields in view.get("state", {}).get("values", {}).items():
        if block_id == block_prefix or block_id.startswith(block_prefix + ":"):
            return _entered(next(iter(fields.values()), {}))
    return ""


def _entered(field: dict[str, Any]) -> str:
    for key in ("value", "selected_date", "selected_user"):
        if field.get(key):
            return str(field[key])
    option = field.get("selected_option") or {}
    return str(option.get("value") or "")
