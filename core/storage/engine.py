"""Engines for the embedded SQLite default and for PostgreSQL. Nothing is built at import.

Every engine waits a bounded time for a lock (SQLite's busy timeout, PostgreSQL's
``lock_timeout``) and may bound each statement (``statement_timeout``). Work a person is
waiting for gets ``REQUESTS``: shorter than the platforms' deadline to answer (Slack's
3 s), so that it is refused and rolled back while the person can still be told, never
committed after they were told it failed. Work nobody waits for (the outbox worker, the
command line, migrations) gets ``BACKGROUND``: it may wait longer, and a delivery's
bookkeeping should rather wait than fail after the platform has already accepted a post.

A lock or statement time-out surfaces as ``core.domain.errors.Busy`` (key ``error.busy``),
so the layers above never see a database driver's exception for it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.pool import NullPool

from core.domain.errors import Busy

DEFAULT_URL = "sqlite:///intervision.db"


@dataclass(frozen=True)
class Timeouts:
    lock: float
    """Seconds to wait for a lock another transaction holds (SQLite: the busy timeout)."""
    statement: float | None = None
    """Seconds any one statement may take, lock waits included (PostgreSQL only)."""


REQUESTS = Timeouts(lock=2.0, statement=2.0)
BACKGROUND = Timeouts(lock=30.0)
PROBE = Timeouts(lock=1.0, statement=2.0)
PROBE_CONNECT_SECONDS = 2
"""How long a health probe waits for PostgreSQL to accept a connection (libpq's minimum)."""

PG_LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout, NOWAIT
PG_QUERY_CANCELED = "57014"  # statement_timeout (and a cancel request)
SQLITE_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def database_url(env_value: str | None) -> str:
    """The ``DATABASE_URL`` setting, or the embedded SQLite file when it is unset or empty."""
    value = (env_value or "").strip()
    return value or DEFAULT_URL


def make_engine(url: str, *, timeouts: Timeouts = BACKGROUND) -> Engine:
    """An engine for ``url``: SQLite with foreign keys, WAL and a busy timeout on every
    connection; PostgreSQL through psycopg 3 (also for a bare ``postgresql://`` URL) with
    liveness checks on checkout and the ``timeouts`` on every connection. A lock or
    statement time-out raises ``Busy``."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            parsed, connect_args={"check_same_thread": False, "timeout": timeouts.lock}
        )
        event.listen(engine, "connect", _sqlite_configurer(timeouts))
    else:
        parsed = _psycopg(parsed)
        engine = create_engine(
            parsed, pool_pre_ping=True, connect_args=_postgres_options(parsed, timeouts)
        )
    event.listen(engine, "handle_error", _busy_when_timed_out)
    return engine


def make_probe_engine(url: str) -> Engine:
    """An engine for health checks: a fresh connection per check (no pool that waiting
    requests could have used up), short time-outs, and for a SQLite file no creating it
    anew when it has gone (``mode=rw``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            parsed = parsed.set(database=f"file:{quote(database)}").update_query_dict(
                {"mode": "rw", "uri": "true"}
            )
        return create_engine(
            parsed,
            poolclass=NullPool,
            connect_args={"check_same_thread": False, "timeout": PROBE.lock},
        )
    parsed = _psycopg(parsed)
    options = _postgres_options(parsed, PROBE)
    options["connect_timeout"] = PROBE_CONNECT_SECONDS
    return create_engine(parsed, poolclass=NullPool, connect_args=options)


def is_timeout(error: BaseException) -> bool:
    """Whether a driver's exception is a lock or statement time-out (nothing was applied)."""
    if isinstance(error, sqlite3.OperationalError):
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in SQLITE_BUSY_CODES  # extended codes keep the primary low
        return "locked" in str(error)
    return getattr(error, "sqlstate", None) in (PG_LOCK_NOT_AVAILABLE, PG_QUERY_CANCELED)


def _busy_when_timed_out(context: ExceptionContext) -> BaseException | None:
    if is_timeout(context.original_exception):
        return Busy()
    return None


def _psycopg(parsed: URL) -> URL:
    if parsed.drivername in ("postgres", "postgresql"):
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def _postgres_options(parsed: URL, timeouts: Timeouts) -> dict[str, Any]:
    """libpq's ``options`` with our time-outs after any the URL already sets."""
    ours = [f"-c lock_timeout={_ms(timeouts.lock)}"]
    if timeouts.statement is not None:
        ours.append(f"-c statement_timeout={_ms(timeouts.statement)}")
    given = parsed.query.get("options")
    given_text = " ".join(given) if isinstance(given, tuple) else (given or "")
    return {"options": " ".join([given_text, *ours]).strip()}


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _sqlite_configurer(timeouts: Timeouts) -> Any:
    def configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={_ms(timeouts.lock)}")
        finally:
            cursor.close()

    return configure
