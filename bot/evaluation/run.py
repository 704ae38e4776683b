"""The whole evaluation: every set, in the table's order, sampled or not.

`evaluate` reads the corpora under `root`, runs each set through the product and
returns the rows. `sample` keeps at most that many messages per set (evenly spread;
for Enron, that many sent messages per mailbox), for a quick run such as CI's.
Progress goes to `say`, one line per stage.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from bot.core.calendar import Calendars
from bot.evaluation import (
    corpora,
    enron,
    preference_sets,
    replies,
    risk_sets,
    speed,
    threading_sets,
    triage_sets,
)
from bot.evaluation.metrics import Rate, Row, row

ENRON: Final = ("enron-maildir", "maildir")
REPLY_TARGET: Final = 0.85


@dataclass(frozen=True, slots=True)
class Evaluation:
    rows: list[Row]
    seconds: float
    root: str
    sample: int | None

    @property
    def met(self) -> bool:
        return all(r.met is not False for r in self.rows)


def evaluate(
    root: Path,
    calendar: Calendars,
    sample: int | None = None,
    say: Callable[[str], None] = lambda _: None,
    *,
    live: bool = False,
) -> Evaluation:
    started = time.perf_counter()
    say("triage: SpamAssassin public corpus")
    sets = triage_sets.load_all(root, sample)
    rows = triage_sets.rows(sets)
    say("risks: rspamd and SpamAssassin fixtures, legitimate mail")
    rows += risk_sets.fixture_rows(root)
    rows += risk_sets.alarm_rows(root, sets.hard, sets.easy)
    rows += preference_sets.rows(sets.listed, sets.personal)
    say("threading: notmuch, fedora-devel-list")
    rows += [*threading_sets.notmuch_rows(root), threading_sets.fedora_row(root)]
    rows += _replies(root, calendar, sample, say, live=live)
    rows.append(speed.row([*sets.hard, *sets.easy, *sets.spam]))
    return Evaluation(rows, time.perf_counter() - started, str(root), sample)


def _replies(
    root: Path,
    calendar: Calendars,
    sample: int | None,
    say: Callable[[str], None],
    *,
    live: bool,
) -> list[Row]:
    boxes = []
    for directory in sorted(p for p in corpora.folder(root, *ENRON).iterdir() if p.is_dir()):
        say(f"replies: Enron mailbox {directory.name}")
        boxes.append(enron.mailbox(directory, sample))
    found = [_replay(root, calendar, boxes, say, live=False, noise=sample)]
    if live:
        found.append(_replay(root, calendar, boxes, say, live=True, noise=sample))
    return [r for pair in found for r in pair]


def _replay(
    root: Path,
    calendar: Calendars,
    boxes: list[enron.Mailbox],
    say: Callable[[str], None],
    *,
    live: bool,
    noise: int | None,
) -> tuple[Row, Row]:
    mode = "hourly syncs" if live else "first sync"
    replied, forwarded, notes = Rate(), Rate(), []
    for box in boxes:
        say(f"replies: syncing {box.user} ({mode})")
        outcome = replies.replay(box, root, calendar, live=live, noise=noise)
        for total, part in ((replied, outcome.detected), (forwarded, outcome.forwards)):
            total.hits, total.total = total.hits + part.hits, total.total + part.total
            total.misses += part.misses
        notes.append(f"{box.user} {outcome.detected.hits}/{outcome.detected.total}")
    note = "; ".join(notes) + "; a message is counted once however many folders copy it"
    return (
        row("replies", f"Enron, {mode}", "quoted originals marked answered", replied,
            REPLY_TARGET, note=note),
        row("replies", f"Enron, {mode}", "forwarded originals marked forwarded", forwarded,
            note="reported, no target"),
    )  # fmt: skip
