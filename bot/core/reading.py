"""One mail as the triage rules read it: who sent it, and the part of the text that is new.

Built once per mail by `read`, then handed to every rule of `bulk.GATES` and
`triage.SIGNALS`, so that the quoted history is cut off and the text folded only once.
A rule is a function from a `Reading` to what it found (`Params`, empty when there is
nothing to quote) or None when it does not apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Final, Generic, TypeVar

from bot.core import cues
from bot.core.conversation import continues
from bot.core.cues import DEADLINE, Prose, asked_for_day, without_urls
from bot.core.mail import Mail, Viewer

Params = dict[str, str]
Rule = Callable[["Reading"], Params | None]

TOP_LIMIT: Final = 4_000  # characters of new text the cues look at
FOOTER: Final = 1_500  # characters at the end of the new text where a bulk footer sits
HEAD_LINES: Final = 5  # "the first lines", where urgency words count

# Where the quoted history starts in a reply or a forward (Outlook, Gmail, Apple Mail,
# Thunderbird, in English and Vietnamese), at the start of a line.
_QUOTE_LINE: Final = (
    r"(?:>"
    r"|-{2,}\s*(?:original message|forwarded message|thư gốc|tin nhắn gốc"
    r"|tin nhắn được chuyển tiếp)"
    r"|_{10,}\s*$"
    r"|on\s[^\n]{0,200}(?:\n[^\n]{0,200})?wrote:"
    r"|vào\s[^\n]{0,200}(?:\n[^\n]{0,200})?đã viết:"
    r"|(?:from|từ):[^\n]*\n(?:sent|date|đã gửi|ngày gửi|gửi):"
    r")"
)
_QUOTED_FIRST: Final = re.compile(_QUOTE_LINE, re.IGNORECASE | re.MULTILINE)
# Written "\n…" rather than "^…": the engine then jumps from line break to line break,
# where with "^" it tried the start of a line at every character.
_QUOTED_LATER: Final = re.compile(rf"\n{_QUOTE_LINE}", re.IGNORECASE | re.MULTILINE)


T = TypeVar("T")


class _once(Generic[T]):  # noqa: N801 - used as a decorator, like cached_property
    """`functools.cached_property` without its lock: on Python 3.11 that lock is one for
    all instances, so threads syncing mailboxes would wait on each other's mail. A Reading
    is one thread's; at worst two threads would compute the same pure value twice."""

    def __init__(self, make: Callable[[Any], T]) -> None:
        self.make, self.name = make, make.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> T:
        if instance is None:
            return self  # type: ignore[return-value]  # the class's attribute: the descriptor
        value = self.make(instance)
        instance.__dict__[self.name] = value  # found before this descriptor from now on
        return value


@dataclass(frozen=True)
class Reading:
    """What every rule reads, made once. The parts only the signals read (the head, the
    deadline) and the footer are made when first asked: most bulk mail is settled by the
    gates before any signal runs, and a List-Unsubscribe header spares the footer."""

    mail: Mail
    viewer: Viewer
    now: datetime
    viewer_email: str
    sender: str  # the sender's address, "" when unknown
    fresh: str  # the new text: the body above any quoted part
    top: Prose  # the new text's beginning, URLs blanked

    @_once
    def head(self) -> Prose:
        """The subject and the first lines of new text."""
        lines = [line for line in self.top.text.splitlines() if line.strip()][:HEAD_LINES]
        return Prose.of("\n".join([self.mail.subject, *lines]))

    @_once
    def held(self) -> frozenset[str]:
        """The watched words of the whole mail, accents off (`cues.held`): a rule read
        over any part of it, without accents, cannot match when its words are missing."""
        return cues.held(whole(self.mail))

    @_once
    def footer(self) -> Prose:
        """The end of the new text, where newsletters put "unsubscribe" (see `_footer`)."""
        return _footer(self.mail, self.fresh)

    @_once
    def deadline(self) -> str | None:
        """The deadline the subject or the new text mentions, as written."""
        subject = Prose.of(self.mail.subject)  # joined to `top` as is: NFC, same plain letters
        both = Prose(f"{subject.text}\n{self.top.text}", f"{subject.plain}\n{self.top.plain}")
        return DEADLINE.find(both) or asked_for_day(self.top, within=self.held)


def whole(mail: Mail) -> Prose:
    """The subject and the whole text: what the risk checks read, and where the triage's
    pre-check looks (made once: triage and the risk checks each ask for it)."""
    return _prose(f"{mail.subject}\n{mail.text}")


@lru_cache(maxsize=8)
def _prose(text: str) -> Prose:
    return Prose.of(text)


def new_text(text: str) -> str:
    """The part of a mail body above its quoted history."""
    if _QUOTED_FIRST.match(text):
        return ""
    quoted = _QUOTED_LATER.search(text)
    return text[: quoted.start() + 1] if quoted else text


# Quote marks that newsletters and spam also print: ">" lines and underscore rulers.
_AMBIGUOUS: Final = re.compile(r">|_")


def _footer(mail: Mail, fresh: str) -> Prose:
    """The end of the new text; of the whole text when the cut was only an ambiguous mark
    (a ">" line, a ruler) in a mail that is no reply or forward: then it was no quote."""
    cut = mail.text[len(fresh) : len(fresh) + 1]
    whole = bool(cut) and _AMBIGUOUS.match(cut) is not None and not continues(mail)
    return Prose.of((mail.text if whole else fresh)[-FOOTER:])


def read(mail: Mail, viewer: Viewer, now: datetime) -> Reading:
    fresh = new_text(mail.text)
    return Reading(
        mail=mail,
        viewer=viewer,
        now=now,
        viewer_email=viewer.email.strip().lower(),
        sender=mail.sender.email if mail.sender else "",
        fresh=fresh,
        top=Prose.of(without_urls(fresh[:TOP_LIMIT])),
    )
