"""Read-side services: what a screen needs, with the privacy rules applied."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.domain.case import Case, CaseStatus
from core.domain.common import ChannelRef, PersonRef
from core.domain.errors import NotAllowed
from core.domain.goals import LearningGoal
from core.domain.group import Group
from core.domain.meeting import Meeting, MeetingState
from core.domain.method import ContributionKind, Localised, Method
from core.domain.tasks import PreparationTask
from core.domain.workspace import Workspace
from core.services import rules
from core.services.context import Actor, Context


@dataclass(frozen=True)
class MeetingSnapshot:
    """A meeting with what its screens show. Only ever built for the group's own eyes."""

    workspace: Workspace
    group: Group
    meeting: Meeting
    method: Method
    case: Case | None
    open_cases: list[Case] = field(default_factory=list)


def meeting_snapshot(ctx: Context, *, meeting_id: int, viewer: Actor | None) -> MeetingSnapshot:
    """``viewer`` None is the group's own channel (delivery of a notification)."""
    with ctx.uow() as uow:
        meeting = uow.meetings.get(meeting_id)
        group = uow.groups.get(meeting.group_id)
        if viewer is not None:
            rules.require_same_workspace(viewer, group)
            rules.require_involved(viewer, group)
        case = uow.cases.get(meeting.case_id) if meeting.case_id is not None else None
        open_cases = (
            uow.cases.for_group(group.id or 0, (CaseStatus.SUBMITTED, CaseStatus.PARKED))
            if meeting.state in (MeetingState.PLANNED, MeetingState.OPEN_FOR_CASES)
            else []
        )
        return MeetingSnapshot(
            workspace=uow.workspaces.get(group.workspace_id),
            group=group,
            meeting=meeting,
            method=_method_of(ctx, meeting),
            case=case,
            open_cases=open_cases,
        )


def _method_of(ctx: Context, meeting: Meeting) -> Method:
    if meeting.method_id in ctx.methods:
        return ctx.methods.get(meeting.method_id)
    # A custom method removed since: the meeting still carries its phases.

    name = Localised(nl=meeting.method_id, en=meeting.method_id)
    phases = tuple(p for p in meeting.phases if p.id not in ("takeaway", "evaluation"))
    return Method(
        id=meeting.method_id, name=name, summary=name, source="-", min_group_size=2, phases=phases
    )


def current_meeting_in(ctx: Context, *, actor: Actor, channel: ChannelRef) -> Meeting | None:
    with ctx.uow() as uow:
        group = uow.groups.by_channel(actor.workspace_id, channel)
        if group is None:
            return None
        return uow.meetings.current(group.id or 0)


@dataclass(frozen=True)
class Overview:
    """A person's own page: their groups, next meetings, open tasks, learning goals."""

    person: PersonRef
    groups: list[Group]
    next_meetings: dict[int, Meeting]
    tasks: list[PreparationTask]
    goals: list[LearningGoal]
    managed: list[Group]


def overview(ctx: Context, *, actor: Actor) -> Overview:
    with ctx.uow() as uow:
        groups = uow.groups.for_person(actor.workspace_id, actor.person)
        involved = [g for g in groups if g.is_involved(actor.person)]
        managed = [g for g in groups if actor.person in g.managers]
        next_meetings = {}
        for group in involved:
            meeting = uow.meetings.current(group.id or 0)
            if meeting is not None:
                next_meetings[group.id or 0] = meeting
        return Overview(
            person=actor.person,
            groups=involved,
            next_meetings=next_meetings,
            tasks=uow.tasks.for_person(actor.person),
            goals=uow.goals.for_person(actor.person),
            managed=managed,
        )


@dataclass(frozen=True)
class GroupHealth:
    """What a manager may know of a group: numbers, never content."""

    group_name: str
    members: int
    meetings_held: int
    meetings_planned: int
    attendance_percent: int | None
    average_rating: float | None
    members_with_goals: int


def group_health(ctx: Context, *, actor: Actor | None, group_id: int) -> GroupHealth:
    """``actor`` None is the system (posting to the managers' channel)."""
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
        if actor is not None:
            rules.require_same_workspace(actor, group)
            if not (
                actor.is_admin or actor.person in group.managers or group.is_involved(actor.person)
            ):
                raise NotAllowed("rule.only_group_managers")
        meetings = uow.meetings.for_group(group_id)
        held = [m for m in meetings if m.state in (MeetingState.EVALUATED, MeetingState.REPORTED)]
        planned = [m for m in meetings if m.state is MeetingState.PLANNED]
        present = expected = 0
        scores: list[int] = []
        for meeting in held:
            expected += len(meeting.participants)
            present += len({c.author for c in meeting.contributions} & set(meeting.participants))
            scores += [
                c.score
                for c in meeting.contributions
                if c.kind is ContributionKind.RATING and c.score
            ]
        with_goals = sum(1 for person in group.members if uow.goals.for_person(person, group_id))
        return GroupHealth(
            group_name=group.name,
            members=len(group.members),
            meetings_held=len(held),
            meetings_planned=len(planned),
            attendance_percent=round(100 * present / expected) if expected else None,
            average_rating=round(sum(scores) / len(scores), 1) if scores else None,
            members_with_goals=with_goals,
        )
