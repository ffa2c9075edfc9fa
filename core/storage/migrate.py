"""Bring a database's schema up to date with the Alembic migrations shipped in this package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from core.storage.engine import make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic configuration built in code (no ``alembic.ini``); ``script_location`` is
    this package's ``migrations`` folder, wherever the package is installed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` (all of them by default)."""
    if isinstance(engine_or_url, str):
        engine = make_engine(engine_or_url)
        try:
            command.upgrade(alembic_config(engine), revision)
        finally:
            engine.dispose()
    else:
        command.upgrade(alembic_config(engine_or_url), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision this version of the code ships."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
