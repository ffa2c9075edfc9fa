"""Lock and statement time-outs on SQLite and PostgreSQL: a request's write that cannot
get its lock in time is ``Busy`` and leaves nothing behind; the outbox worker's engine
waits longer; the time-outs are set on every connection, after the URL's own options."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from core.domain.errors import Busy
from core.storage.engine import BACKGROUND, REQUESTS, make_engine
from core.storage.uow import make_uow_factory
from tests.support import locks

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def keys(db_url: str) -> list[str]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text("SELECT key FROM inbound_events")).scalars())
    finally:
        engine.dispose()


def test_a_request_that_cannot_get_its_lock_is_busy_and_the_worker_waits(db_url: str) -> None:
    requests = make_engine(db_url, timeouts=REQUESTS)
    background = make_engine(db_url, timeouts=BACKGROUND)
    waited: list[BaseException | None] = []

    def background_write() -> None:
        try:
            with make_uow_factory(background)() as uow:
                uow.inbound.first_time("slack", "from-the-worker", now=NOW)
                uow.commit()
            waited.append(None)
        except BaseException as exc:
            waited.append(exc)

    try:
        with locks.held(db_url, "inbound_events"):
            worker = threading.Thread(target=background_write)
            worker.start()
            started = time.monotonic()
            with pytest.raises(Busy), make_uow_factory(requests)() as uow:
                uow.inbound.first_time("slack", "from-a-request", now=NOW)
                uow.commit()
            took = time.monotonic() - started
            assert REQUESTS.lock - 0.5 < took < REQUESTS.lock + 1.0, took
            assert worker.is_alive()  # the worker's engine is still waiting for its lock
        worker.join(BACKGROUND.lock)
        assert waited == [None]
        assert keys(db_url) == ["from-the-worker"]  # the refused request left nothing
        with make_uow_factory(requests)() as uow:  # and the engine is usable again
            assert uow.inbound.first_time("slack", "from-a-request", now=NOW)
            uow.commit()
    finally:
        requests.dispose()
        background.dispose()


def test_the_time_outs_are_set_on_every_connection(db_url: str) -> None:
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        engine = make_engine(db_url, timeouts=REQUESTS)
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA busy_timeout")).scalar_one() == 2000
        engine.dispose()
        return
    with_options = url.update_query_dict({"options": "-c search_path=public"})
    engine = make_engine(with_options.render_as_string(hide_password=False), timeouts=REQUESTS)
    try:
        with engine.connect() as connection:
            shown = {
                name: connection.execute(text(f"SHOW {name}")).scalar_one()
                for name in ("lock_timeout", "statement_timeout", "search_path")
            }
        assert shown == {"lock_timeout": "2s", "statement_timeout": "2s", "search_path": "public"}
        with pytest.raises(Busy), engine.connect() as connection:
            connection.execute(text("SELECT pg_sleep(3)"))
    finally:
        engine.dispose()
