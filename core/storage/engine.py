"""Engines for the embedded SQLite default and for PostgreSQL. Nothing is built at import."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

DEFAULT_URL = "sqlite:///intervision.db"
SQLITE_BUSY_TIMEOUT_MS = 5000


def database_url(env_value: str | None) -> str:
    """The ``DATABASE_URL`` setting, or the embedded SQLite file when it is unset or empty."""
    value = (env_value or "").strip()
    return value or DEFAULT_URL


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite with foreign keys, WAL and a busy timeout on every
    connection; PostgreSQL through psycopg 3 (also for a bare ``postgresql://`` URL) with liveness
    checks on checkout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()
