"""Shared fixtures: a migrated database on SQLite and, when the test command started
one, on PostgreSQL; the corpora folder beside the checkout."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.store import db

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
POSTGRES = os.environ.get("REPLYMINDER_TEST_POSTGRES_URL", "")
REQUIRE = os.environ.get("REPLYMINDER_REQUIRE_SERVICES") == "1"


def corpus(name: str) -> Path:
    """A corpus folder, or a skip saying why it is missing (a user's clone has none)."""
    path = CORPORA / name
    if not path.is_dir():
        if REQUIRE:
            pytest.fail(f"{path} is missing, and CI must have ../shared/corpora")
        pytest.skip(f"{path} is absent: the corpora live in ../shared beside the checkout")
    return path


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating each time is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    store = db.connect(f"sqlite:///{path}")
    db.upgrade(store)
    store.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    if not POSTGRES:
        if REQUIRE:
            pytest.fail("PostgreSQL is required here but REPLYMINDER_TEST_POSTGRES_URL is unset")
        pytest.skip("no PostgreSQL server: run the tests with ./dev test, which starts one")
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS replyminder_template"))
        connection.execute(text("CREATE DATABASE replyminder_template"))
    url = _database(POSTGRES, "replyminder_template")
    store = db.connect(url)
    db.upgrade(store)
    store.engine.dispose()
    yield "replyminder_template"
    admin.dispose()


def _database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated, empty database on each engine the suite runs on."""
    if request.param == "sqlite":
        path = tmp_path / "replyminder.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE {template}'))
    yield _database(POSTGRES, name)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def store(database_url: str) -> Iterator[db.Store]:
    connected = db.connect(database_url)
    yield connected
    connected.engine.dispose()
