"""Read-side services: what a screen needs, with the privacy rules applied."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.domain.case import Case, CaseStatus
from core.domain.common import ChannelRef, Locale, PersonRef
from core.domain.errors import NotAllowed, NotFound
from core.domain.goals import LearningGoal
from core.domain.group import Group
from core.domain.meeting import Meeting, MeetingState
from core.domain.method import Localised, Method
from core.domain.tasks import PreparationTask
from core.domain.workspace import Workspace
from core.services import rules
from core.services.context import Actor, Context
from core.services.ports import MeetingFigures, MeetingPost, UnitOfWork


@dataclass(frozen=True)
class MeetingSnapshot:
    """A meeting with what its screens show. Only ever built for the group's own eyes."""

    workspace: Workspace
    group: Group
    meeting: Meeting
    method: Method
    case: Case | None
    open_cases: list[Case] = field(default_factory=list)
    previous: Meeting | None = None
    """The group's meeting held before, when asked for (its case owner's first step)."""


def meeting_snapshot(
    ctx: Context, *, meeting_id: int, viewer: Actor | None, previous_id: int | None = None
) -> MeetingSnapshot:
    """``viewer`` None is the group's own channel (delivery of a notification);
    ``previous_id``: an earlier meeting of the same group to show with it."""
    with ctx.uow() as uow:
        meeting = uow.meetings.get(meeting_id)
        group = uow.groups.get(meeting.group_id)
        previous = uow.meetings.get(previous_id) if previous_id is not None else None
        if previous is not None and previous.group_id != meeting.group_id:
            raise NotFound("meeting.not_found")
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
            previous=previous,
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
class Defaults:
    locale: Locale
    time_zone: str


def defaults_at(ctx: Context, *, actor: Actor, channel: ChannelRef | None) -> Defaults:
    """The language and time zone to use where a person did not say theirs: the channel's
    group's language, else the workspace's; the workspace's time zone."""
    with ctx.uow() as uow:
        workspace = uow.workspaces.get(actor.workspace_id)
        group = uow.groups.by_channel(actor.workspace_id, channel) if channel else None
    return Defaults(
        locale=group.locale if group is not None else workspace.locale,
        time_zone=workspace.time_zone,
    )


def workspace_settings(ctx: Context, *, workspace_id: int) -> Workspace:
    with ctx.uow() as uow:
        return uow.workspaces.get(workspace_id)


def group_settings(ctx: Context, *, group_id: int) -> Group:
    """A group's settings, for delivering to it (the system, never a person)."""
    with ctx.uow() as uow:
        return uow.groups.get(group_id)


def meeting_post(ctx: Context, *, meeting_id: int) -> MeetingPost | None:
    """Where the meeting's message is on its platform (``ref`` None while being posted)."""
    with ctx.uow() as uow:
        return uow.posts.get(meeting_id)


def meeting_of_thread(
    ctx: Context, *, actor: Actor, channel: ChannelRef | None, message: str | None
) -> int | None:
    """The meeting whose message is the root of this thread, if any."""
    if channel is None or message is None:
        return None
    with ctx.uow() as uow:
        post = uow.posts.find(channel, message)
    return post.meeting_id if post is not None else None


def meeting_at(
    ctx: Context, *, actor: Actor, channel: ChannelRef | None, message: str | None
) -> int | None:
    """The meeting whose message (or thread) ``message`` is in ``channel``, else the
    channel's group's current meeting, else None."""
    if channel is None:
        return None
    with ctx.uow() as uow:
        if message is not None:
            post = uow.posts.find(channel, message)
            if post is not None:
                return post.meeting_id
        group = uow.groups.by_channel(actor.workspace_id, channel)
        meeting = uow.meetings.current(group.id or 0) if group is not None else None
        return meeting.id if meeting is not None else None


def group_at(ctx: Context, *, actor: Actor, channel: ChannelRef) -> Group | None:
    """The group whose home is ``channel`` in the actor's workspace, if any."""
    with ctx.uow() as uow:
        return uow.groups.by_channel(actor.workspace_id, channel)


def latest_meeting_in(ctx: Context, *, actor: Actor, channel: ChannelRef) -> int | None:
    """The channel's group's current meeting, else its most recent one, else None."""
    with ctx.uow() as uow:
        group = uow.groups.by_channel(actor.workspace_id, channel)
        if group is None:
            return None
        current = uow.meetings.current(group.id or 0)
        if current is not None:
            return current.id
        held = uow.meetings.for_group(group.id or 0)
        return held[-1].id if held else None


