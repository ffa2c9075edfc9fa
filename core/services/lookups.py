"""Small read-side checks chat adapters ask before opening a form or a screen, so that a
person who may not do something hears why at once (the rules stay in ``rules.py``)."""

from __future__ import annotations

from core.domain.meeting import MeetingState
from core.services import rules
from core.services.context import Actor, Context


def require_may_create_groups(ctx: Context, *, actor: Actor) -> None:
    """Raises ``NotAllowed`` unless the actor may add groups (the same rule as
    ``groups.create_group``)."""
    with ctx.uow() as uow:
        rules.require_manager(actor, uow.workspaces.get(actor.workspace_id))


def last_finished_meeting(ctx: Context, *, actor: Actor, group_id: int) -> int | None:
    """The id of the group's most recent evaluated or reported meeting, for its members."""
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
        rules.require_same_workspace(actor, group)
        rules.require_involved(actor, group)
        finished = [
            m
            for m in uow.meetings.for_group(group_id)
            if m.state in (MeetingState.EVALUATED, MeetingState.REPORTED)
        ]
        return finished[-1].id if finished else None


def require_member_of(ctx: Context, *, actor: Actor, group_id: int) -> None:
    """Raises ``NotAllowed`` unless the actor is a member of the group (who brings cases and
    keeps learning goals there)."""
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
    rules.require_same_workspace(actor, group)
    rules.require_member(actor, group)


def require_may_lead(ctx: Context, *, actor: Actor, group_id: int) -> None:
    """Raises ``NotAllowed`` unless the actor may plan and pace the group's meetings."""
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
    rules.require_same_workspace(actor, group)
    rules.require_lead(actor, group)


def require_may_plan(ctx: Context, *, actor: Actor, group_id: int) -> None:
    """Raises ``NotAllowed`` unless the actor may plan the group's trajectory."""
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
    rules.require_same_workspace(actor, group)
    rules.require_planner(actor, group)
