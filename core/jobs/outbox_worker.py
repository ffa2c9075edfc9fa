"""Delivering the outbox: claim due rows, hand each to a handler, retry with backoff, park.

Services write notifications to the ``outbox`` table in the transaction that causes
them (``core.storage``); this module is the other side. Rows are claimed with a lease
(``locked_until``): a worker that dies mid-delivery loses its lease and the row is
claimed again. On PostgreSQL claims use ``SELECT ... FOR UPDATE SKIP LOCKED`` so any
number of workers can run; on SQLite one process runs one worker.

The handler (``core.jobs.delivery.Deliverer``) marks a row delivered itself, in the
transaction that stores what the delivery produced (a posted message's ref): a crash
can then never leave a posted message unrecorded and its row delivered, or the reverse.
Delivery is at least once: a handler should tolerate the rare repeat (after a lease
expired during a slow delivery).

Waiting is not failing: a row the platform refused with "not now" (HTTP 429, an
exception with ``rate_limited`` and ``retry_after``), and a row claimed while its
destination is paced (``core.jobs.pacing``), is put back (``put_back``) until its
destination's time without counting an attempt; it is never parked for waiting. So is a
row whose handler says it is not its time yet (an exception with ``not_yet`` and
``retry_after``: a reminder that came due in the person's quiet hours), without holding
anything else back.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import Engine, exists, func, or_, select, update

from core.domain.common import Clock, SystemClock
from core.jobs.pacing import Pacing, destination_of
from core.services.ports import Notification
from core.storage.mapping import notification_from
from core.storage.repositories.messages import DELIVERED, MAX_ERROR_LENGTH, PARKED, PENDING
from core.storage.tables import outbox

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 15 * 60.0
MAX_ATTEMPTS = 8
"""A row that failed this many times is parked: kept, shown, no longer retried."""
DEFAULT_LEASE = timedelta(minutes=2)
DEFAULT_BATCH = 20
DEFAULT_WORKERS = 4
"""Deliveries under way at once (each waits on a platform; the database work is small)."""


class Claimed(NamedTuple):
    id: int
    notification: Notification
    attempts: int
    """Failed attempts so far (0 for a first delivery)."""
    created_at: datetime = datetime.min.replace(tzinfo=UTC)
    """When the row was queued (a post it made is not older than that)."""


Handler = Callable[[Claimed], None]
"""Delivers one claimed row and marks it delivered (``mark_delivered``); raises to fail it."""


class Parked(NamedTuple):
    id: int
    notification: Notification
    attempts: int
    last_error: str | None
    created_at: datetime


class Outcome(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"
    """Counted as an attempt; retried after a backoff, or parked."""
    WAITING = "waiting"
    """Put back until the platform's ``Retry-After`` has passed; no attempt counted."""


@dataclass(frozen=True)
class RunSummary:
    delivered: int = 0
    failed: int = 0
    waiting: int = 0

    @property
    def claimed(self) -> int:
        return self.delivered + self.failed + self.waiting


