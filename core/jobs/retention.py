"""The retention job the server runs beside the outbox worker: purge what is due soon after
start, then every ``interval`` seconds; each run is bounded (``core.services.retention``),
so a backlog is worked off in runs a second apart. ``intervision privacy purge`` does
the same from cron. Each run also forgets the bookkeeping older than ``keep_days``
(``core.services.bookkeeping``: inbound-event keys, delivered outbox rows)."""

from __future__ import annotations

import logging
import threading

from core.services import bookkeeping, retention
from core.services.context import Context
from core.services.retention import PurgeRun

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 3600.0
BACKLOG_PAUSE_SECONDS = 1.0
"""Between two runs while more is due: the database is not held for long at a time."""


class RetentionJob:
    def __init__(
        self,
        ctx: Context,
        *,
        default_days: int,
        keep_days: int = bookkeeping.DEFAULT_KEEP_DAYS,
        interval: float = INTERVAL_SECONDS,
        limit: int = retention.PURGE_BATCH,
    ) -> None:
        self.ctx = ctx
        self.default_days = default_days
        self.keep_days = keep_days
        self.interval = interval
        self.limit = limit
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run_once(self) -> PurgeRun:
        return retention.purge_expired(self.ctx, default_days=self.default_days, limit=self.limit)

    def prune_once(self) -> bookkeeping.Pruned:
        return bookkeeping.prune(self.ctx, keep_days=self.keep_days)

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="retention", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            pause = self.interval
            try:
                purged, pruned = self.run_once(), self.prune_once()
                if purged.more_due or pruned.more_due:
                    pause = BACKLOG_PAUSE_SECONDS
            except Exception:
                log.exception("retention: a run failed; trying again in %ss", self.interval)
            self._stop.wait(pause)
