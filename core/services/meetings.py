"""Services for a meeting's life: schedule, start, choose the case, pace, close, report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from core.domain.case import CaseStatus
from core.domain.common import PersonRef, as_utc
from core.domain.errors import NotAllowed, NotPossibleNow
from core.domain.group import Group, Mode
from core.domain.meeting import Meeting, MeetingState
from core.domain.method import Method
from core.domain.tasks import EVERY_MEETING, PreparationTask, TaskKind
from core.services import calendars, notify, reminders, rotas, rules
from core.services.context import Actor, Context
from core.services.ports import UnitOfWork


def load_meeting(uow: UnitOfWork, actor: Actor, meeting_id: int) -> tuple[Group, Meeting]:
    """The meeting to change (others changing it wait for this unit of work), its group."""
    meeting = uow.meetings.get(meeting_id, for_update=True)
    group = uow.groups.get(meeting.group_id)
    rules.require_same_workspace(actor, group)
    return group, meeting


def save_meeting(uow: UnitOfWork, meeting: Meeting) -> None:
    """Save and commit: the meeting's events become notifications in the same transaction."""
    uow.meetings.save(meeting)
    uow.commit()


def schedule_meeting(
    ctx: Context,
    *,
    actor: Actor,
    group_id: int,
    at: datetime,
    method_id: str | None = None,
    time_zone: str | None = None,
) -> Meeting:
    """Plan the group's next meeting and give every member their preparation tasks, due in
    the wall-clock time of ``time_zone`` (the zone it was planned in; default the
    workspace's)."""
    at = as_utc(at)
    if at < ctx.clock.now():
        raise NotPossibleNow("meeting.in_the_past")
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
        rules.require_same_workspace(actor, group)
        rules.require_planner(actor, group)
        method = ctx.methods.get(method_id or group.method_id)
        zone = time_zone or uow.workspaces.get(group.workspace_id).time_zone
        meeting = plan_meeting(uow, group, method, at=at, zone=zone, now=ctx.clock.now())
        rotas.fill(uow, group)
        _calendars_later(ctx, uow, group)
        uow.commit()
        return meeting


def plan_meeting(
    uow: UnitOfWork,
    group: Group,
    method: Method,
    *,
    at: datetime,
    zone: str,
    now: datetime,
    trajectory_id: int | None = None,
    also: tuple[TaskKind, ...] = (),
) -> Meeting:
    """Add a planned meeting of ``group`` at ``at`` (UTC) and every member's preparation
    tasks (``EVERY_MEETING``, and the kinds ``also`` names: a trajectory's intake or final
    evaluation), due in the wall-clock time of ``zone``, and their reminders; not
    committed."""
    assert group.id is not None
    meeting = uow.meetings.add(
        Meeting.schedule(
            group_id=group.id,
            sequence=uow.meetings.next_sequence(group.id),
            method=method,
            at=at,
            time_zone=zone,
            trajectory_id=trajectory_id,
        )
    )
    assert meeting.id is not None
    kinds = [k for k in (*EVERY_MEETING, *also) if group.due_offset(k) is not None]
    tasks = [
        PreparationTask.for_meeting(
            meeting_id=meeting.id,
            person=person,
            kind=kind,
            meeting_at=at,
            zone=zone,
            offset=group.due_offset(kind),
        )
        for person in group.members
        for kind in kinds
    ]
    for task in tasks:
        uow.tasks.add(task)
    reminders.queue(uow, group, meeting, tasks, now=now)
    return meeting


def reschedule_meeting(
    ctx: Context, *, actor: Actor, meeting_id: int, at: datetime, time_zone: str | None = None
) -> Meeting:
    """Move a planned meeting; its tasks move with it, in the wall-clock time of the zone it
    is now planned in."""
    at = as_utc(at)
    if at < ctx.clock.now():
        raise NotPossibleNow("meeting.in_the_past")

    def step(uow: UnitOfWork, meeting: Meeting) -> None:
        meeting.reschedule(at, time_zone=time_zone)
        group = uow.groups.get(meeting.group_id)
        zone = meeting.time_zone or uow.workspaces.get(group.workspace_id).time_zone
        tasks = uow.tasks.for_meeting(meeting_id)
        for task in tasks:
            task.follow_meeting(at, zone)
            uow.tasks.save(task)
        # The reminders queued before remind of the old times: they are dropped when due.
        reminders.queue(uow, group, meeting, tasks, now=ctx.clock.now())
        _calendars_later(ctx, uow, group)

    return _plan(ctx, actor, meeting_id, step)