def claim_due(
    engine: Engine,
    *,
    now: datetime,
    limit: int = DEFAULT_BATCH,
    lease: timedelta = DEFAULT_LEASE,
) -> list[Claimed]:
    """Lease up to ``limit`` pending rows that are due and not leased by another worker; of
    a sequence (a meeting's thread) only its first pending row, so that its rows arrive in
    order and a row that failed holds back the rows behind it, not anyone else's."""
    earlier = outbox.alias("earlier")
    waits_in_line = exists().where(
        earlier.c.sequence == outbox.c.sequence,
        earlier.c.status == PENDING,
        earlier.c.id < outbox.c.id,
    )
    claimable = (
        (outbox.c.status == PENDING)
        & (outbox.c.available_at <= now)
        & or_(outbox.c.locked_until.is_(None), outbox.c.locked_until <= now)
        & or_(outbox.c.sequence.is_(None), ~waits_in_line)
    )
    with engine.begin() as connection:
        rows = connection.execute(
            select(outbox.c.id, outbox.c.payload, outbox.c.attempts, outbox.c.created_at)
            .where(claimable)
            .order_by(outbox.c.available_at, outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        claimed: list[Claimed] = []
        for row in rows:
            # The condition is checked again: SQLite has no row locks, and a second
            # connection may have claimed the row between our read and this write.
            result = connection.execute(
                update(outbox)
                .where(outbox.c.id == row.id, claimable)
                .values(locked_until=now + lease)
            )
            if result.rowcount == 1:
                claimed.append(
                    Claimed(row.id, notification_from(row.payload), row.attempts, row.created_at)
                )
        return claimed


def mark_delivered(engine: Engine, outbox_id: int, now: datetime) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(outbox)
            .where(outbox.c.id == outbox_id)
            .values(status=DELIVERED, delivered_at=now, locked_until=None, last_error=None)
        )


def backoff_seconds(attempts: int, rng: random.Random | None = None) -> float:
    """How long to wait after the ``attempts``-th failure: exponential from 2 s, capped at
    15 minutes, with jitter (between half and all of it) so retries do not come in waves."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2.0 ** max(attempts - 1, 0))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def mark_failed(
    engine: Engine,
    outbox_id: int,
    now: datetime,
    error: str,
    retry_after: float | None = None,
    *,
    permanent: bool = False,
) -> str:
    """Record a failed delivery and schedule the retry (after ``retry_after`` seconds when the
    platform said so, else after a backoff); park the row after ``MAX_ATTEMPTS`` failures,
    or at once when the failure is ``permanent`` (asking again would change nothing).
    Returns the row's new status."""
    with engine.begin() as connection:
        before = connection.execute(select(outbox.c.attempts).where(outbox.c.id == outbox_id))
        attempts = int(before.scalar_one()) + 1
        delay = max(retry_after, 0.0) if retry_after is not None else backoff_seconds(attempts)
        status = PARKED if permanent or attempts >= MAX_ATTEMPTS else PENDING
        connection.execute(
            update(outbox)
            .where(outbox.c.id == outbox_id)
            .values(
                status=status,
                attempts=attempts,
                available_at=now + timedelta(seconds=delay),
                last_error=error[:MAX_ERROR_LENGTH],
                locked_until=None,
            )
        )
        return status


def put_back(engine: Engine, outbox_id: int, until: datetime, *, note: str | None = None) -> None:
    """Let a claimed row wait until ``until`` without counting an attempt (its destination
    is paced); ``note`` (why) is kept as its last error, if given."""
    values: dict[str, object] = {"available_at": until, "locked_until": None}
    if note is not None:
        values["last_error"] = note[:MAX_ERROR_LENGTH]
    with engine.begin() as connection:
        connection.execute(update(outbox).where(outbox.c.id == outbox_id).values(**values))


def run_once(
    engine: Engine,
    handler: Handler,
    *,
    now: datetime,
    limit: int = DEFAULT_BATCH,
    lease: timedelta = DEFAULT_LEASE,
) -> RunSummary:
    """Deliver what is due now: each claimed row goes to ``handler``, which marks it
    delivered; an exception marks it failed (an exception's ``retry_after`` attribute, in
    seconds, is honoured; one whose ``permanent`` attribute is True parks the row), or
    waiting when it is a 429 (``deliver_one``)."""
    outcomes = [
        deliver_one(engine, handler, item, now=now)
        for item in claim_due(engine, now=now, limit=limit, lease=lease)
    ]
    return RunSummary(
        delivered=outcomes.count(Outcome.DELIVERED),
        failed=outcomes.count(Outcome.FAILED),
        waiting=outcomes.count(Outcome.WAITING),
    )


def deliver_one(
    engine: Engine, handler: Handler, item: Claimed, *, now: datetime, pacing: Pacing | None = None
) -> Outcome:
    """Hand one claimed row to ``handler``. A 429 (an exception whose ``rate_limited`` is
    True, with ``retry_after`` seconds) puts the row back until then, no attempt counted,
    and holds its destination in ``pacing``; any other failure is recorded
    (``mark_failed``)."""
    try:
        handler(item)
    except Exception as exc:
        wait = _retry_after(exc)
        if getattr(exc, "not_yet", False) is True and wait is not None:
            until = now + timedelta(seconds=max(wait, 0.0))
            put_back(engine, item.id, until)  # its own time (a reminder in quiet hours)
            return Outcome.WAITING
        if getattr(exc, "rate_limited", False) is True and wait is not None:
            until = now + timedelta(seconds=max(wait, 0.0))
            if pacing is not None:  # first: no row for it is let through meanwhile
                pacing.hold(destination_of(item.notification), until)
            put_back(engine, item.id, until, note=_describe(exc))
            log.info(
                "outbox %s (%s): not before %s, the platform says: %s",
                item.id,
                item.notification.topic,
                until.isoformat(),
                _describe(exc),
            )
            return Outcome.WAITING
        status = mark_failed(
            engine,
            item.id,
            now,
            _describe(exc),
            retry_after=wait,
            permanent=getattr(exc, "permanent", False) is True,
        )
        log.warning(
            "outbox %s (%s) failed, attempt %s, now %s: %s",
            item.id,
            item.notification.topic,
            item.attempts + 1,
            status,
            _describe(exc),
        )
        return Outcome.FAILED
    return Outcome.DELIVERED


def due_count(engine: Engine, *, now: datetime, workspace_id: int | None = None) -> int:
    """Rows waiting to be delivered now (of one workspace, if given)."""
    query = (
        select(func.count())
        .select_from(outbox)
        .where(outbox.c.status == PENDING, outbox.c.available_at <= now)
    )
    if workspace_id is not None:
        query = query.where(outbox.c.workspace_id == workspace_id)
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def pending_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count()).select_from(outbox).where(outbox.c.status == PENDING)
            ).scalar_one()
        )


