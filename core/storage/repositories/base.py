"""What every repository shares: a connection, and the optimistic-lock update."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, CursorResult, Table, update

from core.domain.errors import ConcurrentChange
from core.domain.events import Aggregate


class SqlRepository:
    """Works inside the unit of work's transaction; never commits."""

    def __init__(self, connection: Connection, seen: list[Aggregate] | None = None) -> None:
        self.connection = connection
        self._seen = seen if seen is not None else []
        """Aggregates added or saved in this unit of work: their events are collected on
        commit."""

    def _saw(self, aggregate: Aggregate) -> None:
        if not any(item is aggregate for item in self._seen):
            self._seen.append(aggregate)


def update_versioned(
    connection: Connection, table: Table, *, row_id: int, version: int, values: dict[str, Any]
) -> None:
    """``UPDATE ... WHERE id = :id AND version = :version`` setting ``version + 1``.

    Raises ``ConcurrentChange`` when no row matched: someone else saved first (or the
    row is gone); nothing is written then."""
    result = connection.execute(
        update(table)
        .where(table.c.id == row_id, table.c.version == version)
        .values(**values, version=table.c.version + 1)
    )
    if result.rowcount != 1:
        raise ConcurrentChange("error.concurrent_change")


def new_id(result: CursorResult[Any]) -> int:
    """The generated integer key of a single-row INSERT."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
