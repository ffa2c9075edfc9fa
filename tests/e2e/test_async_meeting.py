"""An async meeting runs on deadlines alone, through the real server's outbox worker to a
fake Slack, on a controllable clock (no sleeping): each phase is open for days, the
members still due are nudged before its deadline, the card says by when in each reader's
time, and at the deadline the phase moves on, or, in a group that chose so, waits for the
chair, who is told (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from core.domain.group import Mode
from core.domain.meeting import MeetingState
from core.services import meetings, preparation
from core.services.context import Actor
from tests.support.fakes import FakeClock
from tests.support.slack_meeting import latest_card, meeting, settle
from tests.support.slack_world import FACILITATOR, MEMBERS, SlackWorld, slack_world

START = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
OWNER = MEMBERS[1]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def world(db_url: str, clock: FakeClock) -> Iterator[SlackWorld]:
    with slack_world(db_url, clock=clock) as built:
        yield built


def _opened(world: SlackWorld, **settings: object) -> int:
    """An async group's meeting, its case chosen and its first phase open."""
    group_id = world.add_group(mode=Mode.ASYNC, **settings)
    ctx, ws = world.app.ctx, world.workspace_id()
    lead = Actor(ws, FACILITATOR)
    started = meetings.start_meeting(ctx, actor=lead, group_id=group_id)
    meeting_id = started.meeting.id or 0
    case = preparation.submit_case(
        ctx, actor=Actor(ws, OWNER), group_id=group_id, title="Night shift", help_question="?"
    )
    meetings.choose_case(ctx, actor=lead, meeting_id=meeting_id, case_id=case.id or 0)
    meetings.advance_phase(ctx, actor=lead, meeting_id=meeting_id)
    settle(world)
    return meeting_id


def _until(world: SlackWorld, clock: FakeClock, moment: datetime) -> None:
    clock.current = moment
    world.app.worker.wake()
    settle(world)


def _direct(world: SlackWorld, person: str, words: str) -> list[str]:
    channel = "D" + person.removeprefix("U")
    return [
        json.dumps(c.args, ensure_ascii=False)
        for c in world.fake.of("chat.postMessage")
        if c.args.get("channel") == channel and words in json.dumps(c.args, ensure_ascii=False)
    ]


def test_an_async_meeting_runs_from_start_to_report_on_deadlines_alone(
    world: SlackWorld, clock: FakeClock
) -> None:
    meeting_id = _opened(world)
    first = meeting(world, meeting_id)
    current = first.current_round
    assert current is not None and first.phase_days == 0  # the method's minutes, scaled
    assert current.deadline - current.opened_at >= timedelta(days=1)
    card = json.dumps(latest_card(world))
    assert "respond by" in card and str(int(current.deadline.timestamp())) in card

    # The members still due are nudged, privately, half a day before the deadline: here
    # 22:00 in Amsterdam, in their quiet hours, so at 08:00 instead.
    _until(world, clock, current.deadline - timedelta(hours=11))
    due = list(current.due)
    assert due and not any(_direct(world, p, "is still open") for p in due)
    _until(world, clock, current.deadline - timedelta(hours=1))
    assert all(_direct(world, p, "is still open") for p in due)

    # Then nobody moves it on: every deadline does, phase after phase, to the end.
    phases = len(first.phases)
    for _ in range(phases):
        held = meeting(world, meeting_id)
        if held.state is MeetingState.EVALUATED:
            break
        at = held.current_round
        assert at is not None
        _until(world, clock, at.deadline + timedelta(minutes=1))
        moved = meeting(world, meeting_id)
        assert moved.position != held.position, held.position
    finished = meeting(world, meeting_id)
    assert finished.state is MeetingState.EVALUATED
    assert len(finished.rounds) == phases

    lead = Actor(world.workspace_id(), FACILITATOR)
    meetings.publish_report(world.app.ctx, actor=lead, meeting_id=meeting_id)
    settle(world)
    assert meeting(world, meeting_id).state is MeetingState.REPORTED
    posts = [c.args for c in world.fake.of("chat.postMessage") if "thread_ts" not in c.args]
    assert any("report" in str(post.get("text", "")).lower() for post in posts[-3:])


def test_a_group_that_waits_for_its_chair_is_told_and_waits(
    world: SlackWorld, clock: FakeClock
) -> None:
    meeting_id = _opened(world, async_days=2, async_waits=True)
    held = meeting(world, meeting_id)
    current = held.current_round
    assert current is not None
    assert current.deadline - current.opened_at == timedelta(days=2)
    _until(world, clock, current.deadline + timedelta(minutes=1))
    assert meeting(world, meeting_id).position == held.position  # it waits
    assert _direct(world, FACILITATOR, "has passed")
    # Moving on is the chair's, as in a live meeting.
    meetings.advance_phase(
        world.app.ctx, actor=Actor(world.workspace_id(), FACILITATOR), meeting_id=meeting_id
    )
    assert meeting(world, meeting_id).position != held.position
