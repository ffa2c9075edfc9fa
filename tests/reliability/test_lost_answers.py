"""A post the platform carried out but whose answer was lost (a time-out, a 5xx after the
work) is found again on the retry, not posted twice: thread messages on Slack
(``conversations.replies``) and on Teams (Microsoft Graph), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from core.jobs.outbox_worker import run_once
from core.services import meetings, preparation, queries
from core.services.context import Actor
from tests.support.slack_meeting import settle
from tests.support.slack_world import FACILITATOR, MEMBERS, SlackWorld, slack_world
from tests.support.teams_harness import CHANNEL, TeamsHarness, running_teams
from tests.support.teams_servers import MicrosoftStandIns


def _opened(ctx: object, ws: int, group_id: int, members: list[str], lead: str) -> int:
    begun = meetings.start_meeting(ctx, actor=Actor(ws, members[0]), group_id=group_id)  # type: ignore[arg-type]
    meeting_id = begun.meeting.id or 0
    case = preparation.submit_case(
        ctx,
        actor=Actor(ws, members[1]),
        group_id=group_id,
        title="T",
        help_question="?",  # type: ignore[arg-type]
    )
    meetings.choose_case(ctx, actor=Actor(ws, lead), meeting_id=meeting_id, case_id=case.id or 0)  # type: ignore[arg-type]
    return meeting_id


def _deliver_until_done(app: object, rounds: int = 10) -> None:
    """Run the outbox as the worker would, each run a minute later (past every backoff)."""
    now = datetime.now(UTC)
    for _ in range(rounds):
        now += timedelta(minutes=1)
        summary = run_once(app.engine, app.deliver, now=now)  # type: ignore[attr-defined]
        if summary.claimed == 0:
            return


@pytest.fixture
def slack(db_url: str) -> Iterator[SlackWorld]:
    with slack_world(db_url) as world:
        world.app.worker.stop()  # the test runs the outbox itself, step by step
        yield world


def test_a_slack_thread_post_whose_answer_was_lost_is_not_posted_twice(slack: SlackWorld) -> None:
    ctx = slack.app.ctx
    meeting_id = _opened(ctx, slack.workspace_id(), slack.add_group(), MEMBERS, FACILITATOR)
    _deliver_until_done(slack.app)
    root = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert root is not None and root.ref is not None
    slack.fake.lose_answers["chat.postMessage"] = 1  # the next post (the phase's heading):
    # carried out, its answer lost
    meetings.advance_phase(
        ctx, actor=Actor(slack.workspace_id(), FACILITATOR), meeting_id=meeting_id
    )
    _deliver_until_done(slack.app)
    settle(slack)
    thread = [m for m in slack.fake.history[root.channel] if m.get("thread_ts") == root.ref]
    keys = [m["metadata"]["event_payload"]["key"] for m in thread]
    assert len(keys) == len(set(keys)) >= 2, keys  # every message (the heading too), once
    assert slack.fake.of("conversations.replies"), "the lost posts were looked for"
    assert slack.fake.lose_answers["chat.postMessage"] == 0


@pytest.fixture
def teams(
    db_url: str, microsoft: MicrosoftStandIns, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TeamsHarness]:
    with running_teams(db_url, microsoft, monkeypatch) as harness:
        yield harness


def test_a_teams_thread_post_whose_answer_was_lost_is_not_posted_twice(
    teams: TeamsHarness,
) -> None:
    ctx = teams.app.ctx
    people = [f"aad-{n}" for n in range(1, 6)]
    ws, group_id = teams.group(people, introduce=(*people, "aad-f"))  # all known to the bot
    meeting_id = _opened(ctx, ws, group_id, people, "aad-f")
    _deliver_until_done(teams.app)
    root = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert root is not None and root.ref is not None
    teams.connector.lose_answers = 1
    meetings.advance_phase(ctx, actor=Actor(ws, "aad-f"), meeting_id=meeting_id)
    _deliver_until_done(teams.app)
    replies = teams.connector.channel_messages[f"{CHANNEL}/{root.ref}"]
    markers = [
        card["body"][0]["id"]
        for message in replies
        for card in (_card(a["content"]) for a in message["attachments"])
    ]
    assert len(markers) == len(set(markers)) >= 2, markers
    assert any("/replies" in c.path for c in teams.connector.calls), "looked up through Graph"
    assert teams.connector.lose_answers == 0


def _card(content: str) -> dict[str, object]:
    import json

    found: dict[str, object] = json.loads(content)
    return found
