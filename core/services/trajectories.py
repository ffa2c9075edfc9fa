"""Planning a group's trajectory: its series of meetings, each with its preparation tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.domain.meeting import Meeting
from core.domain.tasks import TaskKind
from core.domain.trajectory import Trajectory
from core.services import calendars, rotas, rules
from core.services.context import Actor, Context
from core.services.meetings import plan_meeting


def _bookends(number: int, count: int) -> tuple[TaskKind, ...]:
    """The intake comes with the first meeting, the final evaluation with the last."""
    return ((TaskKind.INTAKE,) if number == 0 else ()) + (
        (TaskKind.FINAL_EVALUATION,) if number == count - 1 else ()
    )


@dataclass(frozen=True)
class Planned:
    trajectory: Trajectory
    meetings: list[Meeting]


def plan_trajectory(
    ctx: Context,
    *,
    actor: Actor,
    group_id: int,
    first: datetime,
    time_zone: str,
    rule: str,
    count: int | None = None,
    until: date | None = None,
    method_id: str | None = None,
) -> Planned:
    """Plan every meeting of the trajectory at once, from ``first`` (local wall-clock time
    in ``time_zone``, naive) by ``rule`` (an RRULE) for ``count`` meetings or until
    ``until``; each meeting with its members' preparation tasks, due in that zone's
    wall-clock time. All or nothing: one meeting that cannot be (a local time the clocks
    skip or show twice, see ``Trajectory.plan``) plans none. Only the facilitator, a
    manager of the group, or (without a facilitator) a member plans."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
        rules.require_same_workspace(actor, group)
        rules.require_planner(actor, group)
        method = ctx.methods.get(method_id or group.method_id)
        trajectory = uow.trajectories.add(
            Trajectory.plan(
                group_id=group_id,
                first=first,
                time_zone=time_zone,
                rule=rule,
                count=count,
                until=until,
                method_id=method.id,
                now=now,
            )
        )
        times = trajectory.meetings()
        meetings = [
            plan_meeting(
                uow,
                group,
                method,
                at=at,
                zone=time_zone,
                now=now,
                trajectory_id=trajectory.id,
                also=_bookends(number, len(times)),
            )
            for number, at in enumerate(times)
        ]
        rotas.fill(uow, group)
        calendars.write_later(
            ctx, uow, workspace_id=group.workspace_id, people=calendars.attendees(group)
        )
        uow.commit()
        return Planned(trajectory=trajectory, meetings=meetings)
