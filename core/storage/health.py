"""Is the database there, and at the schema this code expects? For ``/healthz`` and
``/readyz``: each check opens a connection of its own with short time-outs
(``make_probe_engine``), so it answers promptly when the server is gone or hung, and when
every pooled connection is busy with requests."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from core.storage.engine import make_probe_engine
from core.storage.migrate import head_revision


@dataclass(frozen=True)
class Probed:
    """What one look at the database found."""

    reachable: bool
    problem: str | None = None
    """Why not, for the log (a driver's message; not for the public)."""
    revision: str | None = None

    @property
    def at_head(self) -> bool:
        return self.reachable and self.revision == shipped_head()


class DatabaseProbe:
    def __init__(self, url: str) -> None:
        self._engine = make_probe_engine(url)

    def look(self, *, revision: bool = False) -> Probed:
        """``SELECT 1`` on a fresh connection (for SQLite: reading its schema, so that a
        file that is gone or unreadable counts); with ``revision``, the migration too."""
        try:
            with self._engine.connect() as connection:
                if self._engine.dialect.name == "sqlite":
                    connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()
                else:
                    connection.execute(text("SELECT 1")).scalar_one()
                found = None
                if revision:
                    found = MigrationContext.configure(connection).get_current_revision()
                return Probed(reachable=True, revision=found)
        except SQLAlchemyError as exc:
            cause = getattr(exc, "orig", None) or exc
            lines = str(cause).strip().splitlines()
            return Probed(reachable=False, problem=lines[0] if lines else type(cause).__name__)

    def dispose(self) -> None:
        self._engine.dispose()


@cache
def shipped_head() -> str | None:
    return head_revision()
