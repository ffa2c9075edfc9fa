"""Retention: the texts of a finished meeting are removed a workspace's number of days
after it ended (docs/decisions/0012). The report and the statistics stay: who took part,
phases held, kinds and scores. Each run is bounded and idempotent; each workspace's
share is one transaction with its audit entry.

The moment counted from is the meeting's end (``ended_at``): its evaluation, or its
cancellation. A report published later does not extend it, and a meeting that is never
reported is purged all the same. A cancelled meeting holds no contributions (it ends
before its phases), and its case went back to the group: nothing of it is removed.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.domain.errors import ConcurrentChange
from core.domain.privacy import SYSTEM, AuditAction, AuditEntry, TextRemoval
from core.services.context import Context
from core.services.ports import UnitOfWork

log = logging.getLogger(__name__)

PURGE_BATCH = 50
"""Meetings purged per run, over all workspaces."""
OUTBOX_BATCH = 500
"""Delivered outbox rows forgotten per workspace per run."""


@dataclass(frozen=True)
class Purged:
    """What one run removed in one workspace."""

    workspace_id: int
    days: int
    counts: dict[str, int] = field(default_factory=dict)
    """Rows per kind: ``contributions``, ``cases``, ``outbox``; and ``meetings`` purged."""

    @property
    def rows(self) -> int:
        return sum(n for kind, n in self.counts.items() if kind != "meetings")


@dataclass(frozen=True)
class PurgeRun:
    purged: tuple[Purged, ...] = ()
    more_due: bool = False
    """The run stopped at its bound (or met a concurrent change): run again."""

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.purged)


def purge_expired(
    ctx: Context,
    *,
    default_days: int,
    requested_by: str = SYSTEM,
    limit: int = PURGE_BATCH,
) -> PurgeRun:
    """Remove the texts whose retention has passed, in at most ``limit`` meetings; what was
    removed is written to the audit trail. Running it again removes nothing more."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        workspace_ids = uow.privacy.workspace_ids()
    purged: list[Purged] = []
    budget, more_due = limit, False
    for workspace_id in workspace_ids:
        if budget <= 0:
            more_due = True
            break
        try:
            done, more = _purge_workspace(
                ctx, workspace_id, default_days, now, budget, requested_by
            )
        except ConcurrentChange:  # a meeting changed at this moment: next run
            log.info("retention: workspace %s changed meanwhile; purging it later", workspace_id)
            more_due = True
            continue
        more_due = more_due or more
        if done.rows:
            purged.append(done)
            budget -= done.counts.get("meetings", 0)
    return PurgeRun(purged=tuple(purged), more_due=more_due)


def _purge_workspace(
    ctx: Context, workspace_id: int, default_days: int, now: datetime, budget: int, by: str
) -> tuple[Purged, bool]:
    with ctx.uow() as uow:
        days = uow.workspaces.get(workspace_id).retention(default_days)
        cutoff = now - timedelta(days=days)
        removal = TextRemoval(at=now, after_days=days)
        due = uow.privacy.expired_meetings(workspace_id, ended_before=cutoff, limit=budget + 1)
        counts: Counter[str] = Counter()
        for meeting_id in due[:budget]:
            counts.update(_purge_meeting(uow, meeting_id, removal))
        counts["outbox"] = uow.privacy.delete_delivered(
            workspace_id, delivered_before=cutoff, limit=OUTBOX_BATCH
        )
        done = Purged(workspace_id=workspace_id, days=days, counts=dict(counts))
        if done.rows:
            uow.audit.add(
                AuditEntry(
                    at=now,
                    requested_by=by,
                    action=AuditAction.PURGE,
                    workspace_id=workspace_id,
                    rows=done.rows,
                    detail={kind: n for kind, n in done.counts.items() if n},
                )
            )
            uow.commit()
            log.info("retention: workspace %s, %s", workspace_id, done.counts)
        return done, len(due) > budget or counts["outbox"] == OUTBOX_BATCH


def _purge_meeting(uow: UnitOfWork, meeting_id: int, removal: TextRemoval) -> Counter[str]:
    meeting = uow.meetings.get(meeting_id)
    counts = Counter({"meetings": 1, "contributions": meeting.remove_texts(removal)})
    if meeting.case_id is not None:
        case = uow.cases.get(meeting.case_id)
        if case.meeting_id == meeting.id and case.remove_text(removal):  # not a released one
            uow.cases.save(case)
            counts["cases"] += 1
    uow.meetings.save(meeting)
    return counts
