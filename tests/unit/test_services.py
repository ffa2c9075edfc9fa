"""Services on in-memory fakes: authorisation, notifications, idempotency."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.domain.case import CaseStatus
from core.domain.common import Platform
from core.domain.errors import ConcurrentChange, NotAllowed, NotPossibleNow
from core.domain.group import Mode
from core.domain.meeting import MeetingState
from core.domain.method import ContributionKind
from core.methods import MethodLibrary
from core.services import contributions, groups, meetings, preparation, queries
from core.services.context import Actor
from tests.support.factories import FACILITATOR, MANAGER, World, make_world, members
from tests.support.fakes import FakeUnitOfWork
from tests.support.methods import SAMPLE


@pytest.fixture
def world() -> World:
    return make_world(methods=MethodLibrary([SAMPLE]))


def running(world: World, *, mode: Mode = Mode.LIVE) -> tuple[int, int]:
    group = world.group(5, method_id="sample", mode=mode)
    assert group.id is not None
    owner = world.actor("U_M1")
    case = preparation.submit_case(
        world.ctx,
        actor=owner,
        group_id=group.id,
        title="Night shift",
        help_question="How do I say no?",
        consent_to_report=True,
    )
    started = meetings.start_meeting(world.ctx, actor=world.actor("U_M2"), group_id=group.id)
    assert started.meeting.id is not None and case.id is not None
    meetings.choose_case(
        world.ctx, actor=world.actor(FACILITATOR), meeting_id=started.meeting.id, case_id=case.id
    )
    return group.id, started.meeting.id


def test_only_managers_create_groups(world: World) -> None:
    with pytest.raises(NotAllowed) as refused:
        groups.create_group(
            world.ctx,
            actor=world.actor("U_SOMEONE"),
            name="X",
            channel="C9",
            members=members(5),
            method_id="sample",
        )
    assert refused.value.key == "rule.only_managers_create_groups"
    groups.configure_workspace(world.ctx, actor=world.admin, managers=["U_BOSS"])
    created = groups.create_group(
        world.ctx,
        actor=world.actor("U_BOSS"),
        name="X",
        channel="C9",
        members=members(3),
        method_id="sample",
    )
    assert created.warning == "group.warning_small"
    assert created.group.managers == ["U_BOSS"]
    with pytest.raises(NotPossibleNow):
        groups.create_group(
            world.ctx,
            actor=world.actor("U_BOSS"),
            name="Y",
            channel="C9",
            members=members(5),
            method_id="sample",
        )


def test_group_managers_manage_members_and_facilitator(world: World) -> None:
    group = world.group(5, method_id="sample")
    assert group.id is not None
    with pytest.raises(NotAllowed):
        groups.add_member(world.ctx, actor=world.actor("U_M1"), group_id=group.id, person="U_X")
    updated = groups.add_member(
        world.ctx, actor=world.actor(MANAGER), group_id=group.id, person="U_X"
    )
    assert updated.members[-1] == "U_X"
    groups.remove_member(world.ctx, actor=world.actor(MANAGER), group_id=group.id, person="U_M5")
    final = groups.set_facilitator(
        world.ctx, actor=world.actor(MANAGER), group_id=group.id, person="U_NEW"
    )
    assert final.facilitator == "U_NEW" and "U_M5" not in final.members


def test_only_the_facilitator_or_chair_paces(world: World) -> None:
    _, meeting_id = running(world)
    with pytest.raises(NotAllowed):
        meetings.advance_phase(world.ctx, actor=world.actor("U_M3"), meeting_id=meeting_id)
    moved = meetings.advance_phase(world.ctx, actor=world.actor(FACILITATOR), meeting_id=meeting_id)
    assert moved.phase_index == 0


def test_a_manager_never_reads_meeting_content(world: World) -> None:
    group_id, meeting_id = running(world)
    with pytest.raises(NotAllowed):
        queries.meeting_snapshot(world.ctx, meeting_id=meeting_id, viewer=world.actor(MANAGER))
    health = queries.group_health(world.ctx, actor=world.actor(MANAGER), group_id=group_id)
    assert health.members == 5 and health.meetings_held == 0
    assert not hasattr(health, "contributions")


def test_only_members_contribute_and_submit_cases(world: World) -> None:
    group_id, meeting_id = running(world)
    meetings.advance_phase(world.ctx, actor=world.actor(FACILITATOR), meeting_id=meeting_id)
    with pytest.raises(NotAllowed):
        contributions.contribute(
            world.ctx, actor=world.actor(MANAGER), meeting_id=meeting_id, text="Hello"
        )
    with pytest.raises(NotAllowed):
        preparation.submit_case(
            world.ctx, actor=world.actor(MANAGER), group_id=group_id, title="t", help_question="q"
        )


def test_a_redelivered_platform_message_is_added_once(world: World) -> None:
    _, meeting_id = running(world)
    meetings.advance_phase(world.ctx, actor=world.actor(FACILITATOR), meeting_id=meeting_id)
    owner = world.actor("U_M1")
    first = contributions.contribute(
        world.ctx,
        actor=owner,
        meeting_id=meeting_id,
        text="It happened on a Sunday",
        source_ref="1700.1",
    )
    again = contributions.contribute(
        world.ctx,
        actor=owner,
        meeting_id=meeting_id,
        text="It happened on a Sunday",
        source_ref="1700.1",
    )
    assert again.duplicate and again.contribution.id == first.contribution.id
    assert len(world.store.meetings[meeting_id].contributions) == 1
    contributions.edit_contribution(
        world.ctx,
        actor=owner,
        meeting_id=meeting_id,
        source_ref="1700.1",
        text="It happened on a Monday",
    )
    stored = world.store.meetings[meeting_id].contributions[0]
    assert stored.text == "It happened on a Monday" and stored.history[0].text.endswith("Sunday")


def test_advice_in_a_question_round_is_accepted_with_a_private_nudge(world: World) -> None:
    _, meeting_id = running(world)
    lead = world.actor(FACILITATOR)
    meetings.advance_phase(world.ctx, actor=lead, meeting_id=meeting_id)
    meetings.advance_phase(world.ctx, actor=lead, meeting_id=meeting_id)
    asker = world.actor("U_M3")
    result = contributions.contribute(
        world.ctx, actor=asker, meeting_id=meeting_id, text="You should just say no."
    )
    assert result.nudged
    nudges = [n for n in world.store.outbox if n.data.get("view") == "nudge_advice"]
    assert [n.person for n in nudges] == ["U_M3"]
    question = contributions.contribute(
        world.ctx, actor=asker, meeting_id=meeting_id, text="What stops you from saying no?"
    )
    assert not question.nudged


def test_notifications_are_written_with_the_change_and_never_name_who_is_late(world: World) -> None:
    _, meeting_id = running(world)
    world.store.outbox.clear()
    meetings.advance_phase(world.ctx, actor=world.actor(FACILITATOR), meeting_id=meeting_id)
    topics = [(n.topic, n.data.get("view")) for n in world.store.outbox]
    assert ("meeting.card", None) in topics
    assert ("meeting.thread", "phase_opened") in topics
    meetings.advance_phase(world.ctx, actor=world.actor(FACILITATOR), meeting_id=meeting_id)
    public = [n for n in world.store.outbox if n.topic != "person.direct"]
    assert all("missed" not in n.data for n in public)


def test_a_refused_action_writes_no_notification(world: World) -> None:
    _, meeting_id = running(world)
    before = len(world.store.outbox)
    with pytest.raises(NotAllowed):
        meetings.close_meeting(world.ctx, actor=world.actor("U_M4"), meeting_id=meeting_id)
    assert len(world.store.outbox) == before


def test_async_groups_advance_by_themselves_when_everyone_is_done(world: World) -> None:
    _, meeting_id = running(world, mode=Mode.ASYNC)
    meetings.advance_phase(world.ctx, actor=world.actor(FACILITATOR), meeting_id=meeting_id)
    contributions.contribute(
        world.ctx, actor=world.actor("U_M1"), meeting_id=meeting_id, text="This is what happened"
    )
    assert world.store.meetings[meeting_id].phase_index == 1


def test_start_twice_reports_the_running_meeting(world: World) -> None:
    group_id, meeting_id = running(world)
    again = meetings.start_meeting(world.ctx, actor=world.actor("U_M3"), group_id=group_id)
    assert again.already_running and again.meeting.id == meeting_id
    with pytest.raises(NotAllowed):
        meetings.start_meeting(world.ctx, actor=world.actor(MANAGER), group_id=group_id)


def test_scheduling_gives_every_member_their_preparation_tasks(world: World) -> None:
    group = world.group(5, method_id="sample")
    assert group.id is not None
    at = world.clock.now() + timedelta(days=7)
    meeting = meetings.schedule_meeting(
        world.ctx, actor=world.actor(FACILITATOR), group_id=group.id, at=at
    )
    tasks = [t for t in world.store.tasks.values() if t.meeting_id == meeting.id]
    assert len(tasks) == 5 * 4
    later = at + timedelta(days=1)
    meetings.reschedule_meeting(
        world.ctx, actor=world.actor(FACILITATOR), meeting_id=meeting.id or 0, at=later
    )
    assert all(t.due_at == later + t.offset for t in world.store.tasks.values())
    with pytest.raises(NotPossibleNow):
        meetings.schedule_meeting(
            world.ctx,
            actor=world.actor(FACILITATOR),
            group_id=group.id,
            at=world.clock.now() - timedelta(days=1),
        )
    preparation.submit_case(
        world.ctx,
        actor=world.actor("U_M2"),
        group_id=group.id,
        title="A case",
        help_question="How?",
    )
    done = [t for t in world.store.tasks.values() if t.person == "U_M2" and t.status != "open"]
    assert [t.kind.value for t in done] == ["bring_case"]


def test_a_full_meeting_through_the_services(world: World) -> None:
    group_id, meeting_id = running(world)
    lead = world.actor(FACILITATOR)
    ctx = world.ctx

    def step() -> None:
        meetings.advance_phase(ctx, actor=lead, meeting_id=meeting_id)

    step()
    contributions.contribute(
        ctx, actor=world.actor("U_M1"), meeting_id=meeting_id, text="On Sunday night I was alone"
    )
    step()
    for person in ["U_M2", "U_M3", "U_M4", "U_M5"]:
        contributions.contribute(
            ctx,
            actor=world.actor(person),
            meeting_id=meeting_id,
            text="What did you do first?",
            kind=ContributionKind.OPEN_QUESTION,
        )
    step()
    turned = pytest.raises(NotAllowed)
    with turned:
        contributions.contribute(
            ctx, actor=world.actor("U_M1"), meeting_id=meeting_id, text="That is not true"
        )
    contributions.contribute(
        ctx, actor=world.actor("U_M2"), meeting_id=meeting_id, text="She may feel unsupported"
    )
    step()
    for person in ["U_M2", "U_M3"]:
        hidden = contributions.contribute(
            ctx, actor=world.actor(person), meeting_id=meeting_id, text="I would call the team lead"
        )
        assert hidden.hidden
    step()
    contributions.contribute(ctx, actor=lead, meeting_id=meeting_id, text="To sum up")
    step()
    contributions.contribute(
        ctx,
        actor=world.actor("U_M1"),
        meeting_id=meeting_id,
        text="I will ask for a buddy on night shifts",
    )
    step()
    for person, score in [("U_M1", 5), ("U_M2", 4)]:
        contributions.contribute(
            ctx, actor=world.actor(person), meeting_id=meeting_id, text=f"{score}"
        )
    finished = meetings.advance_phase(ctx, actor=lead, meeting_id=meeting_id)
    assert finished.state is MeetingState.EVALUATED
    reported = meetings.publish_report(ctx, actor=lead, meeting_id=meeting_id)
    assert reported.state is MeetingState.REPORTED
    case = next(iter(world.store.cases.values()))
    assert case.status is CaseStatus.DISCUSSED
    health = queries.group_health(ctx, actor=world.actor(MANAGER), group_id=group_id)
    assert health.meetings_held == 1 and health.average_rating == 4.5
    views = {n.data.get("view") for n in world.store.outbox}
    assert {"phase_opened", "revealed", "evaluated", "report", "health"} <= views


def test_two_simultaneous_advances_apply_once(world: World) -> None:
    _, meeting_id = running(world)
    first, second = FakeUnitOfWork(world.store), FakeUnitOfWork(world.store)
    with first, second:
        a, b = first.meetings.get(meeting_id), second.meetings.get(meeting_id)
        a.advance(now=world.clock.now())
        b.advance(now=world.clock.now())
        first.meetings.save(a)
        first.commit()
        with pytest.raises(ConcurrentChange):
            second.meetings.save(b)
    assert world.store.meetings[meeting_id].phase_index == 0
    assert len(world.store.meetings[meeting_id].rounds) == 1


def test_other_workspaces_cannot_touch_a_group(world: World) -> None:
    _, meeting_id = running(world)
    stranger = Actor(workspace_id=999, person=FACILITATOR)
    with pytest.raises(NotAllowed):
        meetings.advance_phase(world.ctx, actor=stranger, meeting_id=meeting_id)


def test_cancelling_before_the_phases_parks_the_chosen_case(world: World) -> None:
    group_id, meeting_id = running(world)
    with pytest.raises(NotAllowed):
        meetings.cancel_meeting(world.ctx, actor=world.actor("U_M3"), meeting_id=meeting_id)
    cancelled = meetings.cancel_meeting(
        world.ctx, actor=world.actor(FACILITATOR), meeting_id=meeting_id
    )
    assert cancelled.state is MeetingState.CANCELLED
    case = next(iter(world.store.cases.values()))
    assert case.status is CaseStatus.PARKED and case.meeting_id is None
    assert ("meeting.thread", "cancelled") in [
        (n.topic, n.data.get("view")) for n in world.store.outbox
    ]
    again = meetings.start_meeting(world.ctx, actor=world.actor("U_M1"), group_id=group_id)
    assert not again.already_running and again.meeting.id != meeting_id


def test_the_same_person_ref_in_another_workspace_sees_nothing_of_this_one(world: World) -> None:
    """Person refs are opaque and only mean something within their workspace."""
    group = world.group(5, method_id="sample")
    assert group.id is not None
    owner = world.actor("U_M1")
    preparation.set_learning_goal(
        world.ctx, actor=owner, group_id=group.id, text="I ask before I advise"
    )
    meetings.schedule_meeting(
        world.ctx,
        actor=world.actor(FACILITATOR),
        group_id=group.id,
        at=world.clock.now() + timedelta(days=7),
    )
    mine = queries.overview(world.ctx, actor=owner)
    assert mine.goals and mine.tasks
    other = groups.ensure_workspace(world.ctx, platform=Platform.SLACK, external_id="T_OTHER")
    namesake = Actor(workspace_id=other.id or 0, person="U_M1")
    theirs = queries.overview(world.ctx, actor=namesake)
    assert theirs.goals == [] and theirs.tasks == []
    with pytest.raises(NotAllowed):
        preparation.complete_task(world.ctx, actor=namesake, task_id=mine.tasks[0].id)


def _thread_views(world: World, meeting_id: int) -> list[object]:
    return [
        n.data.get("view")
        for n in world.store.outbox
        if n.topic == "meeting.thread" and n.meeting_id == meeting_id
    ]


def test_the_next_meeting_opens_with_last_times_first_step_in_its_thread() -> None:
    from core.domain.privacy import TextRemoval
    from tests.support.scenes import TAKEAWAY_TEXT, scene_at

    scene = scene_at("evaluated")
    held = scene.meeting
    assert [c.text for c in held.takeaway] == [TAKEAWAY_TEXT]
    scene.start()
    assert scene.meeting_id != held.id
    assert _thread_views(scene.world, scene.meeting_id) == ["started", "follow_up"]
    assert scene.queued("follow_up")["previous_meeting_id"] == held.id

    # what retention removed is not brought back
    later = scene_at("evaluated")
    with later.world.ctx.uow() as uow:
        stored = uow.meetings.get(later.meeting_id)
        stored.remove_texts(TextRemoval(at=later.world.clock.now(), after_days=30))
        uow.meetings.save(stored)
        uow.commit()
    later.start()
    assert _thread_views(later.world, later.meeting_id) == ["started"]


def test_a_first_meeting_or_one_after_a_cancelled_meeting_has_no_follow_up() -> None:
    from tests.support.scenes import scene_at

    first = scene_at("open_with_cases")
    assert _thread_views(first.world, first.meeting_id) == ["started"]
    after_cancel = scene_at("cancelled")
    after_cancel.start()
    assert _thread_views(after_cancel.world, after_cancel.meeting_id) == ["started"]
