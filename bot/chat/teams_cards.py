"""Teams: a core `Card` rendered as an Adaptive Card (what a reminder looks like in Teams).

The content is the console card's (sender, subject, excerpt, why, time left,
risks, suggestions, the holding-reply nudge); the buttons become small forms:
Snooze (1 hour, 3 hours, tomorrow morning, or a typed time), Holding reply (a
date prefilled with the proposed day), Forward (the suggestions or any address)
and Done. Every submit carries `thread` and `ref`; `teams_submit` turns what
comes back into the text command a user could have typed.

Text from mail (sender, subject, excerpt) is untrusted: it goes into `TextRun`s,
which Adaptive Cards never read as markdown, so a subject like "[Pay here](…)"
cannot become a link inside the bot's own card.
"""

from __future__ import annotations

import re
from typing import Any

from bot.chat.teams_texts import CARD
from bot.core import commands
from bot.core.cards import Action, Card, Line
from bot.core.commands import Command, Verb
from bot.core.i18n import render
from bot.core.present import SNOOZE_CHOICES

Json = dict[str, Any]
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.4"  # Teams desktop and mobile render 1.4 fully (ShowCard, Input.Date, ChoiceSet)
MAX_LINES = 30  # a Teams message holds about 28 KB; a long digest ends with "+N more"
MARKER = 1  # `rm` in the submit data: this card is ours (a version, if the shape changes)
_EMAIL = re.compile(r"<([^<>\s]+@[^<>\s]+)>")
_STYLES = {"primary": "positive", "danger": "destructive"}


def attachment(card: Card) -> Json:
    """The card as a Bot Framework attachment, ready for an activity."""
    return {"contentType": CONTENT_TYPE, "content": adaptive(card)}


def adaptive(card: Card) -> Json:
    """The whole Adaptive Card: the content, then the actions."""
    return _envelope([*_content(card), *_lines(card)], _actions(card))


def outcome(summary: str, reply: str) -> Json:
    """What a reminder card turns into once acted on: what it was about, and what happened."""
    body = [_run(summary, isSubtle=True)] if summary else []
    return _envelope([*body, _run(reply, weight="bolder")], [])


def confirmation(summary: str, reply: str, command: str, thread: int | None, locale: str) -> Json:
    """The bot asks before a risky step (outside the company, past the deadline): one button."""
    data = {"rm": MARKER, "command": f"{command} confirm", "thread": thread, "summary": summary}
    button = _submit(render(CARD["confirm"], locale), data, "positive")
    return _envelope([_run(reply)], [button])


def lines_card(text: str) -> Json:
    """A multi-line answer (help, a list) as a card: Teams chat text would fold the lines."""
    return _envelope([_run(line) for line in text.splitlines() if line.strip()], [])


def _envelope(body: list[Json], actions: list[Json]) -> Json:
    card: Json = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}
    if actions:
        card["actions"] = actions
    card["msteams"] = {"width": "Full"}
    return card


