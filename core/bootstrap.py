"""Builds the core's context over a database: the unit of work publishes the domain's
events to the outbox on commit and wakes the delivery worker (cosmicpython's bootstrap)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import Engine

from core.domain.common import Clock, Platform, SystemClock
from core.methods import MethodLibrary
from core.services import notify
from core.services.context import Context
from core.storage.uow import make_uow_factory


def bootstrap(
    engine: Engine,
    *,
    methods: MethodLibrary,
    clock: Clock | None = None,
    wake: Callable[[], None] | None = None,
    public_url: str | None = None,
    calendar_platforms: frozenset[Platform] = frozenset(),
) -> Context:
    """``wake`` is called after a commit that queued notifications; ``public_url`` is where
    the server is reached (links it hands out start with it); ``calendar_platforms``: where
    people's own calendars are written to (``Context.calendar_platforms``)."""
    clock = clock or SystemClock()
    context = Context(
        uow=make_uow_factory(engine, notify.publisher(clock), wake),
        methods=methods,
        clock=clock,
        calendar_platforms=calendar_platforms,
    )
    return replace(context, public_url=public_url.rstrip("/")) if public_url else context
