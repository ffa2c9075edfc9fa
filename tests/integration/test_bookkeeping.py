"""Bookkeeping is forgotten once its work is done (issue 15), on SQLite and PostgreSQL:
inbound-event keys and delivered outbox rows older than the days kept go, oldest first and
in bounded runs; pending and parked rows, and recent keys, stay; the server's job does it
by itself."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select

from core.jobs.retention import RetentionJob
from core.methods import load_library
from core.services import bookkeeping
from core.services.context import Context
from core.storage.tables import inbound_events, outbox
from core.storage.uow import make_uow_factory
from tests.support.fakes import FakeClock

KEEP = 7


def _context(engine: Engine) -> tuple[Context, FakeClock]:
    clock = FakeClock()
    return Context(uow=make_uow_factory(engine), methods=load_library(), clock=clock), clock


def _fill(engine: Engine, clock: FakeClock) -> None:
    """Keys and rows from ``KEEP`` days and a second ago, and from a second later."""
    old = clock.now() - timedelta(days=KEEP, seconds=1)
    recent = clock.now() - timedelta(days=KEEP, seconds=-1)

    def row(status: str, delivered: datetime | None = None) -> dict[str, Any]:
        return {
            "topic": "meeting.card",
            "workspace_id": 1,
            "payload": {},
            "attempts": 1,
            "status": status,
            "created_at": old,
            "available_at": old,
            "delivered_at": delivered,
        }

    with engine.begin() as connection:
        connection.execute(
            insert(inbound_events),
            [
                {"platform": "slack", "key": "Ev-old-1", "received_at": old},
                {"platform": "teams", "key": "act-old-2", "received_at": old},
                {"platform": "slack", "key": "Ev-recent", "received_at": recent},
            ],
        )
        connection.execute(
            insert(outbox),
            [
                row("delivered", old),
                row("delivered", old),
                row("delivered", recent),
                row("pending"),
                row("parked"),
            ],
        )


def _left(engine: Engine) -> tuple[set[str], list[str]]:
    with engine.connect() as connection:
        keys = set(connection.execute(select(inbound_events.c.key)).scalars())
        rows = list(connection.execute(select(outbox.c.status).order_by(outbox.c.id)).scalars())
    return keys, rows


def test_old_keys_and_delivered_rows_are_forgotten_and_nothing_else(engine: Engine) -> None:
    ctx, clock = _context(engine)
    _fill(engine, clock)

    pruned = bookkeeping.prune(ctx, keep_days=KEEP)

    assert (pruned.inbound, pruned.outbox, pruned.more_due) == (2, 2, False)
    keys, rows = _left(engine)
    assert keys == {"Ev-recent"}
    assert rows == ["delivered", "pending", "parked"]  # delivered a second too recently
    assert bookkeeping.prune(ctx, keep_days=KEEP) == bookkeeping.Pruned(0, 0, False)


def test_a_backlog_is_forgotten_in_bounded_runs(engine: Engine) -> None:
    ctx, clock = _context(engine)
    _fill(engine, clock)

    first = bookkeeping.prune(ctx, keep_days=KEEP, limit=1)

    assert (first.inbound, first.outbox, first.more_due) == (1, 1, True)
    assert len(_left(engine)[0]) == 2
    second = bookkeeping.prune(ctx, keep_days=KEEP, limit=1)
    assert (second.inbound, second.outbox) == (1, 1)
    assert _left(engine) == ({"Ev-recent"}, ["delivered", "pending", "parked"])


def test_the_server_job_forgets_by_itself(engine: Engine) -> None:
    ctx, clock = _context(engine)
    _fill(engine, clock)
    job = RetentionJob(ctx, default_days=30, keep_days=KEEP)

    job.start()
    try:
        deadline = time.monotonic() + 20
        while _left(engine)[0] != {"Ev-recent"} and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        job.stop()

    assert _left(engine) == ({"Ev-recent"}, ["delivered", "pending", "parked"])
    assert not job.running