def meeting_for(ctx: Context, *, actor: Actor, meeting_id: int) -> Meeting:
    """A meeting, for its group's members and facilitator only."""
    with ctx.uow() as uow:
        meeting = uow.meetings.get(meeting_id)
        group = uow.groups.get(meeting.group_id)
        rules.require_same_workspace(actor, group)
        rules.require_involved(actor, group)
        return meeting


def group_of_meeting(ctx: Context, *, actor: Actor, meeting_id: int) -> int:
    with ctx.uow() as uow:
        group = uow.groups.get(uow.meetings.get(meeting_id).group_id)
        rules.require_same_workspace(actor, group)
        return group.id or 0


def planned_meeting(ctx: Context, *, group_id: int) -> int | None:
    """The group's next planned meeting, if its current one is planned (not running)."""
    with ctx.uow() as uow:
        meeting = uow.meetings.current(group_id)
        return meeting.id if meeting and meeting.state is MeetingState.PLANNED else None


def groups_of(ctx: Context, *, actor: Actor) -> list[Group]:
    """The person's groups: where they take part first, then those they manage."""
    with ctx.uow() as uow:
        found = uow.groups.for_person(actor.workspace_id, actor.person)
    involved = [g for g in found if g.is_involved(actor.person)]
    return involved + [g for g in found if g not in involved]


def group_for(ctx: Context, *, actor: Actor, group_id: int) -> Group:
    """A group, for the people it concerns: its members, facilitator and managers."""
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
    rules.require_same_workspace(actor, group)
    if not group.roles_of(actor.person):
        raise NotAllowed("rule.only_group_members")
    return group


def goal_for(ctx: Context, *, actor: Actor, goal_id: str) -> LearningGoal:
    """A learning goal, for its owner only."""
    with ctx.uow() as uow:
        goal = uow.goals.get(goal_id)
        group = uow.groups.get(goal.group_id)
    rules.require_same_workspace(actor, group)
    if goal.person != actor.person:
        raise NotAllowed("goal.only_owner_edits")
    return goal


def latest_goal(ctx: Context, *, actor: Actor, group_id: int) -> LearningGoal | None:
    """The person's own most recent learning goal in the group."""
    with ctx.uow() as uow:
        mine = uow.goals.for_person(actor.workspace_id, actor.person, group_id)
    return mine[-1] if mine else None


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
        next_meetings = uow.meetings.current_of([g.id for g in involved if g.id is not None])
        return Overview(
            person=actor.person,
            groups=involved,
            next_meetings=next_meetings,
            tasks=uow.tasks.for_person(actor.workspace_id, actor.person),
            goals=uow.goals.for_person(actor.workspace_id, actor.person),
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
        [health] = _health(uow, [group])
        return health


def health_of_managed(ctx: Context, *, actor: Actor, groups: list[Group]) -> list[GroupHealth]:
    """The health of each group ``actor`` manages among ``groups`` (as loaded for their
    page), in a constant number of queries however many groups they manage."""
    managed = [
        g for g in groups if actor.person in g.managers and g.workspace_id == actor.workspace_id
    ]
    with ctx.uow() as uow:
        return _health(uow, managed)


def _health(uow: UnitOfWork, groups: list[Group]) -> list[GroupHealth]:
    ids = [g.id for g in groups if g.id is not None]
    figures = uow.meetings.figures_of(ids)
    with_goals = uow.goals.people_with_goals(ids)
    healths = []
    for group in groups:
        numbers = figures.get(group.id or 0, MeetingFigures())
        goals = with_goals.get(group.id or 0, set())
        healths.append(
            GroupHealth(
                group_name=group.name,
                members=len(group.members),
                meetings_held=numbers.held,
                meetings_planned=numbers.planned,
                attendance_percent=(
                    round(100 * numbers.present / numbers.expected) if numbers.expected else None
                ),
                average_rating=(
                    round(numbers.score_sum / numbers.score_count, 1)
                    if numbers.score_count
                    else None
                ),
                members_with_goals=sum(1 for person in group.members if person in goals),
            )
        )
    return healths
