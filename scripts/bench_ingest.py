"""Ingest throughput: a first sync of a big Maildir through the real path, and its floor.

The real path is `bot.services.ingest.sync_all` with the Maildir provider, as
`replyminder sync` runs it: list, read, parse, triage, risks, threading and
storage, a unit of work per page of 1,000. The floor does the least any program
storing these messages must do: read each file, parse it with the standard
library (`BytesParser`, policy compat32) and INSERT one row per message into a
single table through the driver's own cursor, committing every 500 messages.

Each is run `ROUNDS` times, alternating (floor, sync, floor, sync), from a fresh
database each time, and the best run of each counts: on a shared machine a
neighbour's load can slow one phase of a single run by a fifth, which moved the
ratio between 3.5 and 4.1 for the same code.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import compat32
from pathlib import Path

from bot.store import db
from scripts.benchkit import NOW, build_app, fresh_database, register, say
from scripts.mailtext import OWNER

PAGE = 500
ROUNDS = 2
_FLOOR_TABLE = (
    "CREATE TABLE floor_messages (id {key} PRIMARY KEY, message_id TEXT, sender TEXT,"
    " subject TEXT, sent TEXT)"
)
_INSERT = "INSERT INTO floor_messages (message_id, sender, subject, sent) VALUES ({markers})"


@dataclass(frozen=True)
class Ingest:
    engine: str
    messages: int
    seconds: float
    cpu_seconds: float  # this process only (PostgreSQL's server works on another core)
    floor_seconds: float
    floor_cpu_seconds: float
    rounds: int = 1  # the figures are the best of this many runs of each

    @property
    def rate(self) -> float:
        return self.messages / self.seconds

    @property
    def floor_rate(self) -> float:
        return self.messages / self.floor_seconds

    @property
    def ratio(self) -> float:
        """How many times slower than the floor (the target: at most 3)."""
        return self.floor_rate / self.rate

    @property
    def cpu_ratio(self) -> float:
        """The same by this process's CPU time: what a machine shared with others shows."""
        return self.cpu_seconds / self.floor_cpu_seconds


def measure(
    engine: str, maildir: Path, workdir: Path, postgres_url: str, rounds: int = ROUNDS
) -> Ingest:
    """The best of `rounds` alternating runs of the floor and of the sync."""
    files = sorted(p for p in maildir.glob("**/*/*") if p.parent.name in ("cur", "new"))
    floors: list[tuple[float, float]] = []
    syncs: list[tuple[float, float]] = []
    for number in range(1, rounds + 1):
        run = f"run {number} of {rounds}"
        with fresh_database(engine, workdir, postgres_url) as url:
            say(f"{engine}: the floor (stdlib parse + one INSERT), {len(files):,} messages, {run}")
            floors.append(floor(url, files))
        with fresh_database(engine, workdir, postgres_url) as url:
            say(f"{engine}: ingest through sync_all, {len(files):,} messages, {run}")
            messages, seconds, cpu = ingest(url, maildir, workdir)
            syncs.append((seconds, cpu))
        if messages != len(files):
            say(f"{engine}: ingested {messages:,} of {len(files):,} messages (see the log)")
    (seconds, cpu), (floor_seconds, floor_cpu) = min(syncs), min(floors)
    return Ingest(engine, messages, seconds, cpu, floor_seconds, floor_cpu, rounds)


def ingest(url: str, maildir: Path, workdir: Path) -> tuple[int, float, float]:
    """(messages ingested, wall seconds, CPU seconds) of one first sync."""
    app = build_app(url, workdir)
    register(app, OWNER, maildir, "vi")
    wall, cpu = time.perf_counter(), time.process_time()
    reports = app.sync(NOW)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    for report in reports:
        if report.error:
            raise RuntimeError(f"ingest failed: {report.error}")
    app.store.engine.dispose()
    return sum(r.new for r in reports), wall, cpu


def floor(url: str, files: list[Path]) -> tuple[float, float]:
    """(wall, CPU) seconds to read, parse and INSERT every file, one plain statement each."""
    store = db.connect(url)  # the same engine set-up as the product (WAL, pragmas)
    connection = store.engine.raw_connection()
    sqlite = store.dialect == "sqlite"
    insert = _INSERT.format(markers=", ".join(["?" if sqlite else "%s"] * 4))
    try:
        cursor = connection.cursor()
        cursor.execute(_FLOOR_TABLE.format(key="INTEGER" if sqlite else "BIGSERIAL"))
        connection.commit()
        started, cpu = time.perf_counter(), time.process_time()
        for number, path in enumerate(files, 1):
            message = BytesParser(policy=compat32).parsebytes(path.read_bytes())
            row = [str(message[name] or "") for name in ("message-id", "from", "subject", "date")]
            cursor.execute(insert, row)
            if number % PAGE == 0:
                connection.commit()
        connection.commit()
        return time.perf_counter() - started, time.process_time() - cpu
    finally:
        connection.close()
        store.engine.dispose()
