"""Triage: how important an incoming mail is, why, and whether it awaits a reply at all.

Ingest calls `triage` on every new mail in the Inbox. Two tables decide:

- `GATES` (in `bot/core/bulk.py`): signs that nobody expects a personal reply (mailing
  lists, newsletters, bulk, automated mail and auto-replies, no-reply senders, spam,
  the owner's own mail, mail from strangers that names other recipients). Any gate makes
  the mail untracked: never pending, importance `low`, the gates' reasons given.
  A "+1" preference for the sender or list reopens the soft gates (not spam, not own mail).
- `SIGNALS` (below): each adds its weight to a score when it finds its cue.

    high_importance +3 · low_importance −1 · to_me +1 · cc_only −1 · internal +1
    frequent +1 · stranger 0 · urgent_words +3 · question +1 · request +1
    deadline +2 · deadline_soon +3

From the score: `urgent` needs 6 or more AND one of the strong combinations in
`URGENT_WHEN` (urgency words sent to you directly; a high-importance flag with a deadline
today or tomorrow; a close deadline sent to you with a question or request); otherwise
4 or more is `high`, 0 or more `normal`, below 0 `low`. So a colleague's routine
"please" (to_me + internal + request = 3) stays `normal`, a flagged mail to you is `high`,
and "KHẨN, anh duyệt giúp em được không?" from a colleague is `urgent`. `CEILINGS` then
caps: mail from someone the owner never wrote to is at most `high`, since anyone can
write "URGENT" (the advance-fee spams of the SpamAssassin corpus all do). The same word
in a newsletter stays `low` and untracked. On the Enron inbox of rick.buy (1,143 mails,
correspondents taken from his Sent folders) this gives 3% urgent, 16% high, 75% normal.

Preferences (`Viewer.preferences`, keyed by sender address or List-Id) come last:
−1 makes the mail `low` (still tracked when it is personal), +1 makes it at least `high`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from bot.core.bulk import GATES, list_ids
from bot.core.cues import QUESTION, REQUEST, URGENT, is_soon
from bot.core.i18n import Text, render
from bot.core.mail import Mail, Viewer
from bot.core.reading import Params, Reading, Rule, read


class Importance(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"

    @property
    def rank(self) -> int:
        """Higher is more important: sort with `key=lambda t: -t.importance.rank`."""
        return _RANKS[self]


_RANKS: Final = {Importance.URGENT: 3, Importance.HIGH: 2, Importance.NORMAL: 1, Importance.LOW: 0}


@dataclass(frozen=True, slots=True)
class Reason:
    """Why triage decided as it did; stored as code + params, rendered in the reader's language."""

    code: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Triage:
    importance: Importance
    reasons: tuple[Reason, ...]
    tracked: bool  # False: bulk, list, automated or spam-like; never pending


def _flag(reading: Reading, levels: tuple[str, ...]) -> Params | None:
    mail = reading.mail
    said = (
        mail.header("importance").lower(),
        mail.header("x-msmail-priority").lower(),
        mail.header("priority").lower(),
        "x-priority-" + mail.header("x-priority").strip()[:1],
    )
    return {} if any(value in levels for value in said) else None


def _high_flag(reading: Reading) -> Params | None:
    return _flag(reading, ("high", "urgent", "x-priority-1", "x-priority-2"))


def _low_flag(reading: Reading) -> Params | None:
    return _flag(reading, ("low", "non-urgent", "x-priority-4", "x-priority-5"))


def _to_me(reading: Reading) -> Params | None:
    return {} if reading.viewer_email in {a.email for a in reading.mail.to} else None


def _cc_only(reading: Reading) -> Params | None:
    cc = {a.email for a in reading.mail.cc}
    return {} if reading.viewer_email in cc and _to_me(reading) is None else None


def _internal(reading: Reading) -> Params | None:
    sender = reading.mail.sender
    return {} if sender and reading.viewer.is_internal(sender) else None


def _frequent(reading: Reading) -> Params | None:
    count = reading.viewer.correspondents.get(reading.sender, 0)
    return {"count": str(count)} if count >= FREQUENT else None


