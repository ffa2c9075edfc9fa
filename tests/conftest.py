"""Database fixtures: every test that touches storage runs on SQLite and on PostgreSQL.
Also the ``--update-golden`` option that rewrites the screens' golden files.

``db_url`` is a fresh database already migrated to the newest revision, as after
``intervision db upgrade``; ``empty_db_url`` is a fresh database that was never migrated, for
the tests of migrating itself. The migrations run once per session, into a template that
each test copies: a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL.

PostgreSQL is the machine's server (``TEST_POSTGRES_URL``, default the local ``postgres``
superuser); every database a session creates has a name of its own (CI and a developer may
share a server) and is dropped afterwards. When the server cannot be reached the
PostgreSQL tests fail: they are never skipped.
"""

from __future__ import annotations

import os
import shutil
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
from tests.support.teams_harness import APP_ID as TEAMS_APP_ID
from tests.support.teams_servers import MicrosoftStandIns, microsoft_stand_ins

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


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


def _postgres_url(database: str) -> str:
    url = make_url(_postgres_admin_url()).set(database=database)
    return url.render_as_string(hide_password=False)


def _unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


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


@pytest.fixture(scope="session")
def postgres_template(postgres_admin: Engine) -> Iterator[str]:
    """The name of a database migrated once for this session, for tests to clone.

    PostgreSQL refuses to copy a database while anyone is connected to it, so the engine
    that migrated it is disposed and new connections are refused (autovacuum included)."""
    name = _unique("intervision_template")
    with postgres_admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        migrating = make_engine(_postgres_url(name))
        try:
            upgrade(migrating)
        finally:
            migrating.dispose()
        with postgres_admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
        yield name
    finally:
        with postgres_admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once for this session, for tests to copy."""
    path = tmp_path_factory.mktemp("template") / "intervision.db"
    migrating = make_engine(f"sqlite:///{path}")
    try:
        upgrade(migrating)
    finally:
        migrating.dispose()
    # Closing the last connection checkpoints the write-ahead log into the file: a copy of
    # the file alone is then the whole database.
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists(), f"{wal} is left after closing: a copy would miss its pages"
    return path


def _postgres_database(admin: Engine, template: str | None) -> Iterator[str]:
    name = _unique("intervision_test")
    clause = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
    try:
        yield _postgres_url(name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database at the newest revision."""
    if request.param == "sqlite":
        path = tmp_path / "intervision.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    yield from _postgres_database(admin, request.getfixturevalue("postgres_template"))


@pytest.fixture
def pg_url(postgres_admin: Engine, postgres_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database at the newest revision (for what only PostgreSQL has)."""
    yield from _postgres_database(postgres_admin, postgres_template)


@pytest.fixture(params=DATABASES)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database that was never migrated."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    yield from _postgres_database(request.getfixturevalue("postgres_admin"), None)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a fresh database at the newest revision."""
    built = make_engine(db_url)
    yield built
    built.dispose()


@pytest.fixture
def uow_factory(engine: Engine) -> Callable[[], SqlUnitOfWork]:
    return make_uow_factory(engine)


@pytest.fixture(scope="session")
def microsoft(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MicrosoftStandIns]:
    """Microsoft's servers (Bot Framework keys, sign-in, Bot Connector), started once per
    session; each test gives them fresh state (``MicrosoftStandIns.fresh``)."""
    with microsoft_stand_ins(tmp_path_factory.mktemp("microsoft"), TEAMS_APP_ID) as stand_ins:
        yield stand_ins
