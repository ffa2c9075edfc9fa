"""What an inbound request asks of the units of work that carry it out.

- **Once**: a request the platform could send again (a replayed form submission) has a
  key; the first commit made on its behalf records the key in the same transaction as its
  effect. A second request with that key finds it recorded, and its commit is undone
  (``AlreadyApplied``): a no-op. A request that failed recorded nothing, so it may be
  tried again.
- **In time**: a platform waits a few seconds for the answer (Slack 3 s for a form) and
  then tells the person it failed. Past the ``deadline`` nothing is committed (``Busy``):
  a change never lands after the person was told it did not.

``guarded(ctx, guard)`` is the same context whose units of work do this; the services
need not know."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any, Self

from core.domain.common import Clock
from core.domain.errors import Busy
from core.services.context import Context
from core.services.ports import UnitOfWork


class AlreadyApplied(Exception):
    """The request with this key was carried out before; this one changed nothing."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass
class RequestGuard:
    platform: str
    key: str | None = None
    """Recorded with the first commit; None: the request may be carried out again."""
    deadline: float | None = None
    """``time.monotonic()`` after which nothing is committed; None: no deadline."""
    now: Callable[[], float] = time.monotonic
    recorded: bool = field(default=False, init=False)

    def before_commit(self, uow: UnitOfWork, clock: Clock) -> None:
        if self.deadline is not None and self.now() > self.deadline:
            raise Busy()
        if self.key is None or self.recorded:
            return
        if not uow.inbound.first_time(self.platform, self.key, now=clock.now()):
            raise AlreadyApplied(self.key)

    def after_commit(self) -> None:
        if self.key is not None:
            self.recorded = True


def guarded(ctx: Context, guard: RequestGuard) -> Context:
    """``ctx`` whose every unit of work commits only as ``guard`` allows."""
    opened = ctx.uow
    return replace(ctx, uow=lambda: _GuardedUnitOfWork(opened(), guard, ctx.clock))


class _GuardedUnitOfWork:
    """A unit of work whose ``commit`` asks the guard first; everything else is the inner
    unit of work's (its repositories, its rollback on leaving the ``with`` block)."""

    def __init__(self, inner: UnitOfWork, guard: RequestGuard, clock: Clock) -> None:
        self._inner = inner
        self._guard = guard
        self._clock = clock

    def __enter__(self) -> Self:
        self._inner.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._inner.__exit__(exc_type, exc, tb)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def commit(self) -> None:
        self._guard.before_commit(self._inner, self._clock)
        self._inner.commit()
        self._guard.after_commit()

    def rollback(self) -> None:
        self._inner.rollback()
