"""What the app keeps only to do its work, forgotten once the work is done: the keys of
inbound events (so that a platform's redelivery changes nothing) and delivered outbox rows.
Neither is needed after a few days: Slack retries an event within the hour, the Bot
Connector within minutes, and a delivered row is looked at only while its delivery is
under way. Pending and parked rows stay until they are delivered or an admin acts
(``intervision outbox``). Texts are the retention's (``core.services.retention``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from core.services.context import Context

log = logging.getLogger(__name__)

DEFAULT_KEEP_DAYS = 7
PRUNE_BATCH = 2000
"""Rows of each kind forgotten per run: the database is not held for long at a time."""


@dataclass(frozen=True)
class Pruned:
    inbound: int
    outbox: int
    more_due: bool
    """A kind stopped at its bound: run again soon."""


def prune(ctx: Context, *, keep_days: int = DEFAULT_KEEP_DAYS, limit: int = PRUNE_BATCH) -> Pruned:
    """Forget inbound-event keys received, and outbox rows delivered, more than
    ``keep_days`` days ago: at most ``limit`` of each, oldest first, in one transaction."""
    before = ctx.clock.now() - timedelta(days=keep_days)
    with ctx.uow() as uow:
        inbound = uow.inbound.forget_before(before, limit=limit)
        delivered = uow.outbox.forget_delivered(before, limit=limit)
        uow.commit()
    if inbound or delivered:
        log.info("bookkeeping: forgot %s inbound keys, %s delivered rows", inbound, delivered)
    return Pruned(inbound=inbound, outbox=delivered, more_due=limit in (inbound, delivered))
