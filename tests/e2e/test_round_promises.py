"""Rounds keep their promises on Slack and Teams (issue 14), replayed through our real
servers against local fakes of the Slack Web API and the Bot Connector, on SQLite and
PostgreSQL.

Situation 3: a member posts client details in a write-first round by mistake and deletes
the message (Slack ``message_deleted``; Teams ``messageDelete``, a soft delete). The
contribution goes with it: not stored, never shown again by us, not in the report; the
author is told privately and is due again in the open round."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from core.services import meetings, preparation, queries
from core.services.context import Actor
from core.storage.tables import contributions
from tests.support.slack_meeting import finish, meeting, settle
from tests.support.slack_world import FACILITATOR, MEMBERS, SlackWorld, slack_world
from tests.support.teams_harness import TeamsHarness, running_teams
from tests.support.teams_servers import MicrosoftStandIns

SECRET = "Client J. de Vries, room 12, born 1961"


def _opened(ctx: object, ws: int, group_id: int, people: list[str], lead: str) -> int:
    """The group's incident meeting with a case chosen, at "What would I do?" (write-first)."""
    begun = meetings.start_meeting(ctx, actor=Actor(ws, people[0]), group_id=group_id)  # type: ignore[arg-type]
    meeting_id = begun.meeting.id or 0
    case = preparation.submit_case(
        ctx,  # type: ignore[arg-type]
        actor=Actor(ws, people[1]),
        group_id=group_id,
        title="Night shift",
        help_question="How do I say no?",
    )
    chair = Actor(ws, lead)
    meetings.choose_case(ctx, actor=chair, meeting_id=meeting_id, case_id=case.id or 0)  # type: ignore[arg-type]
    for _ in range(4):  # sketch, information questions, analysis, what would I do
        meetings.advance_phase(ctx, actor=chair, meeting_id=meeting_id)  # type: ignore[arg-type]
    return meeting_id


def _stored_texts(engine: object) -> list[str]:
    with engine.connect() as connection:  # type: ignore[attr-defined]
        return [str(t) for t in connection.execute(select(contributions.c.text)).scalars()]


# ------------------------------------------------------------------------------- Slack


@pytest.fixture
def world(db_url: str) -> Iterator[SlackWorld]:
    with slack_world(db_url) as built:
        yield built


def test_slack_a_deleted_reply_is_withdrawn_and_its_author_is_due_again(
    world: SlackWorld,
) -> None:
    ctx = world.app.ctx
    meeting_id = _opened(ctx, world.workspace_id(), world.add_group(), MEMBERS, FACILITATOR)
    settle(world)
    root = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert root is not None and root.ref is not None
    held = meeting(world, meeting_id)
    assert held.phase.write_first and held.current_round is not None
    author = held.current_round.order[0]

    ts, _ = world.reply(author, SECRET, root.ref)
    world.fake.wait_for(lambda: meeting(world, meeting_id).contributions, what="contribution")
    for _ in range(2):  # Slack may deliver it again: the second finds nothing to withdraw
        status, _ = world.delete(author, ts, root.ref)
        assert status == 200
    world.fake.wait_for(
        lambda: not meeting(world, meeting_id).contributions, what="the contribution withdrawn"
    )
    now = meeting(world, meeting_id)
    assert now.current_round is not None and author in now.current_round.due

    # the round goes on: everyone writes (the author again), it is revealed, the meeting ends
    for person in now.current_round.order:
        world.reply(person, f"I would ask for help ({person})", root.ref)
    world.fake.wait_for(
        lambda: meeting(world, meeting_id).current_round.everyone_done,  # type: ignore[union-attr]
        what="everyone wrote",
    )
    lead = Actor(world.workspace_id(), FACILITATOR)
    meetings.close_meeting(ctx, actor=lead, meeting_id=meeting_id)
    meetings.publish_report(ctx, actor=lead, meeting_id=meeting_id)
    finish(world)

    assert SECRET not in json.dumps([c.args for c in world.fake.calls])
    assert all(SECRET not in text for text in _stored_texts(world.app.engine))
    told = [
        c
        for c in world.fake.of("chat.postMessage")
        if c.args["channel"] == "D" + author.lstrip("U") and "was deleted" in str(c.args)
    ]
    assert len(told) == 1


def test_slack_deleting_a_message_that_was_no_contribution_changes_nothing(
    world: SlackWorld,
) -> None:
    ctx = world.app.ctx
    meeting_id = _opened(ctx, world.workspace_id(), world.add_group(), MEMBERS, FACILITATOR)
    settle(world)
    root = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert root is not None and root.ref is not None
    author = meeting(world, meeting_id).current_round.order[0]  # type: ignore[union-attr]
    world.reply(author, "I would ask for help", root.ref)
    world.fake.wait_for(lambda: meeting(world, meeting_id).contributions, what="contribution")
    status, _ = world.delete(author, "1700999999.000001", root.ref)  # never seen by us
    assert status == 200
    finish(world)
    assert [c.text for c in meeting(world, meeting_id).contributions] == ["I would ask for help"]
    assert not [c for c in world.fake.of("chat.postMessage") if "was deleted" in str(c.args)]


# ------------------------------------------------------------------------------- Teams


@pytest.fixture
def teams(
    db_url: str, microsoft: MicrosoftStandIns, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TeamsHarness]:
    with running_teams(db_url, microsoft, monkeypatch) as harness:
        yield harness


def test_teams_a_soft_deleted_reply_is_withdrawn_and_its_author_is_due_again(
    teams: TeamsHarness,
) -> None:
    ctx = teams.app.ctx
    people = [f"aad-{n}" for n in range(1, 6)]
    ws, group_id = teams.group(people, introduce=(*people, "aad-f"))
    meeting_id = _opened(ctx, ws, group_id, people, "aad-f")
    teams.deliver()
    root = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert root is not None and root.ref is not None
    author = teams.meeting().current_round.order[0]

    reply = teams.channel_message(author, f"<at>Intervision</at> {SECRET}", root=root.ref)
    teams.ok(reply)
    assert [c.source_ref for c in teams.meeting().contributions] == [reply["id"]]
    deletion = teams.delete(author, reply["id"], root=root.ref)
    teams.ok(deletion)
    teams.ok(deletion)  # delivered again: handled once
    teams.deliver()
    now = teams.meeting()
    assert now.contributions == []
    assert author in now.current_round.due

    for person in now.current_round.order:
        teams.ok(
            teams.channel_message(
                person, f"<at>Intervision</at> I would ask ({person})", root=root.ref
            )
        )
    assert teams.meeting().current_round.everyone_done
    meetings.close_meeting(ctx, actor=Actor(ws, "aad-f"), meeting_id=meeting_id)
    meetings.publish_report(ctx, actor=Actor(ws, "aad-f"), meeting_id=meeting_id)
    teams.deliver()

    assert SECRET not in json.dumps([c.body for c in teams.connector.calls])
    assert all(SECRET not in text for text in _stored_texts(teams.app.engine))
    told = [
        c
        for c in teams.connector.sent("POST")
        if c.path.startswith("/v3/conversations/a:personal-") and "was deleted" in str(c.body)
    ]
    assert len(told) == 1
