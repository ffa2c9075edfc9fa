"""Delivery through storms: every notification arrives, a meeting's thread in order, none
twice; and a slow channel does not hold up anyone else's. Our real server against the fake
Slack and the fake Bot Connector (with Graph), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.jobs.outbox_worker import pending_count, run_once
from core.services import groups, meetings, preparation, queries
from core.services.context import Actor
from tests.support.slack_world import FACILITATOR, MEMBERS, SlackWorld, slack_world
from tests.support.teams_harness import CHANNEL, TeamsHarness, running_teams
from tests.support.teams_servers import MicrosoftStandIns

PHASES = 4


def _meeting(ctx: Any, ws: int, group_id: int, members: list[str], lead: str) -> int:
    begun = meetings.start_meeting(ctx, actor=Actor(ws, members[0]), group_id=group_id)
    meeting_id = begun.meeting.id or 0
    case = preparation.submit_case(
        ctx, actor=Actor(ws, members[1]), group_id=group_id, title="T", help_question="?"
    )
    meetings.choose_case(ctx, actor=Actor(ws, lead), meeting_id=meeting_id, case_id=case.id or 0)
    for _ in range(PHASES):  # a phase heading (and a turn) each, queued behind each other
        meetings.advance_phase(ctx, actor=Actor(ws, lead), meeting_id=meeting_id)
    return meeting_id


def _drain(app: Any, rounds: int = 200) -> None:
    """The outbox as the worker runs it, each run a minute later (past every backoff)."""
    now = datetime.now(UTC)
    for _ in range(rounds):
        now += timedelta(minutes=1)
        run_once(app.engine, app.deliver, now=now)
        if pending_count(app.engine) == 0:
            return
    raise AssertionError("the outbox did not drain")


def _outbox_keys_in_order(keys: list[str]) -> None:
    numbers = [int(key.removeprefix("outbox-")) for key in keys]
    assert numbers == sorted(numbers), f"out of order: {keys}"
    assert len(numbers) == len(set(numbers)), f"posted twice: {keys}"


# ------------------------------------------------------------------ Slack


@pytest.fixture
def slack(db_url: str) -> Iterator[SlackWorld]:
    with slack_world(db_url) as world:
        world.app.worker.stop()  # the test runs the outbox, run by run
        yield world


def test_a_storm_on_slack_delivers_every_thread_message_in_order_once(slack: SlackWorld) -> None:
    ctx = slack.app.ctx
    meeting_id = _meeting(ctx, slack.workspace_id(), slack.add_group(), MEMBERS, FACILITATOR)
    for failure in [(500, "internal_error"), (429, "ratelimited"), (503, "service_unavailable")]:
        slack.fake.fail_next(
            "chat.postMessage", failure[1], status=failure[0], headers={"Retry-After": "1"}
        )
    slack.fake.lose_answers["chat.postMessage"] = 2  # carried out, answers lost
    _drain(slack.app)
    root = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert root is not None and root.ref is not None
    roots = [m for m in slack.fake.history[root.channel] if "thread_ts" not in m]
    assert [m["ts"] for m in roots] == [root.ref]  # one meeting message
    thread = [m for m in slack.fake.history[root.channel] if m.get("thread_ts") == root.ref]
    assert len(thread) == PHASES + 2  # the opening, the chosen case, each phase's heading
    _outbox_keys_in_order([m["metadata"]["event_payload"]["key"] for m in thread])
    assert slack.fake.lose_answers["chat.postMessage"] == 0 and not slack.fake.failures.get(
        "chat.postMessage"
    )


def test_a_slow_channel_does_not_hold_up_another(db_url: str) -> None:
    with slack_world(db_url) as world:  # the worker runs: a small pool of deliveries
        ctx = world.app.ctx
        slow, fast = "C0SLOWCHAN", "C0FASTCHAN"
        held, release = threading.Event(), threading.Event()

        def hook(method: str, args: dict[str, Any]) -> None:
            if method == "chat.postMessage" and args.get("channel") == slow:
                held.set()
                release.wait(30)

        world.fake.before_answer = hook
        ws = world.workspace_id()
        admin = Actor(ws, "", is_admin=True)
        made = {
            channel: groups.create_group(
                ctx, actor=admin, name=channel, channel=channel, members=MEMBERS, locale="en"
            ).group.id
            or 0
            for channel in (slow, fast)
        }
        try:
            meetings.start_meeting(ctx, actor=Actor(ws, MEMBERS[0]), group_id=made[slow])
            assert held.wait(15), "the slow channel's post never started"
            meetings.start_meeting(ctx, actor=Actor(ws, MEMBERS[0]), group_id=made[fast])
            world.fake.wait_for(  # while the slow one is still waiting for its answer
                lambda: fast in world.fake.history, what="the other channel's meeting"
            )
            assert not release.is_set()
        finally:
            release.set()
        world.fake.wait_for(lambda: slow in world.fake.history, what="the slow one, later")


# ------------------------------------------------------------------ Teams


@pytest.fixture
def teams(
    db_url: str, microsoft: MicrosoftStandIns, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TeamsHarness]:
    with running_teams(db_url, microsoft, monkeypatch) as harness:
        yield harness


def test_a_storm_on_teams_delivers_every_thread_message_in_order_once(
    teams: TeamsHarness,
) -> None:
    ctx = teams.app.ctx
    people = [f"aad-{n}" for n in range(1, 6)]
    ws, group_id = teams.group(people, introduce=(*people, "aad-f"))  # all known to the bot
    teams.connector.fail_next = [(502, {}), (429, {"Retry-After": "1"}), (504, {}), (412, {})]
    teams.connector.lose_answers = 2
    meeting_id = _meeting(ctx, ws, group_id, people, "aad-f")
    _drain(teams.app)
    root = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert root is not None and root.ref is not None
    assert [m["id"] for m in teams.connector.channel_messages[CHANNEL]] == [root.ref]
    replies = teams.connector.channel_messages[f"{CHANNEL}/{root.ref}"]
    markers = [_first_id(message) for message in replies]
    assert len(markers) == PHASES + 2  # the opening, the chosen case, each phase's heading
    _outbox_keys_in_order([m.removeprefix("intervision-") for m in markers])
    assert teams.connector.lose_answers == 0 and teams.connector.fail_next == []


def _first_id(message: dict[str, Any]) -> str:
    import json

    card = json.loads(message["attachments"][0]["content"])
    return str(card["body"][0]["id"])
