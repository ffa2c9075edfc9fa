"""A commit that queues outbox rows wakes the workers of other processes (PostgreSQL
LISTEN/NOTIFY, issue 15); on SQLite the listener does nothing (one process)."""

from __future__ import annotations

import threading
from pathlib import Path

from core.services.ports import Notification
from core.storage.engine import make_engine
from core.storage.uow import make_uow_factory
from core.storage.wakeups import Listener
from tests.support.fakes import FakeClock


def test_a_commit_with_outbox_rows_wakes_a_listener_on_another_connection(pg_url: str) -> None:
    listening, writing = make_engine(pg_url), make_engine(pg_url)
    woken = threading.Event()
    listener = Listener(listening, woken.set).start()
    try:
        assert listener.listening.wait(10), "LISTEN was not set up"
        with make_uow_factory(writing)() as uow:
            note = Notification(topic="person.direct", workspace_id=1, person="U1")
            uow.outbox.add(note, now=FakeClock().now())
            uow.commit()
        assert woken.wait(10), "the commit did not wake the listener"
    finally:
        listener.stop()
        listening.dispose()
        writing.dispose()


def test_on_sqlite_the_listener_starts_nothing(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'one.db'}")
    try:
        listener = Listener(engine, lambda: None).start()
        assert not listener.listening.is_set()
        assert not [t for t in threading.enumerate() if t.name == "outbox-listener"]
    finally:
        engine.dispose()
