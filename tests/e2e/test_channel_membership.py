"""Managers never receive case content: a group's channel shows a case only while the
platform says it holds the group alone (or people the facilitator accepted, never a
manager of the group). Through our real server, against Slack's Web API
(``conversations.members``, ``member_joined_channel``/``member_left_channel``) and the
Bot Connector's roster (``conversationUpdate``), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from core.domain.group import ChannelStatus
from core.interactions import Platform, workspace_id
from core.services import meetings, preparation, queries
from core.services.context import Actor
from core.views import actions as a
from tests.support.recorded import SLACK, load
from tests.support.slack_meeting import button, finish, latest_card, settle
from tests.support.slack_world import (
    CHANNEL,
    FACILITATOR,
    MANAGER,
    MEMBERS,
    SlackWorld,
    slack_world,
)
from tests.support.teams_harness import TENANT, TeamsHarness, running_teams
from tests.support.teams_servers import MicrosoftStandIns

SECRETS = ("SECRET-TITLE", "SECRET-QUESTION", "SECRET-WORDS")


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


# ---------------------------------------------------------------------- Slack


def in_channel(world: SlackWorld) -> str:
    """Everything we posted or edited in the group's channel (its thread included)."""
    return json.dumps(
        [
            c.args
            for c in world.fake.calls
            if c.method in ("chat.postMessage", "chat.update") and c.args.get("channel") == CHANNEL
        ]
    )


def private_to(world: SlackWorld, person: str) -> str:
    direct = "D" + person.lstrip("U")
    return json.dumps(
        [c.args for c in world.fake.of("chat.postMessage") if c.args.get("channel") == direct]
    )


def membership(world: SlackWorld, kind: str) -> tuple[int, bytes]:
    envelope = load(SLACK, f"member_{kind}_channel")
    envelope["event_id"] = f"Ev{kind}{len(world.fake.calls)}"
    return world.sender.event(envelope)


def running_case(world: SlackWorld, group_id: int) -> tuple[int, str]:
    """A meeting started with ``/intervision start``, a case chosen, a free round open."""
    ctx, ws = world.app.ctx, world.workspace_id()
    case = preparation.submit_case(
        ctx,
        actor=Actor(ws, MEMBERS[1]),
        group_id=group_id,
        title="SECRET-TITLE",
        help_question="SECRET-QUESTION",
    )
    assert world.command(MEMBERS[0], "start")[0] == 200
    meeting = world.fake.wait_for(
        lambda: queries.current_meeting_in(ctx, actor=Actor(ws, MEMBERS[0]), channel=CHANNEL),
        what="the meeting started",
    )
    assert meeting.id is not None
    lead = Actor(ws, FACILITATOR)
    meetings.choose_case(ctx, actor=lead, meeting_id=meeting.id, case_id=case.id or 0)
    for _ in range(3):  # the incident method's analysis: anyone may speak
        meetings.advance_phase(ctx, actor=lead, meeting_id=meeting.id)
    settle(world)
    post = queries.meeting_post(ctx, meeting_id=meeting.id)
    assert post is not None and post.ref is not None
    return meeting.id, post.ref


def test_a_manager_in_the_slack_channel_never_reads_a_case(slack: SlackWorld) -> None:
    world = slack
    world.fake.members[CHANNEL] = [*MEMBERS, FACILITATOR, MANAGER]
    group_id = world.add_group()
    settle(world)
    told = private_to(world, FACILITATOR)
    assert "managers of the group among them: 1" in told  # said privately, at once

    meeting_id, root = running_case(world, group_id)
    world.reply(MEMBERS[2], "SECRET-WORDS about the night shift", root)
    finish(world)

    with world.app.ctx.uow() as uow:  # the group's work goes on, privately kept
        said = [c.text for c in uow.meetings.get(meeting_id).contributions]
    assert any("SECRET-WORDS" in text for text in said)
    posted = in_channel(world)
    assert not [s for s in SECRETS if s in posted], "case content reached a shared channel"
    assert "not the group" in posted and "stays within the group" in posted
    with pytest.raises(AssertionError):  # a manager is there: nothing to accept
        button(latest_card(world), a.CHANNEL_ACCEPT)


def test_when_the_manager_leaves_the_card_shows_the_case_again(slack: SlackWorld) -> None:
    world = slack
    world.fake.members[CHANNEL] = [*MEMBERS, FACILITATOR, MANAGER]
    group_id = world.add_group()
    running_case(world, group_id)
    assert "SECRET-TITLE" not in json.dumps(latest_card(world))

    world.fake.members[CHANNEL] = [*MEMBERS, FACILITATOR]
    assert membership(world, "left")[0] == 200
    world.fake.wait_for(
        lambda: "SECRET-TITLE" in json.dumps(latest_card(world)), what="the case on the card"
    )
    group = queries.group_settings(world.app.ctx, group_id=group_id)
    assert group.channel_status is ChannelStatus.PRIVATE

    world.fake.members[CHANNEL] = [*MEMBERS, FACILITATOR, MANAGER]  # and joins again
    assert membership(world, "joined")[0] == 200
    world.fake.wait_for(
        lambda: "SECRET-TITLE" not in json.dumps(latest_card(world)), what="the case hidden"
    )
    assert queries.group_settings(world.app.ctx, group_id=group_id).channel_status is (
        ChannelStatus.SHARED
    )


