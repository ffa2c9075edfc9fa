"""Waking outbox workers in other processes (PostgreSQL): a commit that queued outbox rows
sends ``NOTIFY intervision_outbox`` (delivered by the server only if the transaction
commits), and each worker process listens for it, so a row queued by a web process is
delivered at once, not at the worker's next look (``OUTBOX_POLL_SECONDS``). SQLite has no
such channel: one process, whose own commits wake its worker."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

CHANNEL = "intervision_outbox"
RECONNECT_SECONDS = 5.0


def announce(connection: Connection) -> None:
    """In the transaction that queued outbox rows: tell the listening workers on commit."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"NOTIFY {CHANNEL}"))


class Listener:
    """Calls ``wake`` on a daemon thread each time another process announces outbox rows
    (PostgreSQL ``LISTEN``, on a connection of its own from ``engine``); does nothing on
    SQLite. A lost connection is opened again after ``RECONNECT_SECONDS``."""

    def __init__(self, engine: Engine, wake: Callable[[], None]) -> None:
        self.engine = engine
        self.wake = wake
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()
        """Set while the LISTEN is in place (what a test waits for)."""

    def start(self) -> Listener:
        if self.engine.dialect.name != "postgresql" or self._thread is not None:
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="outbox-listener", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception:
                log.exception("outbox listener: connection lost; listening again shortly")
            self.listening.clear()
            self._stop.wait(RECONNECT_SECONDS)

    def _listen(self) -> None:
        raw = self.engine.raw_connection()
        try:
            connection: Any = raw.driver_connection  # psycopg.Connection
            connection.autocommit = True
            connection.execute(f"LISTEN {CHANNEL}")
            self.listening.set()
            while not self._stop.is_set():
                for _ in connection.notifies(timeout=1.0, stop_after=1):
                    self.wake()
        finally:
            raw.invalidate()  # never back into the pool with a LISTEN on it
