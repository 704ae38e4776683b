"""The database: one engine per process, units of work, migrations on start.

SQLite (the embedded default) runs in WAL mode with a busy timeout, so the web
server and the worker can share one file; PostgreSQL serves several workers.
Migrations run under a PostgreSQL advisory lock so that processes starting
together apply them once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
_MIGRATION_LOCK = 7_318_042  # any constant shared by every Replyminder process


class DatabaseError(Exception):
    """The database cannot be used; the message says why in one line."""


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def unit(self) -> Iterator[Session]:
        """One unit of work: everything inside commits together or not at all."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def autocommit(self) -> Iterator[Connection]:
        """A connection on which each plain SQL statement is a unit of work of its own,
        committed as it completes: where each unit is one UPDATE (a DM marked sent right
        after it went out), far cheaper than a session and a transaction per unit (on
        PostgreSQL one round trip instead of three: BEGIN, the statement, COMMIT)."""
        with self.engine.connect() as connection:
            yield connection.execution_options(isolation_level="AUTOCOMMIT")

    def session(self) -> Session:
        return self._sessions()

    def refresh_statistics(self) -> None:
        """Let PostgreSQL's planner see how far the mail tables grew: after a bulk load
        (a first sync) its guesses, made for near-empty tables, pick a plan that reads all
        of a user's messages for each page's look-ups, and each page reads more. (SQLite's
        planner guesses without statistics and is steered by the queries themselves.)"""
        if self.dialect == "postgresql":
            with self.autocommit() as connection:
                connection.execute(text("ANALYZE threads, messages"))


def connect(url: str) -> Store:
    args: dict[str, Any] = {}
    if url.startswith("sqlite"):
        args["connect_args"] = {"timeout": 15}
        _make_parent(url)
    # hide_parameters: a database error's message would quote the statement's values,
    # a page of subjects and excerpts, into the log
    engine = create_engine(
        url,
        pool_pre_ping=not url.startswith("sqlite"),
        hide_parameters=True,
        **args,
    )
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return Store(engine)


def _make_parent(url: str) -> None:
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:  # read-only, a file in the way, no such mount
            why = error.strerror or type(error).__name__
            raise DatabaseError(
                f"cannot make the database's folder {Path(path).parent}: {why}"
            ) from None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(store: Store) -> bool:
    """Bring the schema to the newest migration; True if anything was applied."""
    try:
        with store.engine.begin() as connection:
            if store.dialect == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            current = _current(connection)
            if current == _head():
                return False
            if current is not None and current not in _known():
                raise DatabaseError(
                    f"the database's schema ({current}) is newer than this Replyminder knows: "
                    "run the newer version (or point REPLYMINDER_DATABASE_URL elsewhere)"
                )
            command.upgrade(alembic_config(connection), "head")
            return True
    except OperationalError as error:
        raise DatabaseError(describe(error)) from None
    except SQLAlchemyDatabaseError as error:  # the file is no SQLite database, or damaged
        if type(error) is not SQLAlchemyDatabaseError:
            raise  # an integrity or programming error: a bug, not the database's state
        raise DatabaseError(f"database unusable: {reason(error)}") from None


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _known() -> set[str]:
    return {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }


def describe(error: OperationalError) -> str:
    """One line for an operational database error (locked, unreachable, refused)."""
    return f"database unavailable: {reason(error)}"


def reason(error: SQLAlchemyError) -> str:
    """The driver's first line: without the statement, and without the detail lines in
    which PostgreSQL quotes the row (a thread's subject and excerpt), so fit for a log."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__
