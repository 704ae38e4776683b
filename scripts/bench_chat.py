"""A chat command answered end to end: `bot.services.act.act` on the embedded default.

Two users on SQLite, their mailboxes filled by a first sync of generated mail (Lan
reads the bot in Vietnamese, David in English). After a warm-up, each round sends
each of them, in turn, `list`, `snooze #N 2h`, `hoãn #N 2 tiếng nữa`, `done #N` and
`danh sách` (parse, act, store, reply), timing each; the thread closed by `done` is
then reopened behind the scenes, so every round finds the same world.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot import app as composition
from bot.core import dates
from bot.core.thread import State
from bot.services.act import act
from bot.store import threads as store
from bot.store import users
from bot.store.models import Thread
from scripts import mailgen
from scripts.benchkit import NOW, SQLITE, build_app, fresh_database, percentile, register, say
from scripts.mailtext import DOMAIN, Person

USERS = (
    (Person("Trần Thị Lan", f"lan@{DOMAIN}", "vi"), "vi"),
    (Person("David Miller", f"david@{DOMAIN}", "en"), "en"),
)
COMMANDS = ("list", "snooze #{ref} 2h", "hoãn #{ref} 2 tiếng nữa", "done #{ref}", "danh sách")
EXPECTED = {"list": "listed", "snooze": "snoozed", "hoãn": "snoozed", "done": "done"}
WARM_UP = 5


@dataclass
class Chat:
    runs: int
    timings: dict[str, list[float]] = field(default_factory=dict)  # command → seconds
    actions: Counter[str] = field(default_factory=Counter)
    open_threads: dict[str, int] = field(default_factory=dict)  # user → open threads listed

    def p(self, command: str | None, share: float) -> float:
        values = self.timings[command] if command else [t for v in self.timings.values() for t in v]
        return percentile(values, share) * 1000

    @property
    def unexpected(self) -> int:
        return sum(n for action, n in self.actions.items() if action not in EXPECTED.values())


def measure(runs: int, workdir: Path, mail_per_user: int = 150) -> Chat:
    with fresh_database(SQLITE, workdir, "") as url:
        app = build_app(url, workdir)
        refs = {}
        for seed, (person, locale) in enumerate(USERS, 1):
            refs[person.email] = _world(app, person, locale, workdir, mail_per_user, seed)
            if not refs[person.email]:
                raise RuntimeError(f"{person.email} has no open thread to snooze: more mail?")
        say(f"{SQLITE}: {runs} rounds of {len(COMMANDS)} commands for each of {len(USERS)} users")
        result = Chat(runs, {c.split()[0]: [] for c in COMMANDS})
        dates.warm_up()  # as `replyminder run` does at start
        for round_ in range(WARM_UP + runs):
            for email, open_refs in refs.items():
                _round(app, email, open_refs[round_ % len(open_refs)], result, round_ >= WARM_UP)
        result.open_threads = {email: len(r) for email, r in refs.items()}
        app.store.engine.dispose()
        return result


def _world(
    app: composition.App, person: Person, locale: str, workdir: Path, count: int, seed: int
) -> list[int]:
    """The user's mailbox, synced; the refs of the open threads a snooze can move."""
    maildir = workdir / f"chat-{person.email}"
    mailgen.generate(
        maildir, count, seed=seed, end=NOW - timedelta(minutes=5), days=3, owner=person
    )
    register(app, person, maildir, locale)
    app.sync(NOW)
    with app.store.session() as session:
        user = users.user_by_email(session, person.email)
        far = NOW + timedelta(hours=4)  # "snooze 2h" moves it, rather than asking to confirm
        rows = session.scalars(select(Thread).where(Thread.user_id == user.id))
        return sorted(t.ref for t in rows if t.state == State.PENDING and t.due_at > far)


def _round(app: composition.App, email: str, ref: int, result: Chat, timed: bool) -> None:
    for command in COMMANDS:
        text = command.format(ref=ref)
        started = time.perf_counter()
        answer = act(app.store, app.acting, email, text, "console", NOW)
        elapsed = time.perf_counter() - started
        if timed:
            result.timings[command.split()[0]].append(elapsed)
            result.actions[answer.action] += 1
    _reopen(app, email, ref)


def _reopen(app: composition.App, email: str, ref: int) -> None:
    """Put back the thread `done` closed (not timed)."""
    with app.store.unit() as session:
        user = users.user_by_email(session, email)
        thread = store.by_ref(session, user.id, ref)
        assert thread is not None
        thread.state, thread.snoozed_until = State.PENDING, None


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000
