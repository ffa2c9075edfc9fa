"""Issue 13, situation 6: "any team or tenant id creates a workspace row". Through the
real server on SQLite and PostgreSQL: a request from a workspace the app is not installed
in gets a clear answer or a 4xx and stores nothing; the installed one (the single bot
token's team, the configured tenant, a Teams installation) is served (docs/decisions/0014)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import stored
from tests.support.slack_fake import TEAM, fixture
from tests.support.slack_meeting import finish
from tests.support.slack_world import MEMBERS, SlackWorld, slack_world
from tests.support.teams_harness import TENANT, TeamsHarness, running_teams
from tests.support.teams_servers import MicrosoftStandIns

OTHER_TEAM = "T0OTHERTM1"
OTHER_TENANT = "0a0b0c0d-0000-4000-8000-00000000beef"


@pytest.fixture
def world(db_url: str) -> Iterator[SlackWorld]:
    with slack_world(db_url) as built:
        yield built


def other_team(body: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(body).replace(TEAM, OTHER_TEAM)
    loaded: dict[str, Any] = json.loads(text)
    return loaded


# ------------------------------------------------------------------ Slack, one bot token


def test_slack_serves_the_bot_tokens_team_and_makes_its_row_once(world: SlackWorld) -> None:
    assert stored.workspaces(world.app.engine) == set()
    command = {**fixture("slash_command"), "response_url": world.fake.response_url("cmd")}
    assert world.sender.form(command)[0] == 200
    finish(world)
    assert stored.workspaces(world.app.engine) == {("slack", TEAM)}  # auth.test names TEAM


def test_slack_refuses_another_team_and_stores_nothing(world: SlackWorld) -> None:
    command = other_team({**fixture("slash_command"), "response_url": world.fake.response_url()})
    status, answer = world.sender.form(command)
    assert status == 200 and b"not installed" in answer  # shown to the person who typed it
    dutch = {**command, "command": "/intervisie"}
    assert b"niet ge" in world.sender.form(dutch)[1]

    reply = other_team(fixture("thread_reply"))
    assert world.sender.event(reply)[0] == 200  # acknowledged (Slack would redeliver), dropped
    click = other_team(fixture("block_actions"))
    click["response_url"] = world.fake.response_url("act")
    assert world.sender.payload(click)[0] == 403
    home = other_team(fixture("app_home_opened"))
    assert world.sender.event(home)[0] == 200

    finish(world)
    assert stored.workspaces(world.app.engine) == set()
    assert stored.rows(world.app.engine, "inbound_events") == 0
    assert world.fake.of("views.publish") == [] and world.fake.of("chat.postMessage") == []


def test_a_known_team_stays_served_whatever_the_bot_token_says(world: SlackWorld) -> None:
    """A workspace set up before (``intervision workspace configure``) is ours: served even
    when ``auth.test`` names another team (a token swapped for another workspace's)."""
    world.add_group()
    world.fake.teams["xoxb-test-token"] = OTHER_TEAM
    assert world.command(MEMBERS[0], "help")[0] == 200
    answers = world.fake.wait_for(
        lambda: [c for c in world.fake.calls if c.method.startswith("/respond/")], what="help"
    )
    assert "not installed" not in json.dumps(answers[0].args)
    finish(world)
    assert stored.workspaces(world.app.engine) == {("slack", TEAM)}


# ------------------------------------------------------------------ Teams


@pytest.fixture
def single_tenant(
    db_url: str, microsoft: MicrosoftStandIns, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TeamsHarness]:
    with running_teams(db_url, microsoft, monkeypatch) as harness:
        yield harness


@pytest.fixture
def every_tenant(
    db_url: str, microsoft: MicrosoftStandIns, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TeamsHarness]:
    with running_teams(db_url, microsoft, monkeypatch, MICROSOFT_APP_TENANT_ID=None) as harness:
        yield harness


def in_tenant(
    activity: dict[str, Any], tenant: str, *, channel_data: bool = True
) -> dict[str, Any]:
    activity["conversation"]["tenantId"] = tenant
    if channel_data:
        activity["channelData"]["tenant"] = {"id": tenant}
    return activity


def test_teams_refuses_another_tenant_than_the_configured_one(single_tenant: TeamsHarness) -> None:
    teams = single_tenant
    for activity in (
        in_tenant(teams.personal_message("aad-1", "help"), OTHER_TENANT),
        in_tenant(teams.recorded("installation_update", "aad-1"), OTHER_TENANT),
        # the two places a tenant is named must both be ours
        in_tenant(teams.personal_message("aad-1", "help"), OTHER_TENANT, channel_data=False),
    ):
        status, _ = teams.post(activity)
        assert status == 403
    assert teams.stored_rows() == 0
    assert teams.connector.calls == []


def test_teams_serves_the_configured_tenant(single_tenant: TeamsHarness) -> None:
    single_tenant.ok(single_tenant.personal_message("aad-1", "help"))
    assert stored.workspaces(single_tenant.app.engine) == {("teams", TENANT)}


def test_a_bot_for_every_tenant_serves_those_it_is_installed_in(every_tenant: TeamsHarness) -> None:
    teams = every_tenant
    status, _ = teams.post(in_tenant(teams.personal_message("aad-1", "help"), OTHER_TENANT))
    assert status == 403
    assert teams.stored_rows() == 0

    teams.ok(in_tenant(teams.recorded("installation_update", "aad-1"), OTHER_TENANT))
    assert stored.workspaces(teams.app.engine) == {("teams", OTHER_TENANT)}
    teams.ok(in_tenant(teams.personal_message("aad-1", "help"), OTHER_TENANT))

    added = in_tenant(teams.recorded("conversation_update_team", "aad-2"), TENANT)
    added["membersAdded"] = [{"id": added["recipient"]["id"]}]
    teams.ok(added)
    assert stored.workspaces(teams.app.engine) == {("teams", OTHER_TENANT), ("teams", TENANT)}


def test_an_activity_whose_tenant_is_no_object_is_a_400(single_tenant: TeamsHarness) -> None:
    activity = single_tenant.personal_message("aad-1", "help")
    for tenant in ("a string", ["list"], {"id": 5}, {"id": "x\x00y"}):
        activity["channelData"]["tenant"] = tenant
        assert single_tenant.post(activity)[0] == 400
    assert single_tenant.stored_rows() == 0
