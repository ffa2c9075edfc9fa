"""The core services over the real unit of work, on SQLite and PostgreSQL: what the
in-memory fakes promise (ids on add, versions on save, notifications in the outbox
of the same transaction) holds for the database too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from core.bootstrap import bootstrap
from core.domain.case import CaseStatus
from core.domain.common import Platform
from core.domain.errors import NotPossibleNow
from core.domain.meeting import MeetingState
from core.domain.round import RoundStatus
from core.domain.tasks import EVERY_MEETING, TaskKind, TaskStatus
from core.jobs.outbox_worker import Claimed, mark_delivered, pending_count, run_once
from core.methods import MethodLibrary
from core.services import contributions, groups, meetings, preparation
from core.services.context import Actor
from core.services.ports import Notification
from tests.support.drive import play_to_the_end
from tests.support.factories import library
from tests.support.fakes import FakeClock
from tests.support.methods import SAMPLE

FACILITATOR = "U_FACIL"
MEMBERS = [f"U_M{i}" for i in range(1, 6)]


def test_a_meeting_through_the_services(engine: Engine) -> None:
    clock = FakeClock()
    ctx = bootstrap(engine, methods=MethodLibrary([SAMPLE]), clock=clock)
    workspace = groups.ensure_workspace(ctx, platform=Platform.SLACK, external_id="T1")
    assert workspace.id is not None
    assert groups.ensure_workspace(ctx, platform=Platform.SLACK, external_id="T1") == workspace
    admin = Actor(workspace_id=workspace.id, person="", is_admin=True)
    facilitator = Actor(workspace_id=workspace.id, person=FACILITATOR)
    owner = Actor(workspace_id=workspace.id, person="U_M2")

    group = groups.create_group(
        ctx,
        actor=admin,
        name="Ward 5 peers",
        channel="C_GROUP",
        members=MEMBERS,
        facilitator=FACILITATOR,
        managers=["U_MANAGER"],
        method_id=SAMPLE.id,
    ).group
    assert group.id is not None
    planned = meetings.schedule_meeting(
        ctx, actor=facilitator, group_id=group.id, at=clock.now() + timedelta(days=7)
    )
    assert planned.id is not None and planned.version == 0  # added, not saved again

    case = preparation.submit_case(
        ctx, actor=owner, group_id=group.id, title="A night shift", help_question="What now?"
    )
    assert case.id is not None
    started = meetings.start_meeting(ctx, actor=facilitator, group_id=group.id)
    assert started.meeting.id == planned.id
    assert started.meeting.state is MeetingState.OPEN_FOR_CASES
    meetings.choose_case(ctx, actor=facilitator, meeting_id=planned.id, case_id=case.id)
    meetings.advance_phase(
        ctx, actor=facilitator, meeting_id=planned.id, expected_position="case_chosen"
    )
    with pytest.raises(NotPossibleNow):  # the same button pressed twice moves it once
        meetings.advance_phase(
            ctx, actor=facilitator, meeting_id=planned.id, expected_position="case_chosen"
        )
    said = contributions.contribute(
        ctx, actor=owner, meeting_id=planned.id, text="It went wrong at 3 am", source_ref="m1"
    )
    again = contributions.contribute(
        ctx, actor=owner, meeting_id=planned.id, text="It went wrong at 3 am", source_ref="m1"
    )
    assert again.duplicate and again.contribution.id == said.contribution.id
    meetings.close_meeting(ctx, actor=facilitator, meeting_id=planned.id)

    with ctx.uow() as uow:
        meeting = uow.meetings.get(planned.id)
        assert meeting.state is MeetingState.EVALUATED
        assert [c.text for c in meeting.contributions] == ["It went wrong at 3 am"]
        assert uow.cases.get(case.id).status is CaseStatus.DISCUSSED
        bring = [t for t in uow.tasks.for_meeting(planned.id) if t.kind is TaskKind.BRING_CASE]
        assert {t.person: t.status for t in bring}["U_M2"] is TaskStatus.DONE
        assert len(uow.tasks.for_meeting(planned.id)) == len(MEMBERS) * len(EVERY_MEETING)

    clock.tick(days=30)  # past the meeting, so that its reminders are due too
    queued = pending_count(engine)
    assert queued > 0
    delivered: list[Notification] = []

    def handler(item: Claimed) -> None:
        delivered.append(item.notification)
        mark_delivered(engine, item.id, clock.now())

    delivered_count = 0
    while run := run_once(engine, handler, now=clock.now(), limit=1000).delivered:
        delivered_count += run  # a meeting's rows go one at a time, in order
    assert delivered_count == queued
    assert {n.workspace_id for n in delivered} == {workspace.id}


def test_a_whole_incident_meeting_end_to_end(engine: Engine) -> None:
    clock = FakeClock()
    ctx = bootstrap(engine, methods=library(), clock=clock)
    workspace = groups.ensure_workspace(ctx, platform=Platform.TEAMS, external_id="tenant")
    assert workspace.id is not None
    admin = Actor(workspace_id=workspace.id, person="", is_admin=True)
    group = groups.create_group(
        ctx,
        actor=admin,
        name="Team",
        channel="19:x@thread.tacv2",
        members=MEMBERS,
        facilitator=FACILITATOR,
        method_id="incident",
    ).group
    assert group.id is not None
    owner = Actor(workspace_id=workspace.id, person="U_M3")
    case = preparation.submit_case(
        ctx,
        actor=owner,
        group_id=group.id,
        title="Conflict",
        help_question="How do I respond?",
        consent_to_report=True,
    )
    started = meetings.start_meeting(ctx, actor=owner, group_id=group.id)
    meeting_id = started.meeting.id
    assert meeting_id is not None and case.id is not None
    lead = Actor(workspace_id=workspace.id, person=FACILITATOR)
    meetings.choose_case(ctx, actor=lead, meeting_id=meeting_id, case_id=case.id)
    held = play_to_the_end(
        ctx, workspace_id=workspace.id, meeting_id=meeting_id, facilitator=FACILITATOR
    )
    reported = meetings.publish_report(ctx, actor=lead, meeting_id=meeting_id)
    assert reported.state is MeetingState.REPORTED
    with ctx.uow() as uow:
        stored = uow.meetings.get(meeting_id)
    assert held == len(stored.phases) == len(library().get("incident").all_phases)
    assert all(r.status is RoundStatus.COMPLETE for r in stored.rounds)
    assert stored.average_rating() == 4.0
    assert stored.version > 10
