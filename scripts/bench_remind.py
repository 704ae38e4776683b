"""One reminder pass (`bot.services.remind.remind`, console channel) over many open threads.

The database holds what a company's would (`remind_world.py`): 50 users, their open
threads with their next checks spread over the coming days, closed ones, a history of
DMs in the outbox, and 100 threads due now. The pass is timed warm (the worker runs
one every few minutes), the median of several, each after the due threads and the
outbox are put back; the SQL it ran is captured and EXPLAINed: the due query must use
ix_threads_next_remind_at, and no statement may scan a big table.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from bot import app as composition
from bot.services import remind
from scripts.benchkit import NOW, build_app, fresh_database, say
from scripts.remind_world import World

INDEX = "ix_threads_next_remind_at"
BIG_TABLES = ("threads", "outbox", "events", "messages")


@dataclass
class Pass:
    engine: str
    open_threads: int
    timings: list[float] = field(default_factory=list)  # seconds, one per timed pass
    cpu: list[float] = field(default_factory=list)  # this process's CPU seconds, likewise
    sent: int = 0
    due_plan: str = ""
    scans: list[str] = field(default_factory=list)

    @property
    def ms(self) -> float:
        return statistics.median(self.timings) * 1000

    @property
    def cpu_ms(self) -> float:
        return statistics.median(self.cpu) * 1000

    @property
    def indexed(self) -> bool:
        return INDEX in self.due_plan


def measure(
    engine: str, sizes: tuple[int, ...], workdir: Path, postgres_url: str, repeats: int = 5
) -> list[Pass]:
    """A pass at each size in turn (the database grows from one to the next)."""
    with fresh_database(engine, workdir, postgres_url) as url:
        app = build_app(url, workdir)
        world = World(app, random.Random(11))
        passes = []
        for size in sizes:
            say(f"{engine}: {size:,} open threads ({size // 2:,} closed, an outbox history)")
            world.grow_to(size)
            passes.append(_timed(app, world, Pass(engine, size), repeats))
        app.store.engine.dispose()
        return passes


def _timed(app: composition.App, world: World, result: Pass, repeats: int) -> Pass:
    for run in range(repeats + 1):  # the first warms the caches up, as a running worker has
        world.reset_due()
        with _captured(app.store.engine) if run == repeats else _nothing() as statements:
            started, cpu = time.perf_counter(), time.process_time()
            deliveries = remind.remind(app.store, app.reminding, NOW)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if run:
            result.timings.append(elapsed)
            result.cpu.append(cpu)
        result.sent = len(deliveries)
    result.due_plan, result.scans = _explain(app.store.engine, statements)
    return result


@contextmanager
def _nothing() -> Iterator[list[tuple[str, Any]]]:
    yield []


@contextmanager
def _captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every SELECT the block runs, with its parameters."""
    statements: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def _explain(engine: Engine, statements: list[tuple[str, Any]]) -> tuple[str, list[str]]:
    """(the plan of the due query, the big tables some statement scans whole)."""
    due_plan, scans = "", set()
    distinct = dict(statements)  # each statement once, with the parameters of its last run
    with engine.connect() as connection:
        for statement, parameters in distinct.items():
            plan = _plan(connection, statement, parameters)
            if "next_remind_at <=" in statement and "FROM threads" in statement:
                due_plan = plan
            scans |= {table for table in BIG_TABLES if _scans(plan, table)}
    return due_plan, sorted(scans)


def _plan(connection: Any, statement: str, parameters: Any) -> str:
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return "; ".join(row[-1] for row in rows)
    rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
    return "; ".join(" ".join(row[0].split()) for row in rows)


def _scans(plan: str, table: str) -> bool:
    """A whole-table read: SQLite's "SCAN t" without an index, PostgreSQL's "Seq Scan on t"."""
    for step in plan.split("; "):
        if step.startswith(f"SCAN {table}") and "INDEX" not in step:
            return True
        if f"Seq Scan on {table}" in step:
            return True
    return False