def cancel_meeting(ctx: Context, *, actor: Actor, meeting_id: int) -> Meeting:
    def step(uow: UnitOfWork, meeting: Meeting) -> None:
        meeting.cancel(ctx.clock.now())
        _release_case(uow, meeting)
        for task in uow.tasks.for_meeting(meeting_id):
            task.call_off()
            uow.tasks.save(task)
        _calendars_later(ctx, uow, uow.groups.get(meeting.group_id))

    return _plan(ctx, actor, meeting_id, step)


@dataclass(frozen=True)
class Started:
    meeting: Meeting
    already_running: bool
    posting_again: bool = False
    """Already running, and its messages, refused by the platform before (the channel was
    closed to the app), are being posted again."""


def start_meeting(ctx: Context, *, actor: Actor, group_id: int) -> Started:
    """Start the group's meeting now: the scheduled one, or a new live one. When one is
    already running, say so and change nothing, except that what the platform refused to
    post of it is tried again (the app may have been added to the channel since)."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
        rules.require_same_workspace(actor, group)
        rules.require_involved(actor, group)
        meeting = uow.meetings.current(group_id)
        if meeting is not None and meeting.state is not MeetingState.PLANNED:
            assert meeting.id is not None
            again = uow.outbox.requeue_sequence(notify.sequence_of(meeting.id), now=now)
            uow.commit()
            return Started(meeting=meeting, already_running=True, posting_again=again > 0)
        if meeting is not None and meeting.id is not None:
            # What an earlier start left, refused by the platform, belongs to that start.
            uow.outbox.discard_parked(notify.sequence_of(meeting.id))
        if meeting is None:
            meeting = uow.meetings.add(
                Meeting.schedule(
                    group_id=group_id,
                    sequence=uow.meetings.next_sequence(group_id),
                    method=ctx.methods.get(group.method_id),
                    at=now,
                )
            )
        chair = (
            meeting.chair_turn
            or group.chair_for(meeting.sequence)
            or (actor.person if group.is_member(actor.person) else None)
        )
        meeting.start(
            participants=list(group.members),
            chair=chair,
            method=ctx.methods.get(meeting.method_id),
            now=now,
            by=actor.person or None,
            phase_days=(group.async_days or 0) if group.mode is Mode.ASYNC else None,
        )
        save_meeting(uow, meeting)
        return Started(meeting=meeting, already_running=False)


def deadline_passed(ctx: Context, *, meeting_id: int, position: str) -> datetime | None:
    """An async phase's deadline came (the system, from the outbox): the phase at
    ``position`` moves on, or, in a group that waits for its chair, the chair is told.
    Returns when to look again if the deadline moved later since (an extension, a pause),
    else None."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        meeting = uow.meetings.get(meeting_id, for_update=True)
        group = uow.groups.get(meeting.group_id)
        current = meeting.current_round
        if meeting.position == position and current is not None and current.deadline > now:
            return current.deadline
        if meeting.deadline_passed(now=now, position=position, move_on=not group.async_waits):
            if meeting.state is MeetingState.EVALUATED:
                _case_discussed(uow, meeting)
            save_meeting(uow, meeting)
        return None


def skip_absent(
    ctx: Context, *, meeting_id: int, present: set[PersonRef] | None, gone: set[PersonRef]
) -> Meeting:
    """What the platform said when the meeting started (the system, after asking it): who
    is in the group's channel (``present``; None: it will not say) and whose account is
    gone (``gone``). Members not there are skipped in the meeting's turn orders, and the
    facilitator is told privately (``Meeting.skip_absent``)."""
    with ctx.uow() as uow:
        meeting = uow.meetings.get(meeting_id, for_update=True)
        left = set() if present is None else set(meeting.participants) - present
        meeting.skip_absent(left=left, gone=gone)
        save_meeting(uow, meeting)
        return meeting


def choose_case(ctx: Context, *, actor: Actor, meeting_id: int, case_id: int) -> Meeting:
    with ctx.uow() as uow:
        group, meeting = load_meeting(uow, actor, meeting_id)
        rules.require_lead(actor, group, meeting)
        case = uow.cases.get(case_id)
        if case.group_id != group.id:
            raise NotAllowed("case.other_group")
        if not group.is_member(case.owner):
            raise NotAllowed("meeting.case_owner_not_member")
        planned = meeting.state is MeetingState.PLANNED
        meeting.choose_case(case_id=case_id, owner=case.owner)
        case.choose(meeting_id)
        uow.cases.save(case)
        if planned:  # chosen before the meeting: the others read it beforehand
            _read_case_tasks(uow, group, meeting, ctx.clock.now())
            _calendars_later(ctx, uow, group)
        save_meeting(uow, meeting)
        return meeting


