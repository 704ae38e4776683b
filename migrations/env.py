"""Alembic environment: the URL comes from Replyminder's settings, never from alembic.ini.

Start-up and tests pass a live connection in `config.attributes["connection"]`;
`alembic` on the command line builds one from `REPLYMINDER_DATABASE_URL`.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from bot.settings import load
from bot.store.db import connect
from bot.store.models import Base


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    engine = connect(load(os.environ).database_url).engine
    with engine.begin() as connection:
        run(connection)
