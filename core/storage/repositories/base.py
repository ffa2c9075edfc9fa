"""What every repository shares: a connection, and the optimistic-lock update."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, CursorResult, Table, update

from core.domain.errors import ConcurrentChange


class SqlRepository:
    """Works inside the unit of work's transaction; never commits."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection


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
