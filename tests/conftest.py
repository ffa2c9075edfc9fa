"""Database fixtures: every test that touches storage runs on SQLite and on PostgreSQL.
Also the ``--update-golden`` option that rewrites the screens' golden files.

PostgreSQL is the machine's server (``TEST_POSTGRES_URL``, default the local
``postgres`` superuser); each test gets a fresh database that is dropped afterwards.
When the server cannot be reached the PostgreSQL tests fail: they are never skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from core.storage.engine import make_engine
from core.storage.migrate import upgrade
from core.storage.uow import SqlUnitOfWork, make_uow_factory

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the screens' golden files (tests/golden/) from the renderers; "
        "review the result with git diff",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True with --update-golden: golden tests write their files instead of failing."""
    return bool(request.config.getoption("--update-golden"))


def _postgres_admin_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An AUTOCOMMIT engine on the server's maintenance database, for CREATE/DROP DATABASE."""
    url = _postgres_admin_url()
    admin = create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    problem = None
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        problem = str(exc.orig).strip()
    if problem is not None:
        admin.dispose()
        shown = make_url(url).render_as_string(hide_password=True)
        pytest.fail(
            f"PostgreSQL is not reachable at {shown}: {problem}\nStorage tests run on both "
            "databases: start PostgreSQL, or set TEST_POSTGRES_URL to a server where this "
            "user may CREATE DATABASE.",
            pytrace=False,
        )
    yield admin
    admin.dispose()


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'intervision.db'}"
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    name = f"intervision_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(_postgres_admin_url()).set(database=name).render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the newest revision."""
    built = make_engine(db_url)
    upgrade(built)
    yield built
    built.dispose()


@pytest.fixture
def uow_factory(engine: Engine) -> Callable[[], SqlUnitOfWork]:
    return make_uow_factory(engine)
