"""``/healthz`` and ``/readyz`` over real HTTP, on SQLite and PostgreSQL: the database made
unreachable under the running server (the SQLite file moved away; the PostgreSQL database
renamed, its sessions ended), a database not yet migrated, the outbox worker stopped."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from core.storage.migrate import head_revision, upgrade
from tests.support.sandbox_client import serving
from tests.support.serve import serve


def get(url: str) -> tuple[int, list[str]]:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, response.read().decode().splitlines()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode().splitlines()


@contextmanager
def unreachable(db_url: str, admin: Engine | None) -> Iterator[None]:
    """The database is gone while the block runs, and back afterwards."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        away = path.with_name(path.name + ".away")
        os.replace(path, away)
        try:
            yield
        finally:
            os.replace(away, path)
        return
    assert admin is not None
    name, away_name = url.database, f"{url.database}_away"
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
        connection.execute(text(f'ALTER DATABASE "{name}" RENAME TO "{away_name}"'))
    try:
        yield
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{away_name}" RENAME TO "{name}"'))
            connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))


def postgres_admin_of(db_url: str, request: pytest.FixtureRequest) -> Engine | None:
    if make_url(db_url).get_backend_name() == "sqlite":
        return None
    engine: Engine = request.getfixturevalue("postgres_admin")
    return engine


def test_healthz_and_readyz_name_the_database_when_it_is_gone(
    db_url: str, request: pytest.FixtureRequest
) -> None:
    admin = postgres_admin_of(db_url, request)
    with serve(db_url) as server:
        assert get(f"{server.url}/healthz") == (200, ["ok", "database: ok"])
        status, lines = get(f"{server.url}/readyz")
        assert status == 200, lines
        assert lines == [
            "ready",
            "database: ok",
            f"migrations: at head ({head_revision()})",
            "outbox worker: running",
        ]
        with unreachable(db_url, admin):
            assert get(f"{server.url}/healthz") == (503, ["down", "database: down"])
            status, lines = get(f"{server.url}/readyz")
            assert status == 503 and lines[:3] == [
                "not ready",
                "database: down",
                "migrations: unknown",
            ]
        assert "health: database is down: " in server.log  # why, for the operator
        assert get(f"{server.url}/healthz") == (200, ["ok", "database: ok"])
        assert get(f"{server.url}/readyz")[0] == 200
        assert "health: database is ok again" in server.log


def test_readyz_waits_for_the_schema(empty_db_url: str) -> None:
    """The server migrates a SQLite file itself; PostgreSQL waits for `intervision db upgrade`,
    and until then it is healthy (the database answers) but not ready."""
    with serve(empty_db_url) as server:
        assert get(f"{server.url}/healthz")[0] == 200
        status, lines = get(f"{server.url}/readyz")
        if make_url(empty_db_url).get_backend_name() == "sqlite":
            assert status == 200, lines
            return
        assert status == 503
        assert lines[2] == f"migrations: not at head (none, head {head_revision()})"
        upgrade(empty_db_url)
        assert get(f"{server.url}/readyz")[0] == 200


def test_readyz_says_when_the_outbox_worker_is_not_running(db_url: str) -> None:
    with serving(db_url) as (app, base):
        assert get(f"{base}/healthz")[0] == 200
        status, lines = get(f"{base}/readyz")
        assert status == 503 and lines[-1] == "outbox worker: stopped"
        app.worker.start()
        try:
            assert get(f"{base}/readyz") == (
                200,
                [
                    "ready",
                    "database: ok",
                    f"migrations: at head ({head_revision()})",
                    "outbox worker: running",
                ],
            )
        finally:
            app.worker.stop()
        assert get(f"{base}/readyz")[0] == 503