def parked(engine: Engine, *, limit: int = 100) -> list[Parked]:
    """Notifications that could not be delivered, newest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(outbox)
            .where(outbox.c.status == PARKED)
            .order_by(outbox.c.created_at.desc(), outbox.c.id.desc())
            .limit(limit)
        ).all()
    return [
        Parked(row.id, notification_from(row.payload), row.attempts, row.last_error, row.created_at)
        for row in rows
    ]


def requeue(engine: Engine, outbox_id: int, *, now: datetime) -> bool:
    """Give a parked notification a fresh set of attempts; False when it was not parked."""
    with engine.begin() as connection:
        result = connection.execute(
            update(outbox)
            .where(outbox.c.id == outbox_id, outbox.c.status == PARKED)
            .values(status=PENDING, attempts=0, available_at=now, locked_until=None)
        )
        return result.rowcount == 1


def _retry_after(exc: BaseException) -> float | None:
    value = getattr(exc, "retry_after", None)
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class OutboxWorker:
    """Delivers the outbox on a daemon thread with a small pool, so that deliveries to
    different channels and workspaces run side by side and one slow platform does not stall
    the rest (a sequence's rows still go one at a time: ``claim_due``). Deliveries are
    paced per destination (``core.jobs.pacing``): a row claimed for a destination that must
    wait is put back until its time, and the worker looks again then. ``wake()`` looks for
    work at once (call it after a commit that queued rows); otherwise every ``interval``
    seconds; ``stop()`` returns when the deliveries under way have ended."""

    def __init__(
        self,
        engine: Engine,
        handler: Handler,
        *,
        interval: float = 5.0,
        clock: Clock | None = None,
        workers: int = DEFAULT_WORKERS,
        lease: timedelta = DEFAULT_LEASE,
        spacing: float = 0.0,
    ) -> None:
        """``spacing``: seconds from the end of one delivery to a destination to the start
        of the next (0: only the platform's 429s pace)."""
        self.engine = engine
        self.handler = handler
        self.interval = interval
        self.clock = clock or SystemClock()
        self.workers = workers
        self.lease = lease
        self.pacing = Pacing(spacing=spacing)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="outbox-worker", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float | None = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        with ThreadPoolExecutor(self.workers, thread_name_prefix="outbox") as pool:
            busy: set[Future[Outcome]] = set()
            while not self._stop.is_set():
                self._wake.clear()
                busy = {future for future in busy if not future.done()}
                free = self.workers - len(busy)
                claimed: list[Claimed] = []
                if free:
                    try:
                        claimed = claim_due(
                            self.engine, now=self.clock.now(), limit=free, lease=self.lease
                        )
                    except Exception:
                        log.exception("outbox worker: a claim failed; again in %ss", self.interval)
                for item in claimed:
                    destination = destination_of(item.notification)
                    if self._waits(item, destination):
                        continue
                    future = pool.submit(self._deliver, item, destination)
                    future.add_done_callback(lambda _: self._wake.set())
                    busy.add(future)
                if claimed and len(claimed) == free:
                    continue  # more may be due: go on without waiting
                self._wake.wait(self._pause())

    def _waits(self, item: Claimed, destination: str) -> bool:
        """Put ``item`` back when its destination is paced (True); else it may go."""
        until = self.pacing.admit(destination, self.clock.now())
        if until is None:
            return False
        try:
            put_back(self.engine, item.id, until)
        except Exception:  # its lease runs out and it is claimed again
            log.exception("outbox worker: could not put %s back", item.id)
        return True

    def _pause(self) -> float:
        """Seconds until the next look: ``interval``, or sooner when a paced row comes due."""
        now = self.clock.now()
        soonest = self.pacing.next_look(now)
        if soonest is None:
            return self.interval
        return min(self.interval, max((soonest - now).total_seconds(), 0.0))

    def _deliver(self, item: Claimed, destination: str) -> Outcome:
        try:
            return deliver_one(
                self.engine, self.handler, item, now=self.clock.now(), pacing=self.pacing
            )
        finally:
            self.pacing.finish(destination, self.clock.now())
