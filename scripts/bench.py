"""The core benchmarks of issues 2 and 3, side by side in one run: `./dev bench`.

    ./dev bench            20,000 messages; reminder passes at 10,000 and 100,000 threads
    ./dev bench --quick    2,000 messages; reminder passes at 1,000 and 10,000 threads

`./dev bench` starts a throwaway PostgreSQL and exports REPLYMINDER_TEST_POSTGRES_URL;
without it, the PostgreSQL column is skipped. What is measured, and how, is said in
`bench_ingest.py`, `bench_remind.py` and `bench_chat.py`; the mail comes from
`mailgen.py`. Progress goes to stderr, the figures to stdout.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from scripts import bench_chat, bench_ingest, bench_remind, mailgen
from scripts.benchkit import NOW, POSTGRES, SQLITE, say
from scripts.report import Figures, render

PARTS = ("ingest", "remind", "chat")


@dataclass(frozen=True)
class Size:
    messages: int
    threads: tuple[int, ...]
    chat_runs: int


FULL, QUICK = Size(20_000, (10_000, 100_000), 200), Size(2_000, (1_000, 10_000), 50)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    only = tuple(args.only or PARTS)
    size = QUICK if args.quick else FULL
    postgres = os.environ.get("REPLYMINDER_TEST_POSTGRES_URL", "")
    figures = Figures(size.messages, size.threads, size.chat_runs, machine(postgres), args.quick)
    engines = [SQLITE, *([POSTGRES] if postgres else [])]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="replyminder-bench-") as folder:
        workdir = Path(folder)
        if "ingest" in only:
            _ingest(figures, engines, size, workdir, postgres)
        if "remind" in only:
            for engine in engines:
                figures.passes += bench_remind.measure(engine, size.threads, workdir, postgres)
        if "chat" in only:
            figures.chat = bench_chat.measure(size.chat_runs, workdir)
    figures.minutes = (time.perf_counter() - started) / 60
    print(render(figures))
    return 0  # a missed target is a figure to read, not a failure of the run


def _ingest(figures: Figures, engines: list[str], size: Size, workdir: Path, postgres: str) -> None:
    maildir = workdir / "maildir"
    say(f"generating a Maildir of {size.messages:,} messages")
    end = NOW - timedelta(minutes=5)  # the newest mail came in just before the sync
    figures.mailbox = str(mailgen.generate(maildir, size.messages, seed=7, end=end, days=12))
    for engine in engines:
        figures.ingests.append(bench_ingest.measure(engine, maildir, workdir, postgres))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="./dev bench",
        description="Replyminder's core benchmarks (issues 2 and 3): ingest, reminders, chat.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 2,000 messages, 10,000 threads"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=PARTS,
        help="run only this part (repeatable); default: all three",
    )
    return parser


@dataclass(frozen=True)
class Machine:
    cpus: int
    cpu: str
    python: str
    sqlite: str
    postgres: str
    load: str = field(default="")

    def __str__(self) -> str:
        pg = f"PostgreSQL {self.postgres}" if self.postgres else "no PostgreSQL"
        return (
            f"{self.cpus} CPUs ({self.cpu}), {platform.system()}, Python {self.python}, "
            f"SQLite {self.sqlite}, {pg}; load average at start {self.load}"
        )


def machine(postgres_url: str) -> Machine:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _cpuinfo() if line.startswith("model name")),
        platform.processor() or "unknown",
    )
    load = " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return Machine(
        os.cpu_count() or 1,
        cpu,
        platform.python_version(),
        sqlite3.sqlite_version,
        _postgres_version(postgres_url),
        load,
    )


def _cpuinfo() -> list[str]:
    try:
        return Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return []


def _postgres_version(url: str) -> str:
    if not url:
        return ""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar())
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
