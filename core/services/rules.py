"""Who may do what. Every authorisation decision of the product is made here."""

from __future__ import annotations

from core.domain.errors import NotAllowed
from core.domain.group import Group
from core.domain.meeting import Meeting
from core.domain.workspace import Workspace
from core.services.context import Actor


def require_manager(actor: Actor, workspace: Workspace) -> None:
    """Managers (named by the admin) add intervision groups."""
    if not (actor.is_admin or workspace.is_manager(actor.person)):
        raise NotAllowed("rule.only_managers_create_groups")


def require_group_manager(actor: Actor, group: Group) -> None:
    if not (actor.is_admin or actor.person in group.managers):
        raise NotAllowed("rule.only_group_managers")


def require_planner(actor: Actor, group: Group, meeting: Meeting | None = None) -> None:
    """Meetings are planned, moved and called off by the facilitator or one of the group's
    managers (they sponsor it; planning shows them no case), by whoever may lead the
    meeting (``may_lead``), or by an admin."""
    if actor.is_admin or actor.person in group.managers or may_lead(actor, group, meeting):
        return
    raise NotAllowed("rule.only_facilitator_or_manager")


def may_lead(actor: Actor, group: Group, meeting: Meeting | None = None) -> bool:
    """The facilitator or the meeting's chair paces a meeting. Without a facilitator and
    without a chair yet, any member may lead (a self-steering group)."""
    person = actor.person
    if person == group.facilitator:
        return True
    if meeting is not None and meeting.chair is not None:
        return person == meeting.chair
    return group.is_member(person) and (group.facilitator is None or group.rotating_chair)


def require_lead(actor: Actor, group: Group, meeting: Meeting | None = None) -> None:
    if not may_lead(actor, group, meeting):
        raise NotAllowed("rule.only_facilitator_or_chair")


def require_accepts_channel(actor: Actor, group: Group) -> None:
    """Only the facilitator (or, in a group without one, whoever may lead it) accepts a
    channel that holds others than the group."""
    if group.facilitator is not None and actor.person != group.facilitator:
        raise NotAllowed("rule.only_facilitator")
    if group.facilitator is None and not may_lead(actor, group):
        raise NotAllowed("rule.only_facilitator_or_chair")


def sees_group_content(actor: Actor, group: Group) -> bool:
    """Members and the facilitator see cases and contributions; nobody else ever does."""
    return actor.workspace_id == group.workspace_id and group.is_involved(actor.person)


def report_for(actor: Actor, group: Group) -> str:
    """What a person's "report" shows: ``meeting`` (the last meeting's report, for members
    and the facilitator) or ``health`` (numbers only, for the group's managers)."""
    if sees_group_content(actor, group):
        return "meeting"
    if actor.workspace_id == group.workspace_id and actor.person in group.managers:
        return "health"
    raise NotAllowed("rule.only_group_members")


def require_involved(actor: Actor, group: Group) -> None:
    """Members and the facilitator; managers never read case or contribution text."""
    if not group.is_involved(actor.person):
        raise NotAllowed("rule.only_group_members")


def require_calendar_reader(actor: Actor, group: Group | None, person: str | None) -> None:
    """A person's calendar feed is theirs alone (or an admin's to hand out); a group's is
    its members', facilitator's and managers' (times and method only: no case)."""
    if actor.is_admin:
        return
    if group is None:
        if actor.person != person:
            raise NotAllowed("rule.only_own_calendar")
        return
    if not (group.is_involved(actor.person) or actor.person in group.managers):
        raise NotAllowed("rule.only_group_members")


def require_member(actor: Actor, group: Group) -> None:
    if not group.is_member(actor.person):
        raise NotAllowed("rule.only_group_members")


def require_same_workspace(actor: Actor, group: Group) -> None:
    if actor.workspace_id != group.workspace_id:
        raise NotAllowed("rule.other_workspace")
