"""Reminders over a trajectory, delivered by the real server's outbox worker to a fake
Slack, on a controllable clock (no sleeping): a day before each task and meeting, none
for what is done, none for a member away (the facilitator is told who), none in quiet
hours, none of the old time after a move (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.domain.tasks import TaskKind
from core.services import meetings, preparation, reminders, trajectories
from core.services.context import Actor
from core.storage.tables import outbox
from tests.support.fakes import FakeClock
from tests.support.slack_meeting import settle
from tests.support.slack_world import FACILITATOR, MEMBERS, SlackWorld, slack_world

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
START = datetime(2030, 12, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def world(db_url: str, clock: FakeClock) -> Iterator[SlackWorld]:
    with slack_world(db_url, clock=clock) as built:
        yield built


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMSTERDAM).astimezone(UTC)


def _plan(world: SlackWorld, first: str = "2031-01-14 14:00", count: int = 2) -> list[int]:
    group_id = world.add_group()
    planned = trajectories.plan_trajectory(
        world.app.ctx,
        actor=Actor(world.workspace_id(), FACILITATOR),
        group_id=group_id,
        first=datetime.fromisoformat(first),
        time_zone="Europe/Amsterdam",
        rule="FREQ=WEEKLY;INTERVAL=4;BYDAY=TU",
        count=count,
    )
    # The cards go out before the clock moves: a jump past their leases while they are on
    # their way would let a second delivery of the same card start (a test's artefact).
    settle(world)
    return [m.id or 0 for m in planned.meetings]


def _until(world: SlackWorld, clock: FakeClock, moment: datetime) -> None:
    """The clock moves to ``moment``; the worker delivers what came due."""
    clock.current = moment
    world.app.worker.wake()
    settle(world)


def _reminded(world: SlackWorld, person: str) -> list[str]:
    """The reminders ``person`` received in their direct-message channel (the fake opens
    ``D…`` for ``U…``), as text."""
    direct = "D" + person.removeprefix("U")
    return [
        json.dumps(c.args, ensure_ascii=False)
        for c in world.fake.of("chat.postMessage")
        if c.args.get("channel") == direct and "Reminder" in json.dumps(c.args)
    ]


def test_a_trajectory_reminds_each_member_a_day_ahead_of_each_task_and_meeting(
    world: SlackWorld, clock: FakeClock
) -> None:
    first, _ = _plan(world)
    ctx, ws = world.app.ctx, world.workspace_id()
    done_already, away = MEMBERS[0], MEMBERS[1]
    with ctx.uow() as uow:
        reread = next(
            t
            for t in uow.tasks.for_meeting(first)
            if t.person == done_already and t.kind is TaskKind.REREAD_GOALS
        )
    preparation.complete_task(ctx, actor=Actor(ws, done_already), task_id=reread.id)
    reminders.go_away(
        ctx,
        actor=Actor(ws, away),
        first=datetime(2031, 1, 10).date(),
        last=datetime(2031, 1, 15).date(),
    )
    assert _reminded(world, MEMBERS[2]) == []  # nothing before its time

    # The intake is due 31 Dec 14:00 local (two weeks before): reminded on 30 Dec.
    _until(world, clock, _local("2030-12-30 14:01"))
    [intake] = _reminded(world, MEMBERS[2])
    assert "Intake" in intake
    # Bringing a case is due 11 Jan 14:00 local: its reminder comes on 10 Jan at 14:00.
    _until(world, clock, _local("2031-01-10 14:01"))
    [brought] = _reminded(world, MEMBERS[2])[1:]
    assert "Think of a case to bring in" in brought
    assert '"action_id": "task.done"' in brought and '"action_id": "task.skip"' in brought
    # For the member whose turn it is on the rota it is their turn, not an invitation.
    rota = [t for t in _reminded(world, MEMBERS[0]) if "Your turn on the rota" in t]
    assert len(rota) == 1 and not any("Think of a case" in t for t in _reminded(world, MEMBERS[0]))

    # The day before: the meeting, and re-reading the goals; not for what is done, nor
    # for someone away; the facilitator hears who is away.
    _until(world, clock, _local("2031-01-13 14:01"))
    member = _reminded(world, MEMBERS[2])[2:]
    assert len(member) == 2
    assert any("Re-read your learning goals" in text for text in member)
    assert any("the next meeting of Ward 5 peers" in text for text in member)
    assert not any("Re-read" in text for text in _reminded(world, done_already))
    assert not any("Think of a case" in t or "meeting" in t for t in _reminded(world, away))
    [facilitator] = _reminded(world, FACILITATOR)
    assert "Away that day:" in facilitator and f"<@{away}>" in facilitator

    # Delivered once: the worker going over the outbox again sends nothing more.
    before = len(world.fake.of("chat.postMessage"))
    _until(world, clock, _local("2031-01-13 14:05"))
    assert len(world.fake.of("chat.postMessage")) == before


def test_a_moved_meeting_reminds_of_the_new_time_only(world: SlackWorld, clock: FakeClock) -> None:
    first, _ = _plan(world)
    meetings.reschedule_meeting(
        world.app.ctx,
        actor=Actor(world.workspace_id(), FACILITATOR),
        meeting_id=first,
        at=_local("2031-01-16 14:00"),
    )
    _until(world, clock, _local("2031-01-13 14:01"))  # the old day before: nothing
    assert not any("next meeting" in t for t in _reminded(world, MEMBERS[2]))
    _until(world, clock, _local("2031-01-15 14:01"))
    meeting_reminders = [t for t in _reminded(world, MEMBERS[2]) if "next meeting" in t]
    assert len(meeting_reminders) == 1
    assert str(int(_local("2031-01-16 14:00").timestamp())) in meeting_reminders[0]


def test_no_reminder_comes_in_quiet_hours(world: SlackWorld, clock: FakeClock) -> None:
    """A meeting at 07:30: its reminder, due at 07:30 the day before (quiet until 08:00),
    comes at 08:00 that day; a task due at 07:30 the day before would be reminded at 07:30
    two days before, so it comes at 08:00 then."""
    _plan(world, first="2031-01-14 07:30", count=1)
    with world.app.engine.connect() as connection:
        times = [
            row.available_at.astimezone(AMSTERDAM)
            for row in connection.execute(
                select(outbox.c.available_at).where(outbox.c.topic == "person.reminder")
            )
        ]
    assert times, "no reminders queued"
    for moment in times:
        assert 8 <= moment.hour < 20 or (moment.hour, moment.minute) == (19, 30), moment
    meeting_day_before = datetime(2031, 1, 13, 8, 0, tzinfo=AMSTERDAM)
    assert meeting_day_before in times


def test_a_reminder_for_a_task_skipped_or_a_meeting_called_off_is_not_sent(
    world: SlackWorld, clock: FakeClock
) -> None:
    first, second = _plan(world)
    ctx, ws = world.app.ctx, world.workspace_id()
    meetings.cancel_meeting(ctx, actor=Actor(ws, FACILITATOR), meeting_id=second)
    with ctx.uow() as uow:
        bring = next(
            t
            for t in uow.tasks.for_meeting(first)
            if t.person == MEMBERS[3] and t.kind is TaskKind.BRING_CASE
        )
    preparation.skip_task(ctx, actor=Actor(ws, MEMBERS[3]), task_id=bring.id)
    _until(world, clock, _local("2031-01-10 14:01"))
    assert not any("Think of a case" in t for t in _reminded(world, MEMBERS[3]))
    _until(world, clock, _local("2031-02-20 09:00"))  # past all of the second meeting's
    second_meeting = str(int(_local("2031-02-11 14:00").timestamp()))
    second_tasks = ("2031-02-08", "2031-02-10", "2031-02-12", "2031-02-13")
    for text in _reminded(world, MEMBERS[3]):
        assert second_meeting not in text
        assert not any(day in text for day in second_tasks), text
    # The first meeting's own reminders did come (it was not called off).
    assert any("the next meeting" in t for t in _reminded(world, MEMBERS[3]))


def test_a_reminder_due_in_quiet_hours_set_later_waits_for_the_morning(
    world: SlackWorld, clock: FakeClock
) -> None:
    """Quiet hours changed after the reminders were queued: the one due in them waits,
    no attempt counted, and comes when they end."""
    _plan(world, count=1)
    ws = world.workspace_id()
    with world.app.ctx.uow() as uow:
        said = uow.availability.of(ws, MEMBERS[2])
        said.set_quiet(time(13, 0), time(15, 0))
        uow.availability.save(said)
        uow.commit()
    _until(world, clock, _local("2031-01-10 14:01"))  # bringing a case: reminded 14:00
    assert not any("Think of a case" in t for t in _reminded(world, MEMBERS[2]))
    with world.app.engine.connect() as connection:
        waiting = connection.execute(
            select(outbox.c.attempts, outbox.c.available_at).where(
                outbox.c.topic == "person.reminder",
                outbox.c.status == "pending",
                outbox.c.available_at == _local("2031-01-10 15:00"),
            )
        ).all()
    # Bringing a case, and the intake (due since 30 Dec: the clock jumped past it).
    assert [row.attempts for row in waiting] == [0, 0]
    _until(world, clock, _local("2031-01-10 15:00"))
    texts = _reminded(world, MEMBERS[2])
    assert any("Think of a case" in t for t in texts) and any("Intake" in t for t in texts)
