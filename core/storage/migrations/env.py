"""Alembic environment, configured in code by ``core.storage.migrate``.

The engine comes from ``config.attributes["engine"]``; when Alembic's own command
line is used instead, from ``sqlalchemy.url`` or the ``DATABASE_URL`` setting.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Engine

from core.storage.engine import database_url, make_engine
from core.storage.tables import metadata

config = context.config


def _engine() -> tuple[Engine, bool]:
    given = config.attributes.get("engine")
    if isinstance(given, Engine):
        return given, False
    url = config.get_main_option("sqlalchemy.url") or database_url(os.environ.get("DATABASE_URL"))
    return make_engine(url), True


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url")
        or database_url(os.environ.get("DATABASE_URL")),
        target_metadata=metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine, owned = _engine()
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=metadata,
                compare_type=True,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        if owned:
            engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
