"""Deliveries paced per channel: Slack's "not now" (HTTP 429 with ``Retry-After``) in one
group's channel holds back that channel only. Our real server and outbox worker, the real
Slack messenger and slack_sdk against the fake Slack, on a clock the test moves (no
sleeping it out); SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from core.services import groups, meetings, preparation, queries
from core.services.context import Actor
from core.storage.tables import outbox
from tests.support.fakes import FakeClock
from tests.support.slack_meeting import settle
from tests.support.slack_world import CHANNEL, FACILITATOR, MEMBERS, SlackWorld, slack_world

OTHER = "C0GROUPB02"
RETRY_AFTER = 30
PHASES = 3


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def world(db_url: str, clock: FakeClock) -> Iterator[SlackWorld]:
    with slack_world(db_url, clock=clock) as built:
        yield built


def _meeting(world: SlackWorld, group_id: int) -> int:
    """Started, a case chosen, ``PHASES`` phases opened: a card and its thread, queued."""
    ctx, ws = world.app.ctx, world.workspace_id()
    begun = meetings.start_meeting(ctx, actor=Actor(ws, MEMBERS[0]), group_id=group_id)
    meeting_id = begun.meeting.id or 0
    case = preparation.submit_case(
        ctx, actor=Actor(ws, MEMBERS[1]), group_id=group_id, title="T", help_question="?"
    )
    lead = Actor(ws, FACILITATOR)
    meetings.choose_case(ctx, actor=lead, meeting_id=meeting_id, case_id=case.id or 0)
    for _ in range(PHASES):
        meetings.advance_phase(ctx, actor=lead, meeting_id=meeting_id)
    return meeting_id


def _rows(world: SlackWorld) -> list[Any]:
    with world.app.engine.connect() as connection:
        return list(
            connection.execute(
                select(
                    outbox.c.id,
                    outbox.c.topic,
                    outbox.c.payload,
                    outbox.c.status,
                    outbox.c.attempts,
                    outbox.c.available_at,
                    outbox.c.locked_until,
                ).order_by(outbox.c.id)
            ).all()
        )


def _in_channel(world: SlackWorld, channel: str, method: str = "chat.postMessage") -> list[Any]:
    return [c for c in world.fake.of(method) if c.args.get("channel") == channel]


def _thread_keys(world: SlackWorld, meeting_id: int) -> list[str]:
    root = queries.meeting_post(world.app.ctx, meeting_id=meeting_id)
    assert root is not None and root.ref is not None
    history = world.fake.history[root.channel]
    assert [m["ts"] for m in history if "thread_ts" not in m] == [root.ref]  # posted once
    return [
        m["metadata"]["event_payload"]["key"] for m in history if m.get("thread_ts") == root.ref
    ]


def test_a_429_in_one_channel_holds_back_that_channel_only(
    world: SlackWorld, clock: FakeClock
) -> None:
    ctx, ws = world.app.ctx, world.workspace_id()
    mine = world.add_group()
    admin = Actor(ws, "", is_admin=True)
    world.fake.members[OTHER] = [*MEMBERS, FACILITATOR]
    other = groups.create_group(
        ctx, actor=admin, name="Other", channel=OTHER, members=MEMBERS, facilitator=FACILITATOR
    )
    settle(world)  # each group's channel looked at
    began = clock.now()
    until = began + timedelta(seconds=RETRY_AFTER)
    world.fake.fail_next(
        "chat.postMessage",
        "ratelimited",
        status=429,
        headers={"Retry-After": str(RETRY_AFTER)},
        channel=CHANNEL,
    )
    held = _meeting(world, mine)

    def card_waits() -> bool:
        return any(
            r.topic == "meeting.card" and r.available_at == until and r.locked_until is None
            for r in _rows(world)
        )

    world.fake.wait_for(card_waits, what="the refused card put back until Retry-After")
    # Now more for the same channel, outside the meeting's thread, and another channel's meeting.
    assert groups.channel_membership_changed(ctx, workspace_id=ws, channel=CHANNEL) == 1
    going = _meeting(world, other.group.id or 0)

    def only_the_held_channel_waits() -> bool:
        pending = [r for r in _rows(world) if r.status == "pending"]
        return all(r.payload.get("group_id") == mine for r in pending) and any(
            r.topic == "group.check_channel" and r.available_at == until and not r.locked_until
            for r in pending
        )

    world.fake.wait_for(only_the_held_channel_waits, what="every other row delivered")
    # The other channel's meeting went out in full, and private messages to people in both.
    assert len(_thread_keys(world, going)) == PHASES + 2
    direct = [r for r in _rows(world) if r.topic == "person.direct"]
    assert direct and {r.status for r in direct} == {"delivered"}
    # Nothing was sent to the held channel after the 429: both rows for it wait until then.
    [refused] = _in_channel(world, CHANNEL)
    assert len(_in_channel(world, CHANNEL, "conversations.members")) == 2  # added, started
    assert not _in_channel(world, CHANNEL, "chat.update")
    waiting = [r for r in _rows(world) if r.status == "pending"]
    assert all(r.attempts == 0 for r in waiting)
    assert sorted(r.topic for r in waiting if r.available_at == until) == [
        "group.check_channel",
        "meeting.card",
    ]

    clock.tick(seconds=RETRY_AFTER)
    world.app.worker.wake()
    settle(world)
    keys = _thread_keys(world, held)
    assert len(keys) == PHASES + 2
    numbers = [int(key.removeprefix("outbox-")) for key in keys]
    assert numbers == sorted(numbers)  # the thread in the order queued
    assert len(_in_channel(world, CHANNEL, "conversations.members")) == 3  # the check, later
    rows = _rows(world)
    assert {r.status for r in rows} == {"delivered"}  # none parked
    assert {r.attempts for r in rows} == {0}  # waiting burned no attempt
    # A thread message waiting (attempts 0) is not looked for before it is posted. (The
    # meeting's message is, once: it was recorded as begun before Slack said "not now",
    # as before a crash.)
    assert not world.fake.of("conversations.replies")
    assert len(world.fake.of("conversations.history")) == 1
    assert refused.args["channel"] == CHANNEL