def _stranger(reading: Reading) -> Params | None:
    sender, viewer = reading.mail.sender, reading.viewer
    known = sender is None or viewer.is_internal(sender) or viewer.correspondents.get(sender.email)
    return None if known else {}


def _urgent_words(reading: Reading) -> Params | None:
    found = URGENT.find(reading.head, within=reading.held)
    return {"found": found} if found else None


def _question(reading: Reading) -> Params | None:
    return {} if QUESTION.find(reading.top) else None


def _request(reading: Reading) -> Params | None:
    found = REQUEST.find(reading.top)
    return {"found": found} if found else None


def _deadline(soon: bool) -> Rule:
    def detect(reading: Reading) -> Params | None:
        found = reading.deadline
        if found is None or is_soon(found, reading.now) != soon:
            return None
        return {"found": found}

    return detect


FREQUENT: Final = 3  # times the owner wrote to an address before it counts as a frequent one


@dataclass(frozen=True, slots=True)
class Signal:
    code: str
    weight: int
    detect: Rule
    text: Text


SIGNALS: Final = (
    Signal("high_importance", 3, _high_flag,
           {"en": "marked high importance by the sender", "vi": "người gửi đánh dấu quan trọng"}),
    Signal("low_importance", -1, _low_flag,
           {"en": "marked low importance by the sender", "vi": "người gửi đánh dấu ít quan trọng"}),
    Signal("to_me", 1, _to_me,
           {"en": "sent to you directly", "vi": "gửi trực tiếp cho bạn"}),
    Signal("cc_only", -1, _cc_only,
           {"en": "you are only in Cc", "vi": "bạn chỉ được CC"}),
    Signal("internal", 1, _internal,
           {"en": "from a colleague", "vi": "từ đồng nghiệp trong công ty"}),
    Signal("frequent", 1, _frequent,
           {"en": "from someone you write to often ({count} emails)",
            "vi": "từ người mà bạn thường gửi thư ({count} thư)"}),
    Signal("stranger", 0, _stranger,
           {"en": "from someone you have never written to",
            "vi": "từ người mà bạn chưa từng gửi thư"}),
    Signal("urgent_words", 3, _urgent_words,
           {"en": "says it is urgent (“{found}”)", "vi": "được ghi là khẩn (“{found}”)"}),
    Signal("question", 1, _question,
           {"en": "asks you a question", "vi": "đặt câu hỏi cho bạn"}),
    Signal("request", 1, _request,
           {"en": "asks you to do something (“{found}”)",
            "vi": "có việc nhờ bạn (“{found}”)"}),
    Signal("deadline_soon", 3, _deadline(soon=True),
           {"en": "mentions a deadline: {found}", "vi": "có nêu hạn chót: {found}"}),
    Signal("deadline", 2, _deadline(soon=False),
           {"en": "mentions a deadline: {found}", "vi": "có nêu hạn chót: {found}"}),
)  # fmt: skip

URGENT_SCORE: Final = 6
URGENT_WHEN: Final = (
    frozenset({"urgent_words", "to_me"}),
    frozenset({"high_importance", "deadline_soon"}),
    frozenset({"deadline_soon", "to_me", "question"}),
    frozenset({"deadline_soon", "to_me", "request"}),
)
FLOORS: Final = ((Importance.HIGH, 4), (Importance.NORMAL, 0))
CEILINGS: Final = {"stranger": Importance.HIGH}  # anyone can write "URGENT" to anyone

PREFERENCES: Final[dict[tuple[int, bool], tuple[str, Text]]] = {
    (1, False): ("pref_important", {"en": "you marked this sender as important",
                                    "vi": "bạn đã đánh dấu người gửi này là quan trọng"}),
    (-1, False): ("pref_unimportant", {"en": "you marked this sender as not important",
                                       "vi": "bạn đã đánh dấu người gửi này là không quan trọng"}),
    (1, True): ("pref_list_important", {"en": "you marked this mailing list as important",
                                        "vi": "bạn đã đánh dấu danh sách thư này là quan trọng"}),
    (-1, True): ("pref_list_unimportant", {"en": "you marked this mailing list as not important",
                                           "vi": "bạn đã đánh dấu danh sách thư này "
                                                 "là không quan trọng"}),
}  # fmt: skip  # (preference, keyed by a list id) → reason

