"""Preparation tasks follow the meeting: reading the case comes when it is chosen in
advance, rating the meeting completes its task, calling the meeting off calls its tasks
off (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from core.bootstrap import bootstrap
from core.domain.common import Platform
from core.domain.method import ContributionKind
from core.domain.tasks import EVERY_MEETING, TaskKind, TaskStatus
from core.services import groups, meetings, preparation
from core.services.context import Actor, Context
from tests.support.drive import play_to_the_end
from tests.support.factories import library
from tests.support.fakes import FakeClock

FACILITATOR = "U_FACIL"
MEMBERS = [f"U_M{i}" for i in range(1, 6)]
OWNER = MEMBERS[1]


def _group(engine: Engine) -> tuple[Context, int, int, FakeClock]:
    clock = FakeClock()
    ctx = bootstrap(engine, methods=library(), clock=clock)
    workspace = groups.ensure_workspace(ctx, platform=Platform.SLACK, external_id="T1")
    assert workspace.id is not None
    group = groups.create_group(
        ctx,
        actor=Actor(workspace.id, "", is_admin=True),
        name="Ward 5 peers",
        channel="C_GROUP",
        members=MEMBERS,
        facilitator=FACILITATOR,
        method_id="incident",
    ).group
    assert group.id is not None
    return ctx, workspace.id, group.id, clock


def _tasks(ctx: Context, meeting_id: int, kind: TaskKind) -> dict[str, TaskStatus]:
    with ctx.uow() as uow:
        return {t.person: t.status for t in uow.tasks.for_meeting(meeting_id) if t.kind is kind}


def test_a_case_chosen_in_advance_gives_the_others_a_reading_task(engine: Engine) -> None:
    ctx, ws, group_id, clock = _group(engine)
    lead = Actor(ws, FACILITATOR)
    planned = meetings.schedule_meeting(
        ctx, actor=lead, group_id=group_id, at=clock.now() + timedelta(days=7)
    )
    assert planned.id is not None
    with ctx.uow() as uow:
        kinds = {t.kind for t in uow.tasks.for_meeting(planned.id)}
    assert kinds == set(EVERY_MEETING)  # no reading before there is a case
    case = preparation.submit_case(
        ctx, actor=Actor(ws, OWNER), group_id=group_id, title="Night shift", help_question="?"
    )
    assert _tasks(ctx, planned.id, TaskKind.BRING_CASE)[OWNER] is TaskStatus.DONE
    meetings.choose_case(ctx, actor=lead, meeting_id=planned.id, case_id=case.id or 0)
    reading = _tasks(ctx, planned.id, TaskKind.READ_CASE)
    assert set(reading) == set(MEMBERS) - {OWNER}
    assert set(reading.values()) == {TaskStatus.OPEN}


def test_rating_the_meeting_completes_the_rating_task(engine: Engine) -> None:
    ctx, ws, group_id, clock = _group(engine)
    lead = Actor(ws, FACILITATOR)
    planned = meetings.schedule_meeting(
        ctx, actor=lead, group_id=group_id, at=clock.now() + timedelta(hours=1)
    )
    assert planned.id is not None
    case = preparation.submit_case(
        ctx, actor=Actor(ws, OWNER), group_id=group_id, title="Night shift", help_question="?"
    )
    meetings.start_meeting(ctx, actor=lead, group_id=group_id)
    meetings.choose_case(ctx, actor=lead, meeting_id=planned.id, case_id=case.id or 0)
    play_to_the_end(ctx, workspace_id=ws, meeting_id=planned.id, facilitator=FACILITATOR)
    with ctx.uow() as uow:
        meeting = uow.meetings.get(planned.id)
    raters = {c.author for c in meeting.contributions if c.kind is ContributionKind.RATING}
    rating = _tasks(ctx, planned.id, TaskKind.RATE_MEETING)
    assert raters and {rating[p] for p in raters} == {TaskStatus.DONE}
    assert {rating[p] for p in set(MEMBERS) - raters} <= {TaskStatus.OPEN}


def test_a_meeting_called_off_calls_off_its_open_tasks(engine: Engine) -> None:
    ctx, ws, group_id, clock = _group(engine)
    lead = Actor(ws, FACILITATOR)
    planned = meetings.schedule_meeting(
        ctx, actor=lead, group_id=group_id, at=clock.now() + timedelta(days=7)
    )
    assert planned.id is not None
    preparation.submit_case(
        ctx, actor=Actor(ws, OWNER), group_id=group_id, title="Night shift", help_question="?"
    )
    meetings.cancel_meeting(ctx, actor=lead, meeting_id=planned.id)
    bring = _tasks(ctx, planned.id, TaskKind.BRING_CASE)
    assert bring[OWNER] is TaskStatus.DONE  # what was done stays done
    assert {bring[p] for p in MEMBERS if p != OWNER} == {TaskStatus.CALLED_OFF}
    with ctx.uow() as uow:
        assert uow.tasks.for_person(ws, MEMBERS[0]) == []  # nothing left to do
