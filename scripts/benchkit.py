"""What the benchmark's parts share: a fresh database on each engine, the app, the clock.

`bench.py` runs the parts (`bench_ingest`, `bench_remind`, `bench_chat`) and prints
their figures. Every part builds the application through the composition root
(`bot.app.build`), as `replyminder` does, on a database made for it and dropped after.
"""

from __future__ import annotations

import statistics
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text

from bot import app as composition
from bot.core.clock import FixedClock
from bot.core.mail import Address
from bot.core.ports import Mailbox
from bot.demo_world import ROUTING
from bot.settings import load
from bot.store import users
from scripts.mailtext import DOMAIN, Person

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)  # a Tuesday morning: working time, no holiday
SQLITE, POSTGRES = "SQLite", "PostgreSQL"


def say(message: str) -> None:
    """Progress, on stderr (the figures go to stdout)."""
    print(f"› {message}", file=sys.stderr, flush=True)


@contextmanager
def fresh_database(engine: str, workdir: Path, postgres_url: str) -> Iterator[str]:
    """The URL of a new, empty database on `engine`, dropped afterwards."""
    name = f"bench_{uuid.uuid4().hex[:10]}"
    if engine == SQLITE:
        yield f"sqlite:///{workdir / name}.db"
        return
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build_app(url: str, workdir: Path) -> composition.App:
    """The application as `replyminder` builds it, on `url`, with a routing file."""
    routing = workdir / "routing.yaml"
    routing.write_text(ROUTING, encoding="utf-8")
    environ = {
        "REPLYMINDER_DATABASE_URL": url,
        "REPLYMINDER_INTERNAL_DOMAINS": DOMAIN,
        "REPLYMINDER_ROUTING_FILE": str(routing),
        "REPLYMINDER_SYNC_WORKERS": "1",
    }
    return composition.build(load(environ, env_file=None), FixedClock(NOW))


def register(app: composition.App, person: Person, maildir: Path, locale: str) -> None:
    with app.store.unit() as session:
        mailbox = Mailbox(email=person.email, kind="maildir", locator=str(maildir))
        address = Address(person.email, person.name)
        users.add_user(session, address, locale, str(TZ), mailbox, NOW)


def provider_app(
    workdir: Path, kind: str, addresses: list[str], now: datetime, settings: dict[str, str]
) -> composition.App:
    """The app as `replyminder` builds it with these REPLYMINDER_* `settings`, on a new
    SQLite file in `workdir`, with each of `addresses` registered on the `kind` provider."""
    environ = {"REPLYMINDER_DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}", **settings}
    app = composition.build(load(environ, env_file=None), FixedClock(now))
    with app.store.unit() as session:
        for email in addresses:
            mailbox = Mailbox(email, kind, email)
            users.add_user(session, Address(email, email), "vi", str(TZ), mailbox, now)
    return app


def sync_pass(app: composition.App, at: datetime, script: str) -> Callable[[], int]:
    """One `replyminder sync` at `at`, to time: it returns the new messages, and stops
    the benchmark at the first mailbox that failed."""

    def run() -> int:
        reports = app.sync(at)
        failed = [r for r in reports if r.error]
        if failed:
            raise SystemExit(f"{script}: {failed[0].email}: {failed[0].error}")
        return sum(r.new for r in reports)

    return run


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile (0.95 → p95), interpolated."""
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]
