"""The reliability suite: every inbound surface fuzzed through the real server.

Hypothesis profile ``intervision-fuzz``: a bounded number of examples so CI stays fast,
derandomized (the same examples on every run, so a CI failure replays locally), no
deadline (a request through the server takes what it takes), no example database.
``INTERVISION_FUZZ_EXAMPLES`` raises the number for a long local run.

The servers here live for a whole module (one server per surface and database, many
examples against it), so the databases are module-scoped copies of the session's template.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine

from tests.conftest import DATABASES, _postgres_database

EXAMPLES = int(os.environ.get("INTERVISION_FUZZ_EXAMPLES", "100"))

settings.register_profile(
    "intervision-fuzz",
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FUZZ = settings.get_profile("intervision-fuzz")


@pytest.fixture(scope="module", params=DATABASES)
def module_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh migrated database for a whole module (SQLite, then PostgreSQL)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("fuzz") / "intervision.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    yield from _postgres_database(admin, request.getfixturevalue("postgres_template"))


class ErrorLog(logging.Handler):
    """Every record at ERROR or above, from any logger, while a module runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def since(self, mark: int) -> list[str]:
        return [self.format(r) for r in self.records[mark:]]


@pytest.fixture(scope="module")
def error_log() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
