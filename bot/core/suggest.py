"""Forward suggestions: who should handle this email, and why.

Two sources, each a small rule with its reason: the organisation's routing file
(teams with their keywords and the sender domains they handle, e.g. invoices and
payments → accounting) and the user's own history (where they forwarded earlier
mail from the same sender or on the same subject). A suggestion never names the
user or the sender.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.core.domains import within
from bot.core.i18n import Text, render
from bot.core.mail import Address
from bot.core.names import short_name
from bot.core.text import contains_word, unaccent

LIMIT = 3
TEAM_CODES = frozenset({"keyword", "domain"})  # suggestions that name a team


@dataclass(frozen=True, slots=True)
class Route:
    """A team (or a person) in the routing file."""

    alias: str
    name: str
    email: str
    keywords: tuple[str, ...] = ()
    sender_domains: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PastForward:
    sender: str
    subject_key: str
    to: Address


class Forwards:
    """Past forwards by sender and by subject: asked for every new thread, so kept indexed."""

    def __init__(self, past: Iterable[PastForward] = ()) -> None:
        # by sender, how often each person got their mail: counted as forwards are added,
        # as counting the sender's forwards on every new thread cost more than the rest
        self.by_sender: dict[str, Counter[Address]] = {}
        self.by_subject: dict[str, list[PastForward]] = {}
        for forward in past:
            self.append(forward)

    def append(self, forward: PastForward) -> None:
        self.by_sender.setdefault(forward.sender, Counter())[forward.to] += 1
        self.by_subject.setdefault(forward.subject_key, []).append(forward)


@dataclass(frozen=True, slots=True)
class Suggestion:
    to: Address
    code: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def short_name(self) -> str:
        """How a button names them: a team by its name, a person by their given name."""
        if self.code in TEAM_CODES:
            return self.to.display
        return short_name(self.to.display) or self.to.email

    def reason(self, locale: str) -> str:
        params = dict(self.params)
        one = f"{self.code}_one"  # English says "an email", not "1 email(s)"
        code = one if params.get("count") == "1" and one in REASONS else self.code
        return render(REASONS[code], locale, **params)


REASONS: dict[str, Text] = {
    "sender_history": {
        "en": "you forwarded {count} emails from {sender} to them before",
        "vi": "bạn đã chuyển {count} email của {sender} cho người này trước đây",
    },
    "sender_history_one": {
        "en": "you forwarded an email from {sender} to them before",
        "vi": "bạn đã chuyển một email của {sender} cho người này trước đây",
    },
    "keyword": {
        "en": "the email mentions “{keyword}”, which {team} handles",
        "vi": "email nhắc đến “{keyword}”, thuộc việc của {team}",
    },
    "domain": {
        "en": "{team} handles mail from {domain}",
        "vi": "{team} phụ trách email đến từ {domain}",
    },
    "subject_history": {
        "en": "you forwarded “{subject}” to them before",
        "vi": "bạn đã chuyển “{subject}” cho người này trước đây",
    },
}


def suggest(
    subject: str,
    text: str,
    sender: Address,
    user_email: str,
    routes: Sequence[Route],
    history: Forwards | Sequence[PastForward],
    subject_key: str,
) -> tuple[Suggestion, ...]:
    """Up to three people to forward to, best first, each with its reason."""
    history = history if isinstance(history, Forwards) else Forwards(history)
    found = [
        *_by_sender_history(sender, history),
        *_by_keyword(f"{subject}\n{text}", routes),
        *_by_domain(sender, routes),
        *_by_subject_history(subject_key, history),
    ]
    chosen: dict[str, Suggestion] = {}
    for suggestion in found:
        email = suggestion.to.email
        if email not in chosen and email not in (user_email.lower(), sender.email):
            chosen[email] = suggestion
    return tuple(chosen.values())[:LIMIT]


def _by_sender_history(sender: Address, history: Forwards) -> Iterable[Suggestion]:
    counts = history.by_sender.get(sender.email)
    for to, count in counts.most_common() if counts else ():
        params = (("count", str(count)), ("sender", sender.display))
        yield Suggestion(to, "sender_history", params)


def _by_keyword(text: str, routes: Sequence[Route]) -> Iterable[Suggestion]:
    plain = unaccent(text)  # mail typed without diacritics still matches "hóa đơn"
    for route in routes:
        for keyword in route.keywords:
            if contains_word(plain, _folded(keyword)):
                params = (("keyword", keyword), ("team", route.name))
                yield Suggestion(Address(route.email, route.name), "keyword", params)
                break


@lru_cache(maxsize=1024)
def _folded(keyword: str) -> str:
    """A routing keyword as `contains_word` compares it (the same few, on every mail)."""
    return unaccent(keyword)


def _by_domain(sender: Address, routes: Sequence[Route]) -> Iterable[Suggestion]:
    for route in routes:
        for domain in route.sender_domains:
            if within(sender.domain, domain):
                params = (("team", route.name), ("domain", sender.domain))
                yield Suggestion(Address(route.email, route.name), "domain", params)


def _by_subject_history(subject_key: str, history: Forwards) -> Iterable[Suggestion]:
    for past in history.by_subject.get(subject_key, ()) if subject_key else ():
        yield Suggestion(past.to, "subject_history", (("subject", subject_key),))
