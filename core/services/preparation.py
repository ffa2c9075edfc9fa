"""Services around the meetings: cases, learning goals, preparation tasks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from core.domain.case import Case
from core.domain.common import PersonRef
from core.domain.errors import InvalidInput, NotAllowed
from core.domain.goals import MAX_GOALS_PER_PERSON, Criterion, LearningGoal
from core.domain.tasks import PreparationTask, TaskKind, TaskStatus
from core.services import calendars, rules
from core.services.context import Actor, Context
from core.services.ports import UnitOfWork


def submit_case(
    ctx: Context,
    *,
    actor: Actor,
    group_id: int,
    title: str,
    help_question: str,
    description: str = "",
    consent_to_report: bool = False,
) -> Case:
    now = ctx.clock.now()
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
        rules.require_same_workspace(actor, group)
        rules.require_member(actor, group)
        case = uow.cases.add(
            Case.submit(
                group_id=group_id,
                owner=actor.person,
                title=title,
                help_question=help_question,
                description=description,
                consent_to_report=consent_to_report,
                now=now,
            )
        )
        meeting = uow.meetings.current(group_id)
        meeting_id = meeting.id if meeting is not None else None
        if meeting_id and done_by_doing(uow, meeting_id, actor.person, TaskKind.BRING_CASE):
            calendars.write_later(ctx, uow, workspace_id=group.workspace_id, people=[actor.person])
        uow.commit()
        return case


def done_by_doing(uow: UnitOfWork, meeting_id: int, person: PersonRef, kind: TaskKind) -> bool:
    """Doing the real thing (bringing a case, rating the meeting) completes the person's
    open task of that kind for the meeting, if they have one (True); not committed."""
    done = False
    for task in uow.tasks.for_meeting(meeting_id):
        if task.person == person and task.kind is kind and task.status is TaskStatus.OPEN:
            task.complete(person)
            uow.tasks.save(task)
            done = True
    return done


def set_learning_goal(
    ctx: Context,
    *,
    actor: Actor,
    group_id: int,
    text: str,
    where_and_when: str = "",
    deadline: date | None = None,
    ticked: list[Criterion] | None = None,
    goal_id: str | None = None,
) -> LearningGoal:
    """Write a new learning goal, or revise one's own (``goal_id``)."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
        rules.require_same_workspace(actor, group)
        rules.require_member(actor, group)
        if goal_id is None:
            mine = uow.goals.for_person(actor.workspace_id, actor.person, group_id)
            if len(mine) >= MAX_GOALS_PER_PERSON:
                raise InvalidInput("goal.too_many", limit=MAX_GOALS_PER_PERSON)
            goal = LearningGoal.write(
                group_id=group_id,
                person=actor.person,
                text=text,
                where_and_when=where_and_when,
                deadline=deadline,
                ticked=ticked or [],
                now=now,
            )
            uow.goals.add(goal)
        else:
            goal = uow.goals.get(goal_id)
            if goal.group_id != group_id:
                raise NotAllowed("goal.only_owner_edits")
            goal.revise(
                editor=actor.person,
                text=text,
                where_and_when=where_and_when,
                deadline=deadline,
                ticked=ticked or [],
                now=now,
            )
            uow.goals.save(goal)
        uow.commit()
        return goal


def complete_task(ctx: Context, *, actor: Actor, task_id: str) -> PreparationTask:
    """Mark one's own open task done (``NotAllowed`` for another's, ``NotPossibleNow`` when
    it is no longer open)."""
    return _close_task(ctx, actor, task_id, PreparationTask.complete)


def skip_task(ctx: Context, *, actor: Actor, task_id: str) -> PreparationTask:
    """Skip one's own open task: no reminder for it, shown as skipped."""
    return _close_task(ctx, actor, task_id, PreparationTask.skip)


def _close_task(
    ctx: Context, actor: Actor, task_id: str, close: Callable[[PreparationTask, str], None]
) -> PreparationTask:
    with ctx.uow() as uow:
        task = uow.tasks.get(task_id)
        group = uow.groups.get(uow.meetings.get(task.meeting_id).group_id)
        rules.require_same_workspace(actor, group)  # the same person ref elsewhere is not them
        close(task, actor.person)
        uow.tasks.save(task)
        calendars.write_later(ctx, uow, workspace_id=group.workspace_id, people=[task.person])
        uow.commit()
        return task
