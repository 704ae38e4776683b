"""The texts the bot sends by mail on the user's behalf: holding replies and forward notes.

The wording lives in template files, one per language, that an organisation can
override (`REPLYMINDER_TEMPLATES_DIR`); this module fills them and refuses to send
anything with a placeholder left unfilled.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from bot.core.conversation import is_forward

_LEFTOVER = re.compile(r"\$\{?[A-Za-z_]\w*\}?|\{\{|\}\}|\[[A-Z _]{3,}\]")
_REPLY_PREFIX = re.compile(r"^\s*(re|tl|trả lời|aw|sv)\s*:", re.IGNORECASE)


class TemplateError(ValueError):
    """A template could not be filled completely; nothing is sent."""


@dataclass(frozen=True, slots=True)
class Filled:
    subject: str
    body: str


def fill(template: str, **values: str) -> str:
    """`template` with every `$name` replaced; an unknown or leftover placeholder is an error."""
    try:
        text = string.Template(template).substitute(values)
    except (KeyError, ValueError) as error:
        raise TemplateError(f"the template needs a value for {error}") from None
    leftover = _LEFTOVER.search(text)
    if leftover:
        raise TemplateError(f"the template left “{leftover.group(0)}” unfilled")
    empty = [name for name, value in values.items() if f"${name}" in template and not value.strip()]
    if empty and "note" not in empty:
        raise TemplateError(f"the template has nothing to put in ${empty[0]}")
    return text.strip() + "\n"


def reply_subject(subject: str) -> str:
    return subject if _REPLY_PREFIX.match(subject) else f"Re: {subject}"


def forward_subject(subject: str) -> str:
    return subject if is_forward(subject) else f"Fwd: {subject}"


__all__ = ["Filled", "TemplateError", "fill", "forward_subject", "reply_subject"]
