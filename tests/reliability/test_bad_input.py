"""Issue 13, situations 6 and 8, replayed through the real server on SQLite and
PostgreSQL: what the fuzz suite found first, each as a named case.

- A button value "²", form metadata that is not JSON, an option the product never offers,
  a slash command without its fields, a timestamp that is no number: a private answer or
  a 4xx, never a 500.
- A reply with a NUL (PostgreSQL refuses NUL in text) is stored without it, and counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from core.domain.common import MAX_REF
from core.domain.meeting import MeetingState
from core.services import meetings, preparation, queries
from core.services.context import Actor
from core.views import actions as a
from integrations.slack import inbound
from tests.support import recorded, stored
from tests.support.slack_fake import TEAM, fixture
from tests.support.slack_meeting import finish, meeting, settle
from tests.support.slack_world import FACILITATOR, MANAGER, MEMBERS, SlackWorld, slack_world
from tests.support.teams_harness import TeamsHarness, running_teams
from tests.support.teams_servers import MicrosoftStandIns

OWNER = MEMBERS[1]


@pytest.fixture
def world(db_url: str) -> Iterator[SlackWorld]:
    with slack_world(db_url) as built:
        yield built


def started(world: SlackWorld, *, phases: int) -> tuple[int, str]:
    """A group's meeting with its case chosen and ``phases`` phases opened; the card's ts."""
    group_id = world.add_group(method_id="gossip")
    ws = world.workspace_id()
    ctx = world.app.ctx
    begun = meetings.start_meeting(ctx, actor=Actor(ws, MEMBERS[0]), group_id=group_id)
    meeting_id = begun.meeting.id or 0
    case = preparation.submit_case(
        ctx, actor=Actor(ws, OWNER), group_id=group_id, title="A case", help_question="How?"
    )
    lead = Actor(ws, FACILITATOR)
    meetings.choose_case(ctx, actor=lead, meeting_id=meeting_id, case_id=case.id or 0)
    for _ in range(phases):
        meetings.advance_phase(ctx, actor=lead, meeting_id=meeting_id)
    settle(world)
    post = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert post is not None and post.ref
    return meeting_id, post.ref


def private_answers(world: SlackWorld, person: str) -> list[str]:
    calls = [*world.fake.of("chat.postEphemeral"), *world.fake.of("chat.postMessage")]
    return [
        json.dumps(c.args.get("blocks") or c.args.get("text"))
        for c in calls
        if person in (c.args.get("user"), c.args.get("channel"))
    ]


# ------------------------------------------------------------------ situation 8: NUL


def test_a_reply_with_a_nul_and_control_characters_is_stored_without_them(
    world: SlackWorld,
) -> None:
    meeting_id, root_ts = started(world, phases=2)
    person = meeting(world, meeting_id).current_round.order[0]  # type: ignore[union-attr]
    text = "When did\x00 it start?\x1b[0m\r\nAnd who knew?"
    _, (status, _) = world.reply(person, text, root_ts)
    assert status == 200
    found = world.fake.wait_for(lambda: meeting(world, meeting_id).contributions, what="stored")
    assert found[0].text == "When did it start?[0m\nAnd who knew?"
    settle(world)
    assert stored.control_characters(world.app.engine) == []


def test_a_case_with_a_nul_in_every_field_is_stored_without_them(world: SlackWorld) -> None:
    world.add_group()
    world.command(OWNER, "case")
    view = world.opened_view(a.FORM_CASE)
    status, body = world.submit(
        OWNER,
        view,
        {a.INPUT_TITLE: "Night\x00 shift", a.INPUT_HELP_QUESTION: "How\x07?"},
    )
    assert (status, body) == (200, b"")
    settle(world)
    with world.app.ctx.uow() as uow:
        [group] = uow.groups.list()
        [case] = uow.cases.for_group(group.id or 0)
    assert (case.title, case.help_question) == ("Night shift", "How?")


# ------------------------------------------------------------------ situation 6: bad input


def test_a_button_value_with_a_superscript_digit_gets_a_private_answer(world: SlackWorld) -> None:
    meeting_id, root_ts = started(world, phases=0)
    for value in ("²", "1|²", "²|phase:0"):
        status, _ = world.click(FACILITATOR, a.MEETING_CHOOSE_CASE, value, root_ts)
        assert status == 200
    world.fake.wait_for(
        lambda: len([t for t in private_answers(world, FACILITATOR) if "not there" in t]) == 3,
        what="three refusals",
    )
    assert meeting(world, meeting_id).state is MeetingState.CASE_CHOSEN  # nothing changed


def test_form_metadata_that_is_no_json_is_refused_on_the_form(world: SlackWorld) -> None:
    world.add_group()
    world.command(OWNER, "case")
    view = world.opened_view(a.FORM_CASE)
    for metadata in ("{not json", "[" * 1200, '{"group_id": "²"}', '{"group_id": {"a": 1}}'):
        view["private_metadata"] = metadata
        status, body = world.submit(OWNER, view, {a.INPUT_TITLE: "T", a.INPUT_HELP_QUESTION: "Q"})
        assert status == 200
        answer = json.loads(body)
        assert answer["response_action"] == "errors"
        assert "not there" in answer["errors"][a.INPUT_TITLE]


def test_an_option_the_form_never_offered_is_refused_on_its_input(world: SlackWorld) -> None:
    world.add_group()
    world.command(MANAGER, "group", channel="C0NEWGROUP")
    view = world.opened_view(a.FORM_GROUP)
    offered = {a.INPUT_NAME: "Peers", a.INPUT_CHANNEL: "C0NEWGROUP", a.INPUT_MEMBERS: MEMBERS[:4]}
    for field, value in ((a.INPUT_CADENCE, "fortnightly-ish"), (a.INPUT_MODE, "²")):
        status, body = world.submit(MANAGER, view, {**offered, field: value})
        assert status == 200
        assert value in json.loads(body)["errors"][field]
    manager = Actor(world.workspace_id(), MANAGER)
    assert queries.group_at(world.app.ctx, actor=manager, channel="C0NEWGROUP") is None


def test_a_slash_command_without_its_fields_is_a_400_and_stores_nothing(
    world: SlackWorld,
) -> None:
    for missing in ("user_id", "team_id"):
        body = {k: v for k, v in fixture("slash_command").items() if k != missing}
        body["response_url"] = world.fake.response_url("cmd")
        status, _ = world.sender.form(body)
        assert status == 400
    assert stored.workspaces(world.app.engine) == set()


def test_a_timestamp_that_is_no_number_is_a_401(world: SlackWorld) -> None:
    body = "&".join(f"{k}={v}" for k, v in fixture("slash_command").items()).encode()
    for stamp in ("abc", "²", "1e9", ""):
        status, _ = world.sender.post(
            body, "application/x-www-form-urlencoded", headers={"X-Slack-Request-Timestamp": stamp}
        )  # (the signature is over the sender's own timestamp: no matter, refused first)
        assert status == 401


def test_a_body_that_is_no_slack_payload_is_a_400(world: SlackWorld) -> None:
    for body, content_type in (
        (b"\xff\xfe", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"{", "application/json"),
        (b"[" * 5000, "application/json"),
        (json.dumps({**fixture("thread_reply"), "event": "text"}).encode(), "application/json"),
        (json.dumps({**fixture("thread_reply"), "authorizations": 5}).encode(), "application/json"),
        (b"payload=%5B1%5D", "application/x-www-form-urlencoded"),
    ):
        status, _ = world.sender.post(body, content_type)
        assert status == 400, body[:40]
    assert stored.workspaces(world.app.engine) == set()


@pytest.mark.parametrize("name", recorded.names(recorded.SLACK))
def test_every_recorded_payload_is_well_formed_and_read_in_bolts_workspace(name: str) -> None:
    """The gate lets every real payload through, and ``team_of`` names the workspace Bolt
    authorizes (in a Slack Connect channel: ours, not the host's)."""
    from slack_bolt.request import BoltRequest

    body = recorded.load(recorded.SLACK, name)
    inbound.check(body)
    raw, content_type = recorded.slack_wire(body)
    context = BoltRequest(body=raw, headers={"content-type": content_type}).context
    assert inbound.team_of(body) == (context.team_id or "")
    if name == "slack_connect_thread_reply":
        assert inbound.team_of(body) == TEAM


# ------------------------------------------------------------------ ids at their longest


def test_slack_ids_at_their_longest_fit_what_stores_them(world: SlackWorld) -> None:
    world.add_group()
    envelope = fixture("thread_reply")
    envelope["event_id"] = "E" * 128
    assert world.sender.event(envelope)[0] == 200
    envelope["event_id"] = "E" * 129
    assert world.sender.event(envelope)[0] == 400
    finish(world)


@pytest.fixture
def teams(
    db_url: str, microsoft: MicrosoftStandIns, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TeamsHarness]:
    with running_teams(db_url, microsoft, monkeypatch) as harness:
        yield harness


def test_teams_ids_at_their_longest_fit_what_stores_them(teams: TeamsHarness) -> None:
    """A conversation id and an activity id as long as ids may be: the dedupe key made of
    them still fits its column (PostgreSQL refused it: a 500); one character more is no id."""
    activity = teams.personal_message("aad-1", "help")
    activity["conversation"]["id"] = "a:" + "x" * (MAX_REF - 2)
    for kind in ("message", "messageUpdate"):
        activity.update(type=kind, id="f:" + "y" * (MAX_REF - 2))
        assert teams.post(activity)[0] == 200
    activity["id"] += "y"
    assert teams.post(activity)[0] == 400


def test_teams_text_that_is_no_unicode_is_answered(teams: TeamsHarness) -> None:
    """JSON can carry a lone surrogate (``"\\ud800"``); an edit's dedupe key hashed it as
    UTF-8, which it is not: a 500."""
    activity = teams.personal_message("aad-1", "help \ud800")
    assert teams.post(activity)[0] == 200
    activity.update(type="messageUpdate", id="")
    assert teams.post(activity)[0] == 200
    activity.update(id="1795424400999")
    assert teams.post(activity)[0] == 200


def test_an_invoke_whose_action_is_no_object_is_answered(teams: TeamsHarness) -> None:
    activity = teams.card_action("aad-1", "meeting.advance", {})
    for action in ("a string", ["list"], 5, {"verb": ["x"], "data": "y"}):
        activity["value"] = {"action": action}
        assert teams.post(activity)[0] == 200