# The user's correction on the thread itself (`important #3`), recorded by `act`.
CORRECTIONS: Final[dict[str, Text]] = {
    "user_important": {"en": "you marked it as important",
                       "vi": "bạn đã đánh dấu thư này là quan trọng"},
    "user_not_important": {"en": "you marked it as not important",
                           "vi": "bạn đã đánh dấu thư này là không quan trọng"},
}  # fmt: skip

TEXTS: Final[dict[str, Text]] = {
    **{signal.code: signal.text for signal in SIGNALS},
    **{gate.code: gate.text for gate in GATES},
    **dict(PREFERENCES.values()),
    **CORRECTIONS,
}


def triage(mail: Mail, viewer: Viewer, now: datetime) -> Triage:
    """Importance, reasons and whether the mail awaits a reply, for `viewer`, at `now`."""
    reading = read(mail, viewer, now)
    preference = _preference(mail, viewer)
    gates = [(gate, params) for gate in GATES if (params := gate.detect(reading)) is not None]
    if gates and not (preference[0] > 0 and all(gate.soft for gate, _ in gates)):
        reasons = [_reason(gate.code, params) for gate, params in gates]
        return Triage(Importance.LOW, tuple(reasons), tracked=False)
    found = [(signal, signal.detect(reading)) for signal in SIGNALS]
    hits = [(signal, params) for signal, params in found if params is not None]
    importance = _importance({s.code for s, _ in hits}, sum(s.weight for s, _ in hits))
    reasons = [_reason(signal.code, params) for signal, params in hits]
    return _preferred(Triage(importance, tuple(reasons), tracked=True), preference)


def _importance(codes: set[str], score: int) -> Importance:
    level = next((level for level, floor in FLOORS if score >= floor), Importance.LOW)
    if score >= URGENT_SCORE and any(combo <= codes for combo in URGENT_WHEN):
        level = Importance.URGENT
    ceilings = [CEILINGS[code] for code in codes if code in CEILINGS]
    return min([level, *ceilings], key=lambda importance: importance.rank)


def _preference(mail: Mail, viewer: Viewer) -> tuple[int, bool]:
    """The owner's +1/−1 for this sender (first) or list, and whether it came from a list."""
    sender = mail.sender.email if mail.sender else ""
    keys = [(sender, False), *((list_id, True) for list_id in list_ids(mail))]
    for key, is_list in keys:
        value = viewer.preferences.get(key.lower(), 0) if key else 0
        if value:
            return (1 if value > 0 else -1, is_list)
    return (0, False)


def _preferred(result: Triage, preference: tuple[int, bool]) -> Triage:
    if preference[0] == 0:
        return result
    code, _ = PREFERENCES[preference]
    raised = Importance.HIGH if result.importance.rank < Importance.HIGH.rank else result.importance
    importance = raised if preference[0] > 0 else Importance.LOW
    return Triage(importance, (Reason(code), *result.reasons), result.tracked)


def _reason(code: str, params: Params | None) -> Reason:
    return Reason(code, tuple(sorted((params or {}).items())))


def describe(reason: Reason, locale: str) -> str:
    """The reason as a sentence fragment in `locale` ("asks you a question")."""
    text = TEXTS.get(reason.code)
    return render(text, locale, **dict(reason.params)) if text else reason.code


def explain(reasons: Sequence[Reason], locale: str) -> str:
    """Several reasons as one phrase: "asks you a question and mentions a deadline: …"."""
    parts = [describe(reason, locale) for reason in reasons]
    return _join(parts, " và " if locale.lower().startswith("vi") else " and ")


def _join(parts: Iterable[str], last: str) -> str:
    items = list(parts)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + last + items[-1]
