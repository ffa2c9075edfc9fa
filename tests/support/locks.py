"""Another connection holds the database while a block runs: what a long migration, a
backup or a stuck transaction does to the server under test."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def held(db_url: str, *tables: str) -> Iterator[None]:
    """SQLite: the whole database, exclusively. PostgreSQL: ``tables`` in ACCESS EXCLUSIVE
    mode (nobody reads or writes them) until the block ends; then rolled back."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(url.database or "", timeout=30, isolation_level=None)
        try:
            connection.execute("BEGIN EXCLUSIVE")
            yield
            connection.execute("ROLLBACK")
        finally:
            connection.close()
        return
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE"))
            yield
    finally:
        engine.dispose()
