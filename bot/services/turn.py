"""A command being handled: who asks, about which thread, and how the bot answers.

Shared by the command handlers in `act` and the mail-sending ones in `send`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from stat import S_ISREG

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import commands, reminders
from bot.core.answers import ANSWERS, STATE_WORDS
from bot.core.calendar import Calendars, WorkCalendar
from bot.core.cards import Card
from bot.core.commands import Command
from bot.core.i18n import render
from bot.core.ports import MailProvider
from bot.core.suggest import Route
from bot.core.thread import OPEN_STATES
from bot.store import threads as store
from bot.store.models import OutboxRow, Thread, User

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


@dataclass(frozen=True, slots=True)
class Acting:
    """What acting on commands needs of the organisation."""

    calendar: Calendars  # a user's zone and hours → their working calendar
    policy: reminders.Policy
    providers: Mapping[str, MailProvider]
    routes: Sequence[Route] = ()
    internal_domains: frozenset[str] = frozenset()
    templates_dir: Path | None = None

    def template(self, kind: str, language: str) -> str:
        """The organisation's template if it has one, else ours."""
        name = f"{kind}.{language}.txt"
        for folder in (self.templates_dir, TEMPLATES):
            text = _read(os.path.join(folder, name)) if folder is not None else None
            if text is not None:
                return text
        fallback = os.path.join(TEMPLATES, f"{kind}.en.txt")
        text = _read(fallback)
        if text is None:
            raise FileNotFoundError(fallback)  # ours are shipped with the package
        return text


# path → (its modification time, size and inode; its text): every reminder card previews a
# holding reply. An edited or replaced template is read again; a removed one is forgotten.
# Paths are plain strings here: making and hashing a Path cost more than the stat.
_READ: dict[str, tuple[tuple[int, int, int], str]] = {}


def _read(path: str) -> str | None:
    """The text of a template file, None if there is none."""
    try:
        found = os.stat(path)
    except OSError:
        found = None
    if found is None or not S_ISREG(found.st_mode):
        _READ.pop(path, None)
        return None
    changed = (found.st_mtime_ns, found.st_size, found.st_ino)
    kept = _READ.get(path)
    if kept is None or kept[0] != changed:
        kept = _READ[path] = (changed, Path(path).read_text(encoding="utf-8"))
    return kept[1]


@dataclass(frozen=True, slots=True)
class Answer:
    reply: str
    action: (
        str  # listed|snoozed|holding_sent|forwarded|done|feedback|confirm_needed|refused|help|error
    )
    thread_id: int | None = None
    card: Card | None = None


@dataclass
class Turn:
    """One command being handled, inside one unit of work."""

    session: Session
    user: User
    setup: Acting
    command: Command
    now: datetime
    platform: str
    button_thread: int | None = None
    cal: WorkCalendar = field(init=False)

    def __post_init__(self) -> None:
        self.cal = self.setup.calendar(self.user.timezone, self.user.work_hours)

    @property
    def locale(self) -> str:
        return self.user.locale

    def say(
        self, key: str, action: str, thread: Thread | None = None, /, **params: object
    ) -> Answer:
        text = render(ANSWERS[key], self.locale, **params)
        return Answer(text, action, thread.id if thread else None)

    def record(self, thread: Thread, action: str, detail: str = "") -> None:
        store.record(self.session, thread, self.user.email, action, self.now, self.platform, detail)


def resolve(turn: Turn) -> Thread | Answer:
    """The thread a command means: the button's, `#ref`, or the one last reminded of."""
    session, user, ref = turn.session, turn.user, turn.command.ref
    if turn.button_thread is not None:
        thread = session.get(Thread, turn.button_thread)
        if thread is None or thread.user_id != user.id or (ref is not None and thread.ref != ref):
            return turn.say("not_yours", "refused")
        return thread
    if turn.command.bad_ref == "#":  # a "#" and no number after it
        return _which(turn)
    if turn.command.bad_ref:
        return turn.say("no_thread", "error", ref=turn.command.bad_ref)
    if ref is not None:
        thread = store.by_ref(session, user.id, ref)
        return thread if thread else turn.say("no_thread", "error", ref=ref)
    return _last_reminded(session, user.id) or _which(turn)


def _which(turn: Turn) -> Answer:
    example = commands.examples(turn.command.verb, turn.locale)
    return turn.say("which", "error", example=example)


def _last_reminded(session: Session, user_id: int) -> Thread | None:
    thread_id = session.scalar(
        select(OutboxRow.thread_id)
        .where(OutboxRow.user_id == user_id, OutboxRow.kind == "dm", OutboxRow.status == "sent")
        .where(OutboxRow.thread_id.is_not(None))
        .order_by(OutboxRow.sent_at.desc(), OutboxRow.id.desc())
        .limit(1)
    )
    return session.get(Thread, thread_id) if thread_id else None


def open_thread(turn: Turn) -> Thread | Answer:
    """Like `resolve`, but a closed thread gets a polite "nothing to do"."""
    thread = resolve(turn)
    if isinstance(thread, Thread) and thread.state not in OPEN_STATES:
        state = render(STATE_WORDS.get(thread.state, STATE_WORDS["done"]), turn.locale)
        return turn.say("closed", "refused", thread, ref=thread.ref, state=state)
    return thread


def split_confirm(arg: str) -> tuple[str, bool]:
    """ "friday confirm" → ("friday", True): the word that confirms a risky action."""
    for word in sorted(commands.CONFIRM_WORDS, key=len, reverse=True):
        if arg.casefold().endswith(" " + word) or arg.casefold() == word:
            return arg[: len(arg) - len(word)].strip(), True
    return arg, False


def reschedule(turn: Turn, thread: Thread) -> None:
    """After a change, set when the reminder pass should look at the thread again."""
    thread.updated_at = turn.now
    thread.next_remind_at = reminders.next_check(store.view(thread), turn.cal, turn.setup.policy)
