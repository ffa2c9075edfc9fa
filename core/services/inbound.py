"""Inbound events the platforms may deliver more than once: the key of the event being
handled is recorded in the same transaction as its effect.

An adapter wraps its handling of a platform event in ``handling(platform, key)``; the first
unit of work that commits inside it records the key in that transaction. When the key was
recorded before (the platform delivered the event again after its effect was stored), that
commit is rolled back and ``Redelivered`` raised: nothing is done twice. When the work fails,
nothing is recorded, so the platform's retry does the work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class InboundEvent:
    platform: str
    key: str
    recorded: bool = False


current: ContextVar[InboundEvent | None] = ContextVar("intervision_inbound_event", default=None)


class Redelivered(Exception):
    """This event's effect was stored before: it is not applied again."""


@contextmanager
def handling(platform: str, key: str | None) -> Iterator[InboundEvent | None]:
    """Handle one inbound event (``key`` None: an event the platform never repeats)."""
    event = InboundEvent(platform, key) if key else None
    token = current.set(event)
    try:
        yield event
    finally:
        current.reset(token)