def test_the_facilitator_accepts_a_co_facilitator_after_a_confirmation(
    slack: SlackWorld,
) -> None:
    world = slack
    world.fake.members[CHANNEL] = [*MEMBERS, FACILITATOR, "U0COFACIL1"]
    group_id = world.add_group()
    _, root = running_case(world, group_id)
    accept = button(latest_card(world), a.CHANNEL_ACCEPT)
    confirm = accept["confirm"]  # Slack's own dialog asks first
    assert confirm["style"] == "danger" and "(now: 1)" in confirm["text"]["text"]
    assert {confirm["confirm"]["type"], confirm["deny"]["type"]} == {"plain_text"}

    world.click(MEMBERS[0], a.CHANNEL_ACCEPT, accept.get("value", ""), root)
    world.fake.wait_for(
        lambda: "Only the group's facilitator" in json.dumps([c.args for c in world.fake.calls]),
        what="the member told why not",
    )
    assert not queries.group_settings(world.app.ctx, group_id=group_id).shows_content

    world.click(FACILITATOR, a.CHANNEL_ACCEPT, accept.get("value", ""), root)
    world.fake.wait_for(
        lambda: "SECRET-TITLE" in json.dumps(latest_card(world)), what="the case on the card"
    )
    finish(world)
    assert queries.group_settings(world.app.ctx, group_id=group_id).channel_accepted == [
        "U0COFACIL1"
    ]
    assert world.fake.problems == []


# ---------------------------------------------------------------------- Teams


def teams_group(teams: TeamsHarness, people: list[str]) -> int:
    _, group_id = teams.group(people, managers=("aad-manager",))
    return group_id


def roster(teams: TeamsHarness, people: list[str]) -> list[dict[str, Any]]:
    return [{**teams.user(p), "tenantId": TENANT} for p in people]


def test_a_manager_in_the_team_hides_the_case_until_they_leave(teams: TeamsHarness) -> None:
    ctx = teams.app.ctx
    people = [f"aad-{n}" for n in range(1, 6)]
    teams.connector.members = roster(teams, [*people, "aad-f", "aad-manager"])
    group_id = teams_group(teams, people)
    ws = workspace_id(ctx, Platform.TEAMS, TENANT)
    preparation.submit_case(
        ctx,
        actor=Actor(ws, people[1]),
        group_id=group_id,
        title="SECRET-TITLE",
        help_question="SECRET-QUESTION",
    )
    meetings.start_meeting(ctx, actor=Actor(ws, people[0]), group_id=group_id)
    teams.deliver(strict=False)
    group = queries.group_settings(ctx, group_id=group_id)
    assert group.channel_status is ChannelStatus.SHARED
    sent = json.dumps([c.body for c in teams.connector.calls])
    assert "SECRET" not in sent and "not the group" in sent

    teams.connector.members = roster(teams, [*people, "aad-f"])
    left = teams.recorded(
        "conversation_update_team",
        "aad-f",
        membersAdded=[],
        membersRemoved=[teams.user("aad-manager")],
    )
    left["channelData"]["eventType"] = "teamMemberRemoved"
    teams.ok(left)
    teams.deliver(strict=False)
    assert queries.group_settings(ctx, group_id=group_id).shows_content
    updates = [c for c in teams.connector.calls if c.method == "PUT"]
    assert updates and "SECRET" in json.dumps(updates[-1].body)  # escaped for Markdown


def test_a_slack_workspace_that_will_not_say_who_is_there_gets_no_case(
    slack: SlackWorld,
) -> None:
    """An installation from before ``channels:read``: Slack answers ``missing_scope``."""
    world = slack
    for _ in range(2):  # when the group is added, and when the meeting starts
        world.fake.fail_next("conversations.members", "missing_scope")
    group_id = world.add_group()
    running_case(world, group_id)
    finish(world)
    assert queries.group_settings(world.app.ctx, group_id=group_id).channel_status is (
        ChannelStatus.UNCHECKED
    )
    posted = in_channel(world)
    assert "SECRET" not in posted and "only the group is in this channel" in posted
    assert "reinstall" in private_to(world, FACILITATOR)


def test_a_manager_pressing_a_teams_card_button_gets_no_case_back(teams: TeamsHarness) -> None:
    """The card answered to a click is built for whoever clicked: the group sees the case,
    a manager (or anyone outside the group) gets no card back at all."""
    ctx = teams.app.ctx
    people = [f"aad-{n}" for n in range(1, 6)]
    teams.connector.members = roster(teams, [*people, "aad-f"])
    group_id = teams_group(teams, people)
    ws = workspace_id(ctx, Platform.TEAMS, TENANT)
    case = preparation.submit_case(
        ctx,
        actor=Actor(ws, people[1]),
        group_id=group_id,
        title="SECRET-TITLE",
        help_question="SECRET-QUESTION",
    )
    started = meetings.start_meeting(ctx, actor=Actor(ws, people[0]), group_id=group_id)
    teams.deliver(strict=False)
    post = queries.meeting_post(ctx, meeting_id=started.meeting.id or 0)
    assert post is not None and post.ref is not None
    meeting_id = started.meeting.id or 0
    choose = {"value": f"{meeting_id}|{case.id}"}
    for verb, data in (
        (a.CASE_OPEN_FORM, {"value": ""}),
        (a.MEETING_CHOOSE_CASE, choose),
        (a.MEETING_PASS, {"value": a.meeting_value(meeting_id, "open")}),
        (a.MEETING_CONTRIBUTE, {"value": a.meeting_value(meeting_id, "open")}),
    ):
        status, body = teams.post(teams.card_action("aad-manager", verb, data, reply_to=post.ref))
        assert status == 200 and "SECRET" not in json.dumps(body), (verb, body)
    status, body = teams.post(
        teams.card_action("aad-f", a.MEETING_CHOOSE_CASE, choose, reply_to=post.ref)
    )
    assert status == 200 and "SECRET" in json.dumps(body)  # the group's own view