def _run(text: str, *, tight: bool = False, **style: object) -> Json:
    """One paragraph of plain text (never markdown); `tight` for a list's next line."""
    block: Json = {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": text, **style}]}
    if tight:
        block["spacing"] = "none"
    return block


def _content(card: Card) -> list[Json]:
    blocks = [_run(card.title, weight="bolder", size="medium")]
    if card.nudge and card.nudge_first:
        blocks.append(_run(f"💬 {card.nudge}", color="warning", weight="bolder"))
    if card.subject:
        blocks.append(_run(f"{summary(card)}", weight="bolder"))
    if card.excerpt:
        blocks.append(_run(f"“{card.excerpt}”", italic=True, isSubtle=True))
    blocks += [_run(f"• {why}", tight=True) for why in card.why]
    if card.deadline:
        blocks.append(_run(f"⏰ {card.deadline}"))
    blocks += [_run(f"⚠ {warning}", color="attention") for warning in card.warnings]
    blocks += [_run(f"→ {suggestion}", tight=True) for suggestion in card.suggestions]
    return blocks


def _lines(card: Card) -> list[Json]:
    shown = [_run(_line(line), tight=True) for line in card.lines[:MAX_LINES]]
    if len(card.lines) > MAX_LINES:
        more = render(CARD["more"], card.locale, count=len(card.lines) - MAX_LINES)
        shown.append(_run(more, isSubtle=True))
    shown += [_run(line) for line in card.body.splitlines() if line.strip()]
    if card.nudge and not card.nudge_first:
        shown.append(_run(f"💬 {card.nudge}", color="accent"))
    return shown


def _line(line: Line) -> str:
    badges = " " + " ".join(line.badges) if line.badges else ""
    return f"#{line.ref} {line.sender} — {line.subject} · {line.due}{badges}"


def summary(card: Card) -> str:
    """ "#3 Phạm Minh — PO-2311": the line a card is remembered by once acted on."""
    ref = f"#{card.ref} " if card.ref is not None else ""
    return f"{ref}{card.sender} — {card.subject}" if card.subject else ""


def _actions(card: Card) -> list[Json]:
    parsed = [(action, commands.parse(action.command)) for action in card.actions]
    verbs = {command.verb: command for _, command in parsed if command is not None}
    full = Verb.SNOOZE in verbs  # a phishing card offers only "reported, close it"
    forms: list[Json] = []
    if full:
        forms.append(_snooze_form(card))
    if Verb.HOLD in verbs:
        forms.append(_hold_form(card, verbs[Verb.HOLD]))
    if full:
        forms.append(_forward_form(card))
    formed = {Verb.SNOOZE, Verb.HOLD, Verb.FORWARD} if full else {Verb.HOLD}
    buttons = [_button(card, a) for a, c in parsed if c is None or c.verb not in formed]
    return forms + buttons


def _data(card: Card, **values: object) -> Json:
    return {"rm": MARKER, "thread": card.thread_id, "ref": card.ref, "summary": summary(card)} | (
        values
    )


def _submit(title: str, data: Json, style: str = "") -> Json:
    action: Json = {"type": "Action.Submit", "title": title, "data": data}
    if style:
        action["style"] = style
    return action


def _button(card: Card, action: Action) -> Json:
    data = _data(card, command=action.command)
    return _submit(action.label, data, _STYLES.get(action.style, ""))


def _form(title: str, body: list[Json], go: Json) -> Json:
    inner = {"type": "AdaptiveCard", "version": VERSION, "body": body, "actions": [go]}
    return {"type": "Action.ShowCard", "title": title, "card": inner}


def _snooze_form(card: Card) -> Json:
    loc = card.locale
    choices = [{"title": render(label, loc), "value": when} for label, when in SNOOZE_CHOICES]
    body = [
        _choices("rm_when", render(CARD["until"], loc), choices, "1h"),
        _text_input("rm_when_text", render(CARD["typed_time"], loc)),
    ]
    go = _submit(render(CARD["snooze"], loc), _data(card, verb="snooze"), "positive")
    return _form(render(CARD["snooze"], loc), body, go)


def _hold_form(card: Card, hold: Command) -> Json:
    loc = card.locale
    body: list[Json] = [
        {"type": "Input.Date", "id": "rm_day", "label": render(CARD["hold_by"], loc),
         "value": hold.arg, "isRequired": True},
    ]  # fmt: skip
    if card.nudge:
        body.append(_run(f"💬 {card.nudge}", weight="bolder"))
    if card.preview:  # the very text that will go out, for the proposed date
        body.append(_run(render(CARD["hold_preview_title"], loc), weight="bolder"))
        body.append(_run(card.preview, isSubtle=True))
    else:
        body.append(_run(render(CARD["hold_preview"], loc), isSubtle=True))
    go = _submit(render(CARD["hold_go"], loc), _data(card, verb="hold"), "positive")
    return _form(render(CARD["hold"], loc), body, go)


def _forward_form(card: Card) -> Json:
    loc = card.locale
    suggested = [
        {"title": line, "value": match.group(1)}
        for line in card.suggestions
        if (match := _EMAIL.search(line))
    ]
    body: list[Json] = []
    if suggested:
        body.append(_choices("rm_to", render(CARD["forward_to"], loc), suggested, ""))
    body += [
        _text_input("rm_to_text", render(CARD["forward_other"], loc)),
        _text_input("rm_note", render(CARD["forward_note"], loc)),
        _run(render(CARD["forward_outside"], loc), isSubtle=True),
    ]
    go = _submit(render(CARD["forward_go"], loc), _data(card, verb="forward"), "positive")
    return _form(render(CARD["forward"], loc), body, go)


def _text_input(key: str, placeholder: str) -> Json:
    return {"type": "Input.Text", "id": key, "placeholder": placeholder}


def _choices(key: str, label: str, choices: list[Json], value: str) -> Json:
    return {
        "type": "Input.ChoiceSet",
        "id": key,
        "label": label,
        "style": "expanded",
        "wrap": True,
        "value": value or choices[0]["value"],
        "choices": choices,
    }
