"""A core `Card` as Slack Block Kit: the reminder DM, the digest, a listing, an answer.

The card is built once by the core (bot/core/present.py); this module only lays
it out. Every button carries the very command text the core put in its
`Action` (a click and a typed "snooze #3 1h" take the same road), and every
actions block is named after its thread (`rm:<thread id>`) so that a click tells
which thread it was about; the service still checks the thread is the clicker's.
Slack's limits (https://api.slack.com/reference/block-kit/blocks, checked
2026-11): 50 blocks a message, 3000 characters a section, 75 a button label,
150 a menu option's value; text is mrkdwn, where &, < and > must be escaped or
a subject like "<!channel>" would ping everyone.
"""

from __future__ import annotations

from typing import Any

from bot.chat.slack_texts import say
from bot.core import commands
from bot.core.cards import Action, Card, Line
from bot.core.commands import Verb
from bot.core.i18n import render
from bot.core.present import SNOOZE_CHOICES

Block = dict[str, Any]
MAX_BLOCKS = 50
SECTION = 3000
LABEL = 75
ACTIONS = "rm:"  # block_id prefix of a thread's actions: rm:<thread id>
CUSTOM = "custom"  # the snooze menu's "another time…": opens a form


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str, limit: int = LABEL) -> dict[str, Any]:
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return {"type": "plain_text", "text": shown, "emoji": True}


def section(text: str) -> Block:
    shown = text if len(text) <= SECTION else text[: SECTION - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": shown}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION]}]}


def fallback(card: Card) -> str:
    """The notification and screen-reader text of a message (Slack wants one)."""
    return card.as_text()[:SECTION]


def text_blocks(text: str) -> list[Block]:
    """A plain answer from the bot."""
    return [section(escape(text))]


def card_blocks(card: Card, outcome: str = "", working: bool = False) -> list[Block]:
    """The card's blocks; `outcome` says what just happened; `working` hides the buttons."""
    if card.lines or not card.subject:
        return listing_blocks(card)
    blocks = [section(f"*{escape(card.title)}*")]
    if outcome:
        blocks.append(section(escape(outcome)))
    if card.nudge and card.nudge_first:
        blocks.append(section(f"💬 {escape(card.nudge)}"))
    blocks += thread_blocks(card)
    if card.nudge and not card.nudge_first:
        blocks.append(section(f"💬 {escape(card.nudge)}"))
    elements = [] if working else action_elements(card)
    if elements:
        blocks.append(
            {"type": "actions", "block_id": f"{ACTIONS}{card.thread_id}", "elements": elements}
        )
    return blocks[:MAX_BLOCKS]


def thread_blocks(card: Card) -> list[Block]:
    """Sender, subject, excerpt, why, time left, warnings and suggested forwards."""
    ref = f"#{card.ref} " if card.ref is not None else ""
    head = f"*{ref}{escape(card.sender)}* — {escape(card.subject)}"
    if card.excerpt:
        head += f"\n>{escape(card.excerpt)}"
    blocks = [section(head)]
    if card.why:
        blocks.append(context(" · ".join(escape(w) for w in card.why)))
    if card.deadline:
        blocks.append(section(f"⏰ {escape(card.deadline)}"))
    blocks += [section(f"⚠ {escape(w)}") for w in card.warnings]
    if card.suggestions:
        blocks.append(context("\n".join(f"→ {escape(s)}" for s in card.suggestions)))
    return blocks


def listing_blocks(card: Card) -> list[Block]:
    """A digest or a list: the title, one line per thread, then the rest as text."""
    blocks = [section(f"*{escape(card.title)}*")]
    chunk = ""
    for text in (_line(line) for line in card.lines):
        if len(chunk) + len(text) + 1 > SECTION:
            blocks.append(section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{text}" if chunk else text
    if chunk:
        blocks.append(section(chunk))
    if card.body:
        blocks.append(section(escape(card.body)))
    if card.nudge:
        blocks.append(context(escape(card.nudge)))
    return blocks[:MAX_BLOCKS]


def _line(line: Line) -> str:
    badges = " " + " ".join(line.badges) if line.badges else ""
    who, what, due = escape(line.sender), escape(line.subject), escape(line.due)
    return f"`#{line.ref}` *{who}* — {what} · {due}{badges}"


def action_elements(card: Card) -> list[Block]:
    """The card's actions as Slack widgets: a snooze menu, form buttons, plain buttons."""
    verbs = [_verb(action) for action in card.actions]
    elements: list[Block] = []
    if Verb.SNOOZE in verbs and card.ref is not None:
        elements.append(snooze_menu(card.ref, card.locale))
    for number, (action, verb) in enumerate(zip(card.actions, verbs, strict=True)):
        if verb is Verb.HOLD:
            elements.append(button(action, "rm_hold"))
        elif verb not in (Verb.SNOOZE, Verb.FORWARD):  # forwards: all in the Forward… form
            elements.append(button(action, f"rm_cmd:{number}"))
    if Verb.SNOOZE in verbs and card.ref is not None:  # an actionable thread, not phishing
        forward = Action(say("forward", card.locale), f"forward #{card.ref}")
        elements.insert(
            len(elements) - 1 if Verb.DONE in verbs else len(elements),
            button(forward, "rm_forward"),
        )
    return elements


def _verb(action: Action) -> Verb | None:
    command = commands.parse(action.command)
    return command.verb if command else None


def button(action: Action, action_id: str) -> Block:
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": plain(action.label),
        "value": action.command[:2000],
    }
    if action.style in ("primary", "danger"):
        element["style"] = action.style
    return element


def snooze_menu(ref: int, locale: str) -> Block:
    """Snooze: 1 hour, 3 hours, tomorrow morning, or another time (a form)."""
    choices = [(render(label, locale), f"snooze #{ref} {when}") for label, when in SNOOZE_CHOICES]
    choices.append((say("snooze_custom", locale), f"{CUSTOM} #{ref}"))
    return {
        "type": "static_select",
        "action_id": "rm_snooze",
        "placeholder": plain(say("snooze", locale)),
        "options": [{"text": plain(label), "value": value} for label, value in choices],
    }


def confirm_button(command: str, locale: str) -> Block:
    """For an answer that needs a yes first (outside the company, after the deadline)."""
    action = Action(say("confirm", locale), f"{command} confirm", "danger")
    return button(action, "rm_cmd:confirm")


def thread_of(block_id: str) -> int | None:
    """The thread an actions block belongs to (rm:<thread id>), if it is one of ours."""
    if not block_id.startswith(ACTIONS):
        return None
    number = block_id[len(ACTIONS) :]
    return int(number) if number.isdigit() else None
