"""What a test may ask of the database after bad input: which workspaces exist, and
whether any stored text holds a character that should have been stripped on input."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, func, select

from core.storage import tables

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
"""Control characters (tab and newline excepted) and lone surrogates."""


def workspaces(engine: Engine) -> set[tuple[str, str]]:
    table = tables.metadata.tables["workspaces"]
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.platform, table.c.external_id)).all()
    return {(str(platform), str(external)) for platform, external in rows}


def rows(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        found = connection.execute(select(func.count()).select_from(tables.metadata.tables[table]))
        return int(found.scalar_one())


DELIVERY_TABLES = ("meeting_posts", "conversation_refs")
"""What the outbox worker writes while it delivers (where a post went, a DM channel)."""


def all_rows(engine: Engine, *, but: tuple[str, ...] = ()) -> int:
    """How many rows the tables of ours hold together, ``but`` those (a refusal adds none;
    a worker delivering in the background may add to ``DELIVERY_TABLES``)."""
    return sum(rows(engine, name) for name in tables.metadata.tables if name not in but)


def control_characters(engine: Engine) -> list[str]:
    """``table.column: value`` for every stored text (or string inside a JSON column) with
    a control character in it."""
    found: list[str] = []
    with engine.connect() as connection:
        for table in tables.metadata.sorted_tables:
            for row in connection.execute(select(table)).mappings():
                for name, value in row.items():
                    found.extend(
                        f"{table.name}.{name}: {text[:80]!r}"
                        for text in _strings(value)
                        if CONTROL.search(text)
                    )
    return found


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []
