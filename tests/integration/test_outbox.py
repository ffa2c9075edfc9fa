"""Delivering the outbox on SQLite and PostgreSQL: deliver, retry with backoff, honour
Retry-After, park after eight failures, and never hand one row to two claimers."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy import Engine, select

from core.jobs.outbox_worker import (
    BACKOFF_CAP_SECONDS,
    MAX_ATTEMPTS,
    Claimed,
    OutboxWorker,
    backoff_seconds,
    claim_due,
    mark_delivered,
    parked,
    pending_count,
    requeue,
    run_once,
)
from core.services.ports import Notification, Refusal, Undeliverable
from core.storage.tables import outbox
from core.storage.uow import SqlUnitOfWork
from tests.support.fakes import FakeClock

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


class RateLimited(Exception):
    """What a messenger raises on HTTP 429: the platform says when to come back."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


def queue(uow_factory: Callable[[], SqlUnitOfWork], count: int, *, now: datetime = NOW) -> None:
    with uow_factory() as uow:
        for n in range(count):
            uow.outbox.add(
                Notification(topic="person.direct", workspace_id=1, person=f"U{n}"), now=now
            )
        uow.commit()


def row(engine: Engine) -> dict[str, object]:
    with engine.connect() as connection:
        return dict(connection.execute(select(outbox)).mappings().one())


def failing(exc: Exception) -> Callable[[Claimed], None]:
    def handler(_: Claimed) -> None:
        raise exc

    return handler


def delivering(
    engine: Engine, now: datetime, then: Callable[[Notification], object] = lambda _: None
) -> Callable[[Claimed], None]:
    """A handler that delivers by marking the row delivered, as ``Deliverer`` does in the
    transaction of its bookkeeping."""

    def handler(item: Claimed) -> None:
        then(item.notification)
        mark_delivered(engine, item.id, now)

    return handler


def test_run_once_delivers_pending_rows(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    queue(uow_factory, 3)
    seen: list[Notification] = []
    summary = run_once(engine, delivering(engine, NOW, seen.append), now=NOW)
    assert (summary.delivered, summary.failed) == (3, 0)
    assert [n.person for n in seen] == ["U0", "U1", "U2"]
    assert pending_count(engine) == 0
    with engine.connect() as connection:
        rows = connection.execute(select(outbox)).mappings().all()
    assert {(r["status"], r["delivered_at"], r["locked_until"]) for r in rows} == {
        ("delivered", NOW, None)
    }
    later = NOW + timedelta(hours=1)
    assert run_once(engine, delivering(engine, later), now=later).claimed == 0


def test_rows_not_yet_available_wait(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    queue(uow_factory, 1, now=NOW + timedelta(minutes=5))
    assert run_once(engine, delivering(engine, NOW), now=NOW).claimed == 0
    assert (
        run_once(
            engine, delivering(engine, NOW + timedelta(minutes=5)), now=NOW + timedelta(minutes=5)
        ).delivered
        == 1
    )


def test_a_failing_handler_is_retried_with_backoff(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    queue(uow_factory, 1)
    summary = run_once(engine, failing(ConnectionError("slack is down")), now=NOW)
    assert (summary.delivered, summary.failed) == (0, 1)
    failed = row(engine)
    assert failed["status"] == "pending" and failed["attempts"] == 1
    assert failed["last_error"] == "ConnectionError: slack is down"
    assert failed["locked_until"] is None
    available_at = failed["available_at"]
    assert isinstance(available_at, datetime)
    assert NOW + timedelta(seconds=1) <= available_at <= NOW + timedelta(seconds=2)

    assert run_once(engine, delivering(engine, NOW), now=NOW).claimed == 0  # not before the backoff
    run_once(engine, failing(ConnectionError("still down")), now=available_at)
    second = row(engine)
    assert second["attempts"] == 2
    assert isinstance(second["available_at"], datetime)
    assert available_at + timedelta(seconds=2) <= second["available_at"]
    assert second["available_at"] <= available_at + timedelta(seconds=4)

    later = NOW + timedelta(minutes=1)
    assert run_once(engine, delivering(engine, later), now=later).delivered == 1
    assert row(engine)["status"] == "delivered"


def test_retry_after_is_honoured(engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    queue(uow_factory, 1)
    run_once(engine, failing(RateLimited(30)), now=NOW)
    limited = row(engine)
    assert limited["available_at"] == NOW + timedelta(seconds=30)
    assert limited["attempts"] == 1
    assert (
        run_once(
            engine, delivering(engine, NOW + timedelta(seconds=29)), now=NOW + timedelta(seconds=29)
        ).claimed
        == 0
    )
    assert (
        run_once(
            engine, delivering(engine, NOW + timedelta(seconds=30)), now=NOW + timedelta(seconds=30)
        ).delivered
        == 1
    )


def test_parked_after_eight_failures(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    queue(uow_factory, 1)
    now = NOW
    for attempt in range(1, MAX_ATTEMPTS + 1):
        summary = run_once(engine, failing(RuntimeError(f"fail {attempt}")), now=now)
        assert summary.failed == 1, attempt
        now += timedelta(seconds=BACKOFF_CAP_SECONDS + 1)
    stored = row(engine)
    assert (stored["status"], stored["attempts"]) == ("parked", MAX_ATTEMPTS)
    assert pending_count(engine) == 0
    assert (
        run_once(
            engine, delivering(engine, now + timedelta(days=1)), now=now + timedelta(days=1)
        ).claimed
        == 0
    )

    [shown] = parked(engine)
    assert shown.attempts == MAX_ATTEMPTS
    assert shown.last_error == f"RuntimeError: fail {MAX_ATTEMPTS}"
    assert shown.notification.person == "U0"

    assert requeue(engine, shown.id, now=now) is True
    assert requeue(engine, shown.id, now=now) is False
    assert run_once(engine, delivering(engine, now), now=now).delivered == 1


def test_a_refusal_for_good_parks_at_once_and_parks_only_that_row(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    queue(uow_factory, 2)
    refused = Undeliverable(Refusal.TOO_LARGE, "msg_too_long")
    summary = run_once(engine, failing(refused), now=NOW, limit=1)
    assert summary.failed == 1
    [shown] = parked(engine)
    assert (shown.attempts, shown.last_error) == (1, "Undeliverable: too_large: msg_too_long")
    assert pending_count(engine) == 1  # the other row is not held back


def test_a_meetings_messages_are_parked_and_requeued_together(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    with uow_factory() as uow:
        for _ in range(3):
            note = Notification(topic="meeting.thread", workspace_id=1, sequence="meeting:7")
            uow.outbox.add(note, now=NOW)
        uow.outbox.add(Notification(topic="person.direct", workspace_id=1, person="U1"), now=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.park_sequence("meeting:7", error="no_access: channel_not_found") == 3
        uow.commit()
    assert pending_count(engine) == 1 and len(parked(engine)) == 3
    with uow_factory() as uow:
        assert uow.outbox.requeue_sequence("meeting:7", now=NOW) == 3
        assert uow.outbox.requeue_sequence("meeting:8", now=NOW) == 0
        uow.commit()
    assert pending_count(engine) == 4 and parked(engine) == []


def test_a_leased_row_is_not_claimed_twice(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    queue(uow_factory, 3)
    first = claim_due(engine, now=NOW, limit=2, lease=LEASE)
    second = claim_due(engine, now=NOW, limit=2, lease=LEASE)
    assert len(first) == 2 and len(second) == 1
    assert {c.id for c in first}.isdisjoint(c.id for c in second)
    assert claim_due(engine, now=NOW + LEASE - timedelta(seconds=1), lease=LEASE) == []
    with engine.connect() as connection:
        leases = connection.execute(select(outbox.c.locked_until)).scalars().all()
    assert leases == [NOW + LEASE] * 3

    # A worker that died keeps its lease only until it runs out.
    again = claim_due(engine, now=NOW + LEASE, lease=LEASE)
    assert sorted(c.id for c in again) == sorted(c.id for c in first + second)
    assert all(c.attempts == 0 for c in again)


def test_concurrent_claims_are_disjoint(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    queue(uow_factory, 20)
    start = threading.Barrier(4)
    claimed: list[list[int]] = []
    lock = threading.Lock()

    def claimer() -> None:
        start.wait()
        ids = [c.id for c in claim_due(engine, now=NOW, limit=5, lease=LEASE)]
        with lock:
            claimed.append(ids)

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    every = [i for ids in claimed for i in ids]
    assert len(claimed) == 4
    assert len(every) == len(set(every)) > 0


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rng = random.Random(7)
    for attempts in range(1, 15):
        ceiling = min(BACKOFF_CAP_SECONDS, 2.0 * 2 ** (attempts - 1))
        delay = backoff_seconds(attempts, rng)
        assert ceiling / 2 <= delay <= ceiling
    assert backoff_seconds(50, rng) <= BACKOFF_CAP_SECONDS


def test_worker_thread_delivers_on_wake_and_stops_promptly(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    delivered = threading.Event()
    worker = OutboxWorker(engine, delivering(engine, NOW, lambda _: delivered.set()), interval=60)
    worker.start()
    try:
        queue(uow_factory, 1, now=datetime.now(UTC))
        worker.wake()
        assert delivered.wait(10)
    finally:
        began = time.monotonic()
        worker.stop()
    assert time.monotonic() - began < 5
    assert not worker.running
    assert pending_count(engine) == 0


class SlowDown(Exception):
    """What a messenger raises on HTTP 429 (``rate_limited``): the destination waits."""

    rate_limited = True

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"429, retry after {retry_after}s")
        self.retry_after = retry_after


def test_a_429_puts_the_row_back_without_counting_an_attempt(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    queue(uow_factory, 1)
    now = NOW
    for _ in range(MAX_ATTEMPTS + 2):  # waiting, however long, never parks a row
        summary = run_once(engine, failing(SlowDown(30)), now=now)
        assert (summary.waiting, summary.failed, summary.claimed) == (1, 0, 1)
        waiting = row(engine)
        assert (waiting["status"], waiting["attempts"]) == ("pending", 0)
        assert waiting["available_at"] == now + timedelta(seconds=30)
        assert waiting["locked_until"] is None
        assert waiting["last_error"] == "SlowDown: 429, retry after 30s"
        assert run_once(engine, failing(SlowDown(30)), now=now + timedelta(seconds=29)).claimed == 0
        now += timedelta(seconds=30)
    assert run_once(engine, delivering(engine, now), now=now).delivered == 1
    assert row(engine)["attempts"] == 0


def wait_until(check: Callable[[], object], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_the_worker_spaces_deliveries_to_one_channel_not_across_channels(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    clock = FakeClock(NOW)
    with uow_factory() as uow:
        for n in range(3):
            for group in (7, 8):
                note = Notification(topic="meeting.thread", workspace_id=1, group_id=group)
                uow.outbox.add(note.model_copy(update={"data": {"n": n}}), now=NOW)
        uow.commit()
    seen: list[tuple[int | None, datetime]] = []
    lock = threading.Lock()

    def handler(item: Claimed) -> None:
        with lock:
            seen.append((item.notification.group_id, clock.now()))
        mark_delivered(engine, item.id, clock.now())

    def delivered(count: int) -> bool:
        return len(seen) == count

    def waiting_until(moment: datetime) -> bool:
        with engine.connect() as connection:
            rows = connection.execute(
                select(outbox.c.available_at, outbox.c.locked_until).where(
                    outbox.c.status == "pending"
                )
            ).all()
        return all(r.available_at == moment and r.locked_until is None for r in rows)

    worker = OutboxWorker(engine, handler, clock=clock, interval=60, spacing=10)
    worker.start()
    try:
        for step in range(3):
            moment = NOW + timedelta(seconds=10 * (step + 1))
            wait_until(partial(delivered, 2 * (step + 1)), f"step {step}")
            wait_until(partial(waiting_until, moment), f"the rest put back to {moment}")
            assert sorted(group or 0 for group, _ in seen[2 * step :]) == [7, 8]  # one each
            clock.tick(seconds=10)
            worker.wake()
    finally:
        worker.stop()
    assert pending_count(engine) == 0
    for group in (7, 8):
        times = [at for g, at in seen if g == group]
        assert times == [NOW + timedelta(seconds=s) for s in (0, 10, 20)]
    with engine.connect() as connection:
        assert set(connection.execute(select(outbox.c.attempts)).scalars()) == {0}
