"""Contributions sent at the same moment are all stored, once, with no refusals.

Fifty replies from five members arrive at once in a meeting's thread (signed Slack events;
Teams activities with real tokens), through our real server, on SQLite and PostgreSQL;
each is then delivered again, as the platforms do after a time-out. Every reply is stored
exactly once and nobody is told "someone else changed this".
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from core.services import meetings, preparation, queries
from core.services.context import Actor
from tests.support.slack_meeting import finish, settle
from tests.support.slack_world import FACILITATOR, MEMBERS, SlackWorld, slack_world
from tests.support.teams_harness import TeamsHarness, running_teams
from tests.support.teams_servers import MicrosoftStandIns

REPLIES_EACH = 10
FREE_ROUND = 2  # the incident method's analysis: anyone may speak, as often as they like


@pytest.fixture
def slack(db_url: str) -> Iterator[SlackWorld]:
    with slack_world(db_url) as world:
        yield world


@pytest.fixture
def teams(
    db_url: str, microsoft: MicrosoftStandIns, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TeamsHarness]:
    with running_teams(db_url, microsoft, monkeypatch) as harness:
        yield harness


def _running(ctx: Any, workspace_id: int, group_id: int, members: list[str], lead: str) -> int:
    begun = meetings.start_meeting(ctx, actor=Actor(workspace_id, members[0]), group_id=group_id)
    meeting_id = begun.meeting.id or 0
    case = preparation.submit_case(
        ctx, actor=Actor(workspace_id, members[1]), group_id=group_id, title="T", help_question="?"
    )
    facilitator = Actor(workspace_id, lead)
    meetings.choose_case(ctx, actor=facilitator, meeting_id=meeting_id, case_id=case.id or 0)
    for _ in range(FREE_ROUND + 1):
        meetings.advance_phase(ctx, actor=facilitator, meeting_id=meeting_id)
    return meeting_id


def _stored(ctx: Any, meeting_id: int) -> list[str]:
    with ctx.uow() as uow:
        return [c.source_ref or "" for c in uow.meetings.get(meeting_id).contributions]


def test_fifty_simultaneous_slack_replies_are_all_stored_once(slack: SlackWorld) -> None:
    world = slack
    group_id = world.add_group(method_id="incident")
    ctx = world.app.ctx
    meeting_id = _running(ctx, world.workspace_id(), group_id, MEMBERS, FACILITATOR)
    settle(world)
    post = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert post is not None and post.ref is not None
    sent = [
        (person, f"{person} thought {n}", f"1800000000.{index:06d}")
        for index, (n, person) in enumerate((n, p) for n in range(REPLIES_EACH) for p in MEMBERS)
    ]

    def reply(item: tuple[str, str, str], *, again: bool = False) -> tuple[str, int]:
        person, text, ts = item
        _, (status, _) = world.reply(
            person,
            text,
            post.ref or "",
            event_id=f"Ev{ts}",
            ts=ts,
            **({"headers": {"X-Slack-Retry-Num": "1"}} if again else {}),
        )
        return ts, status

    with ThreadPoolExecutor(max_workers=len(sent)) as pool:
        first = list(pool.map(reply, sent))
        again = list(pool.map(lambda item: reply(item, again=True), sent))
    assert {status for _, status in first + again} == {200}
    finish(world)
    stored = _stored(ctx, meeting_id)
    assert sorted(stored) == sorted(ts for ts, _ in first)  # each of the 50, once
    refusals = [c for c in world.fake.of("chat.postEphemeral") if c.args.get("user") in MEMBERS]
    assert refusals == [], [c.args.get("text") for c in refusals]


def test_fifty_simultaneous_teams_replies_are_all_stored_once(teams: TeamsHarness) -> None:
    ctx = teams.app.ctx
    people = [f"aad-{n}" for n in range(1, 6)]
    ws, group_id = teams.group(people)  # the channel is known
    meeting_id = _running(ctx, ws, group_id, people, "aad-f")
    teams.deliver(strict=False)  # a "your turn" to someone Teams has not told us of waits
    post = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert post is not None and post.ref is not None
    activities = [
        teams.channel_message(person, f"{person} thought {n}", root=post.ref)
        for n in range(REPLIES_EACH)
        for person in people
    ]
    before = len(teams.connector.calls)
    with ThreadPoolExecutor(max_workers=len(activities)) as pool:
        statuses = [status for status, _ in pool.map(teams.post, activities)]
        statuses += [status for status, _ in pool.map(teams.post, activities)]  # again
    assert set(statuses) == {200}
    teams.deliver(strict=False)  # a "your turn" to someone Teams has not told us of waits
    stored = _stored(ctx, meeting_id)
    assert sorted(stored) == sorted(a["id"] for a in activities)
    told = [c for c in teams.connector.calls[before:] if "/activities" in c.path]
    refusals = [c for c in told if "same moment" in str(c.body)]
    assert refusals == []
