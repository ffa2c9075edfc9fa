"""Preparation tasks (voorbereidingstaken): what a member does before and after a meeting."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field

from core.domain.common import PersonRef
from core.domain.errors import NotAllowed, NotPossibleNow
from core.domain.times import local_offset


class TaskKind(StrEnum):
    INTAKE = "intake"
    BRING_CASE = "bring_case"
    REREAD_GOALS = "reread_goals"
    READ_CASE = "read_case"
    RATE_MEETING = "rate_meeting"
    WRITE_REFLECTION = "write_reflection"
    FINAL_EVALUATION = "final_evaluation"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    SKIPPED = "skipped"
    """Skipped by its owner."""
    CALLED_OFF = "called_off"
    """Its meeting was called off."""


DUE_OFFSET: dict[TaskKind, timedelta] = {
    TaskKind.INTAKE: timedelta(days=-14),
    TaskKind.BRING_CASE: timedelta(days=-3),
    TaskKind.REREAD_GOALS: timedelta(days=-1),
    TaskKind.READ_CASE: timedelta(hours=-2),
    TaskKind.RATE_MEETING: timedelta(days=1),
    TaskKind.WRITE_REFLECTION: timedelta(days=2),
    TaskKind.FINAL_EVALUATION: timedelta(days=14),
}
"""When each task is due, relative to its meeting's start, in local wall-clock time: about
an hour of work per meeting in all. The intake is due before a trajectory's first meeting,
the final evaluation after its last."""

EVERY_MEETING = (
    TaskKind.BRING_CASE,
    TaskKind.REREAD_GOALS,
    TaskKind.RATE_MEETING,
    TaskKind.WRITE_REFLECTION,
)
"""Every member's tasks for every meeting; reading the case comes when it is chosen
before the meeting, the intake with a trajectory's first meeting and the final
evaluation with its last."""


class PreparationTask(BaseModel):
    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    meeting_id: int
    person: PersonRef
    kind: TaskKind
    offset: timedelta
    due_at: datetime
    status: TaskStatus = TaskStatus.OPEN

    @classmethod
    def for_meeting(
        cls,
        *,
        meeting_id: int,
        person: PersonRef,
        kind: TaskKind,
        meeting_at: datetime,
        zone: str = "UTC",
        offset: timedelta | None = None,
    ) -> PreparationTask:
        """Due ``offset`` (default ``DUE_OFFSET[kind]``: the group's own, see
        ``Group.due_offset``) from the meeting, in wall-clock time in ``zone`` (an IANA
        name: the zone the meeting was planned in)."""
        offset = DUE_OFFSET[kind] if offset is None else offset
        return cls(
            meeting_id=meeting_id,
            person=person,
            kind=kind,
            offset=offset,
            due_at=local_offset(meeting_at, offset, zone),
        )

    def follow_meeting(self, meeting_at: datetime, zone: str = "UTC") -> None:
        """The meeting moved: the task moves with it."""
        self.due_at = local_offset(meeting_at, self.offset, zone)

    def complete(self, person: PersonRef) -> None:
        self._change(person, TaskStatus.DONE)

    def skip(self, person: PersonRef) -> None:
        self._change(person, TaskStatus.SKIPPED)

    def _change(self, person: PersonRef, status: TaskStatus) -> None:
        if person != self.person:
            raise NotAllowed("task.not_yours")
        if self.status is not TaskStatus.OPEN:
            raise NotPossibleNow("task.already_closed")
        self.status = status

    def call_off(self) -> None:
        """Its meeting was called off: an open task no longer needs doing."""
        if self.status is TaskStatus.OPEN:
            self.status = TaskStatus.CALLED_OFF

    def is_overdue(self, now: datetime) -> bool:
        return self.status is TaskStatus.OPEN and now > self.due_at