def advance_phase(
    ctx: Context, *, actor: Actor, meeting_id: int, expected_position: str | None = None
) -> Meeting:
    """Move to the next phase. ``expected_position`` comes from the button pressed, so
    that a double click, or two people clicking at once, moves the meeting once."""

    def step(uow: UnitOfWork, meeting: Meeting) -> None:
        meeting.advance(now=ctx.clock.now(), expected_position=expected_position)
        if meeting.state is MeetingState.EVALUATED:
            _case_discussed(uow, meeting)

    return _lead(ctx, actor, meeting_id, step)


def extend_phase(ctx: Context, *, actor: Actor, meeting_id: int, minutes: int = 5) -> Meeting:
    return _lead(ctx, actor, meeting_id, lambda uow, meeting: meeting.extend(minutes=minutes))


def pause_meeting(ctx: Context, *, actor: Actor, meeting_id: int) -> Meeting:
    """Pause the clock and the contributions, or resume them when paused."""

    def step(uow: UnitOfWork, meeting: Meeting) -> None:
        if meeting.paused_at is None:
            meeting.pause(now=ctx.clock.now())
        else:
            meeting.resume(now=ctx.clock.now())

    return _lead(ctx, actor, meeting_id, step)


def close_meeting(ctx: Context, *, actor: Actor, meeting_id: int) -> Meeting:
    """End the meeting now; phases not held are recorded as skipped."""

    def step(uow: UnitOfWork, meeting: Meeting) -> None:
        meeting.close(now=ctx.clock.now())
        _case_discussed(uow, meeting)

    return _lead(ctx, actor, meeting_id, step)


def publish_report(ctx: Context, *, actor: Actor, meeting_id: int) -> Meeting:
    """The facilitator or chair approves the report: it goes to the group's channel, and
    the aggregates (never content) to the managers' channel."""
    return _lead(ctx, actor, meeting_id, lambda uow, meeting: meeting.mark_reported())


Step = Callable[[UnitOfWork, Meeting], None]
Rule = Callable[[Actor, Group, Meeting], None]


def _plan(ctx: Context, actor: Actor, meeting_id: int, step: Step) -> Meeting:
    """A change of plan (move, call off): for whoever may plan (``rules.require_planner``)."""
    return _change(ctx, actor, meeting_id, step, rules.require_planner)


def _lead(ctx: Context, actor: Actor, meeting_id: int, step: Step) -> Meeting:
    """A step only the facilitator or chair may take (``rules.require_lead``)."""
    return _change(ctx, actor, meeting_id, step, rules.require_lead)


def _change(ctx: Context, actor: Actor, meeting_id: int, step: Step, rule: Rule) -> Meeting:
    """Load, check ``rule``, change, save, notify."""
    with ctx.uow() as uow:
        group, meeting = load_meeting(uow, actor, meeting_id)
        rule(actor, group, meeting)
        step(uow, meeting)
        save_meeting(uow, meeting)
        return meeting


def _calendars_later(ctx: Context, uow: UnitOfWork, group: Group) -> None:
    """The group's people's own calendars follow (where they are written to)."""
    calendars.write_later(
        ctx, uow, workspace_id=group.workspace_id, people=calendars.attendees(group)
    )


def _read_case_tasks(uow: UnitOfWork, group: Group, meeting: Meeting, now: datetime) -> None:
    """A ``READ_CASE`` task for every member but the case owner who has none yet."""
    assert meeting.id is not None
    zone = meeting.time_zone or uow.workspaces.get(group.workspace_id).time_zone
    have = {t.person for t in uow.tasks.for_meeting(meeting.id) if t.kind is TaskKind.READ_CASE}
    offset = group.due_offset(TaskKind.READ_CASE)
    if offset is None:
        return
    tasks = [
        PreparationTask.for_meeting(
            meeting_id=meeting.id,
            person=person,
            kind=TaskKind.READ_CASE,
            meeting_at=meeting.scheduled_at,
            zone=zone,
            offset=offset,
        )
        for person in group.members
        if person != meeting.case_owner and person not in have
    ]
    for task in tasks:
        uow.tasks.add(task)
    reminders.queue(uow, group, meeting, tasks, now=now, meeting_too=False)


def _case_discussed(uow: UnitOfWork, meeting: Meeting) -> None:
    if meeting.case_id is None:
        return
    case = uow.cases.get(meeting.case_id)
    if case.status is CaseStatus.CHOSEN:
        case.mark_discussed()
        uow.cases.save(case)


def _release_case(uow: UnitOfWork, meeting: Meeting) -> None:
    if meeting.case_id is None:
        return
    case = uow.cases.get(meeting.case_id)
    if case.status is CaseStatus.CHOSEN:
        case.park()
        uow.cases.save(case)
