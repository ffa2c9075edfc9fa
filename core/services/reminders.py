"""Reminders: a private message a day before each preparation task is due and a day before
each meeting, out of the person's quiet hours.

They are outbox rows due later (``notify.REMINDER``, queued with the tasks in the same
transaction), delivered by the same worker as everything else: a restart loses none and
sends none twice. Whether one is still wanted is decided when it is due (``due``): none
for a task done, skipped or called off, a meeting moved (the move queued new ones) or
called off, a person away that day or no longer in the group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.domain.common import PersonRef
from core.domain.group import Group
from core.domain.meeting import Meeting, MeetingState
from core.domain.tasks import PreparationTask, TaskStatus
from core.services import notify
from core.services.context import Actor, Context
from core.services.ports import Notification, UnitOfWork

TASK_LEAD = timedelta(days=1)
"""How long before a task is due its reminder comes."""
MEETING_LEAD = timedelta(days=1)
"""How long before a meeting its reminder comes."""
FOREVER = datetime.max.replace(tzinfo=UTC)


def queue(
    uow: UnitOfWork,
    group: Group,
    meeting: Meeting,
    tasks: Iterable[PreparationTask],
    *,
    now: datetime,
    meeting_too: bool = True,
) -> int:
    """Queue the reminders of ``tasks`` and (``meeting_too``) of the meeting, for its
    members and facilitator; none whose time has passed. Returns how many."""
    assert group.id is not None and meeting.id is not None
    zone = meeting.time_zone or uow.workspaces.get(group.workspace_id).time_zone
    people = set(group.members) | ({group.facilitator} if group.facilitator else set())
    said = uow.availability.of_people(group.workspace_id, people)
    wanted: list[tuple[PersonRef, datetime, datetime, dict[str, str]]] = [
        (task.person, task.due_at - TASK_LEAD, task.due_at, {"task_id": task.id})
        for task in tasks
        if task.status is TaskStatus.OPEN and task.person in said
    ]
    if meeting_too:
        start = meeting.scheduled_at
        wanted += [(person, start - MEETING_LEAD, start, {}) for person in sorted(people)]
    queued = 0
    for person, at, reminds_of, data in wanted:
        when = said[person].remind_at(at, zone, latest=reminds_of)
        if when <= now:
            continue
        uow.outbox.add(
            Notification(
                topic=notify.REMINDER,
                workspace_id=group.workspace_id,
                group_id=group.id,
                meeting_id=meeting.id,
                person=person,
                data={**data, "for": reminds_of.isoformat()},
            ),
            now=now,
            at=when,
        )
        queued += 1
    return queued


@dataclass(frozen=True)
class NotYet:
    """A reminder that came due in the person's quiet hours (they may have changed them,
    or the worker was away): it waits until ``until``."""

    until: datetime


@dataclass(frozen=True)
class Due:
    """A reminder still wanted: of ``task`` (or, when None, of the meeting)."""

    group: Group
    meeting: Meeting
    task: PreparationTask | None
    zone: str
    away: dict[PersonRef, date]
    """For the facilitator's meeting reminder: members away that day, until when."""
    phase_due: bool = False
    """An async phase the person is still due in (a nudge before its deadline)."""


def due(ctx: Context, notification: Notification) -> Due | NotYet | None:
    """The reminder ``notification`` as it should go out now, ``NotYet`` in the person's
    quiet hours, or None when it is no longer wanted (see the module's docstring)."""
    person = notification.person
    assert person is not None and notification.meeting_id is not None
    reminds_of = datetime.fromisoformat(str(notification.data.get("for")))
    with ctx.uow() as uow:
        meetings = uow.meetings.schedule_of([notification.group_id or 0])
        meeting = next((m for m in meetings if m.id == notification.meeting_id), None)
        if meeting is None or meeting.state is MeetingState.CANCELLED:
            return None
        group = uow.groups.get(meeting.group_id)
        if not (group.is_member(person) or group.facilitator == person):
            return None
        zone = meeting.time_zone or uow.workspaces.get(group.workspace_id).time_zone
        task = None
        task_id = notification.data.get("task_id")
        position = notification.data.get("position")
        if position is not None:
            current = meeting.current_round
            if meeting.position != position or current is None or person not in current.due:
                return None
        elif task_id is not None:
            task = uow.tasks.get(str(task_id))
            if task.status is not TaskStatus.OPEN or task.due_at != reminds_of:
                return None
        elif meeting.state is not MeetingState.PLANNED or meeting.scheduled_at != reminds_of:
            return None
        day = reminds_of.astimezone(ZoneInfo(zone)).date()
        said = uow.availability.of_people(group.workspace_id, [*group.members, person])
        if said[person].is_away(day):
            return None
        now = ctx.clock.now()
        later = said[person].remind_at(now, zone, latest=FOREVER)  # never at night
        if later > now:
            return NotYet(until=later)
        away: dict[PersonRef, date] = {}
        if task is None and person == group.facilitator:
            away = {
                p: a.away_until
                for p in group.members
                if (a := said[p]).is_away(day) and a.away_until is not None
            }
        return Due(
            group=group,
            meeting=meeting,
            task=task,
            zone=zone,
            away=away,
            phase_due=position is not None,
        )


# ------------------------------------------------------------------ a person's own say


def go_away(ctx: Context, *, actor: Actor, first: date, last: date) -> None:
    """No reminders for what is due from ``first`` to ``last``; the facilitator sees it."""
    today = ctx.clock.now().date()
    with ctx.uow() as uow:
        said = uow.availability.of(actor.workspace_id, actor.person)
        said.go_away(first, last, today=today)
        uow.availability.save(said)
        uow.commit()


def come_back(ctx: Context, *, actor: Actor) -> bool:
    """Reminders again; False when the person was not away."""
    with ctx.uow() as uow:
        said = uow.availability.of(actor.workspace_id, actor.person)
        was_away = said.away_from is not None
        said.come_back()
        uow.availability.save(said)
        uow.commit()
        return was_away


def set_quiet_hours(ctx: Context, *, actor: Actor, start: time, end: time) -> None:
    """No reminders between ``start`` and ``end`` (local, across midnight if need be)."""
    with ctx.uow() as uow:
        said = uow.availability.of(actor.workspace_id, actor.person)
        said.set_quiet(start, end)
        uow.availability.save(said)
        uow.commit()
