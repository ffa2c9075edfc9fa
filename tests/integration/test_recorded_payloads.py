"""The recorded payloads in tests/fixtures/ carry what our adapters read, where they read it.

Slack: each payload goes in its wire form through Bolt's own request parsing (the context
Bolt gives our listeners: installation, user, channel, thread) and has the fields the
listeners in integrations/slack read. Teams: each activity parses with the adapter's
``Activity`` model and gives the expected tenant, person, channel and thread root."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from slack_bolt.request import BoltRequest

from integrations.teams.activities import Activity, invoke_of
from tests.support import recorded

ROOT = "1700000001.000001"
"""The meeting card's ts in the Slack fixtures: the thread every round happens in."""
CARD = "1795424400123"
"""The meeting card's message id in the Teams fixtures."""
TENANT = "5f0c1e2d-0000-4000-8000-000000000001"
CHANNEL = "19:9e8d7c6b5a4f43e2b1a0f9e8d7c6b5a4@thread.tacv2"
ANNA, BRAM, FLEUR = (f"5f0c1e2d-0000-4000-8000-0000000000{s}" for s in ("a1", "a2", "f1"))
ABSENT = "<absent>"


@dataclass(frozen=True)
class Slack:
    team: str | None
    """The installation Bolt resolves (``context.team_id``)."""
    user: str | None
    channel: str | None
    thread_ts: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    """Paths our listeners read, with their values (ABSENT: the key is not there)."""


SLACK: dict[str, Slack] = {
    "slash_command": Slack(
        "T0TEAM0001",
        "U0MEMBER01",
        "C0GROUP001",
        None,
        {"command": "/intervision", "text": "start", "team_id": "T0TEAM0001"},
    ),
    "block_actions": Slack(
        "T0TEAM0001",
        "U0MEMBER01",
        "C0GROUP001",
        None,
        {
            "actions.0.action_id": "meeting.advance",
            "actions.0.value": "phase:0",
            "message.ts": ROOT,
            "team.id": "T0TEAM0001",
        },
    ),
    "block_actions_home": Slack(
        "T0TEAM0001",
        "U0MEMBER02",
        None,
        None,
        {
            "actions.0.action_id": "task.done",
            "actions.0.value": "task-1",
            "view.type": "home",
            "message": ABSENT,
        },
    ),
    "view_submission": Slack(
        "T0TEAM0001",
        "U0MEMBER01",
        None,
        None,
        {"view.callback_id": "form.case", "view.private_metadata": "{}", "view.state.values": {}},
    ),
    "message_event": Slack(
        "T0TEAM0001",
        "U0MEMBER02",
        "C0GROUP001",
        None,
        {"event.subtype": ABSENT, "event.thread_ts": ABSENT, "event.text": "Good morning"},
    ),
    "thread_reply": Slack(
        "T0TEAM0001",
        "U0MEMBER02",
        "C0GROUP001",
        ROOT,
        {"event.subtype": ABSENT, "event.ts": "1700000200.000200", "event.bot_id": ABSENT},
    ),
    "message_changed": Slack(
        "T0TEAM0001",
        "U0MEMBER02",
        "C0GROUP001",
        ROOT,
        {
            "event.subtype": "message_changed",
            "event.message.ts": "1700000200.000200",
            "event.message.text": "How long has this been going on, exactly?",
            "event.previous_message.text": "How long has this been going on?",
        },
    ),
    "message_deleted": Slack(
        "T0TEAM0001",
        "U0MEMBER02",
        "C0GROUP001",
        ROOT,
        {
            "event.subtype": "message_deleted",
            "event.deleted_ts": "1700000200.000200",
            "event.previous_message.ts": "1700000200.000200",
        },
    ),
    "thread_broadcast": Slack(
        "T0TEAM0001",
        "U0MEMBER03",
        "C0GROUP001",
        ROOT,
        {
            "event.subtype": "thread_broadcast",
            "event.ts": "1700000300.000500",
            "event.root.ts": ROOT,
            "event.text": "I'd ask &lt;who&gt; signs the handover &amp; whether <@U0MEMBER01> "
            "saw the rota first?",
        },
    ),
    "thread_broadcast_changed": Slack(
        "T0TEAM0001",
        "U0MEMBER03",
        "C0GROUP001",
        ROOT,
        {
            "event.subtype": "message_changed",
            "event.message.subtype": "thread_broadcast",
            "event.message.ts": "1700000300.000500",
            "event.previous_message.ts": "1700000300.000500",
        },
    ),
    "bot_message": Slack(
        "T0TEAM0001",
        "U0BOT00001",
        "C0GROUP001",
        ROOT,
        {
            "event.bot_id": "B0BOT",
            "event.subtype": ABSENT,
            "authorizations.0.user_id": "U0BOT00001",
        },
    ),
    "slack_connect_thread_reply": Slack(
        "T0TEAM0001",
        "U0MEMBER02",
        "C0SHARED01",
        "1700000450.000650",
        {
            "team_id": "T0PARTNER1",
            "is_ext_shared_channel": True,
            "authorizations.0.team_id": "T0TEAM0001",
            "event.team": "T0TEAM0001",
            "event.user_team": "T0TEAM0001",
        },
    ),
    "member_joined_channel": Slack(
        "T0TEAM0001", "U0MANAGER1", "C0GROUP001", None, {"event.inviter": "U0MEMBER01"}
    ),
    "member_left_channel": Slack(
        "T0TEAM0001", "U0MANAGER1", "C0GROUP001", None, {"event.channel_type": "G"}
    ),
    "app_home_opened": Slack("T0TEAM0001", "U0MEMBER01", "D0HOME0001", None, {"event.tab": "home"}),
    "url_verification": Slack(
        None, None, None, None, {"challenge": "f4ke-challenge-for-tests-0123456789abcdef"}
    ),
}


@dataclass(frozen=True)
class Teams:
    type: str
    person: str
    channel: str | None
    thread_root: str | None
    text: str | None = None
    """``plain_text``, where the adapter reads the message text."""
    verb: str | None = None


TEAMS: dict[str, Teams] = {
    "personal_message": Teams("message", ANNA, None, None, "tasks"),
    "channel_mention": Teams("message", FLEUR, CHANNEL, "1795424340000", "start"),
    "thread_reply": Teams("message", BRAM, CHANNEL, CARD, "Who was on the night shift that week?"),
    "thread_reply_mentions": Teams("message", ANNA, CHANNEL, CARD),
    "message_update": Teams(
        "messageUpdate",
        BRAM,
        CHANNEL,
        CARD,
        "Who was on the night shift that week, and who handed over?",
    ),
    "message_delete": Teams("messageDelete", BRAM, CHANNEL, CARD),
    "invoke_channel_card": Teams("invoke", FLEUR, CHANNEL, CARD, verb="meeting.advance"),
    "invoke_personal_form": Teams("invoke", ANNA, None, None, verb="form.case"),
    "conversation_update_team": Teams("conversationUpdate", FLEUR, CHANNEL, None),
    "installation_update": Teams("installationUpdate", FLEUR, CHANNEL, None),
}


@pytest.mark.parametrize("name", sorted(SLACK))
def test_slack_payload_gives_bolt_and_our_listeners_what_they_read(name: str) -> None:
    body = recorded.load(recorded.SLACK, name)
    raw, content_type = recorded.slack_wire(body)
    request = BoltRequest(body=raw, headers={"content-type": content_type})
    expected = SLACK[name]
    context = request.context
    seen = (context.team_id, context.user_id, context.channel_id, context.get("thread_ts"))
    assert seen == (expected.team, expected.user, expected.channel, expected.thread_ts)
    assert request.body == body  # the wire form loses nothing
    for path, value in expected.fields.items():
        if value == ABSENT:
            with pytest.raises(KeyError):
                recorded.dig(body, path)
        else:
            assert recorded.dig(body, path) == value, path


def test_a_slack_connect_reply_names_our_installation_and_the_host_separately() -> None:
    """The envelope's team_id is the partner that hosts the channel; Bolt (and anything
    that picks the workspace) must use authorizations[0].team_id."""
    body = recorded.load(recorded.SLACK, "slack_connect_thread_reply")
    request = BoltRequest(body=recorded.slack_wire(body)[0], headers={})
    assert body["team_id"] != request.context.team_id == body["authorizations"][0]["team_id"]
    assert request.context.actor_team_id == body["event"]["user_team"]


@pytest.mark.parametrize("name", sorted(TEAMS))
def test_teams_activity_parses_to_tenant_person_channel_and_thread(name: str) -> None:
    body = recorded.load(recorded.TEAMS, name)
    activity = Activity.model_validate(body)
    expected = TEAMS[name]
    assert activity.type == expected.type
    assert activity.tenant == TENANT
    assert activity.person == expected.person
    assert activity.channel == expected.channel
    assert activity.thread_root == expected.thread_root
    assert activity.personal is (body["conversation"]["conversationType"] == "personal")
    if expected.text is not None:
        assert activity.plain_text == expected.text
    invoke = invoke_of(activity)
    assert (invoke.verb if invoke else None) == expected.verb
    if invoke is not None:
        assert invoke.data == body["value"]["action"]["data"]


def test_a_channel_post_mentions_the_bot_it_was_sent_to() -> None:
    body = recorded.load(recorded.TEAMS, "channel_mention")
    mentioned = [e["mentioned"]["id"] for e in body["entities"] if e["type"] == "mention"]
    assert mentioned == [body["recipient"]["id"]]
    assert Activity.model_validate(body).plain_text == "start"


def test_a_reply_keeps_the_colleagues_it_mentions_and_its_entities_decoded() -> None:
    activity = Activity.model_validate(recorded.load(recorded.TEAMS, "thread_reply_mentions"))
    assert activity.plain_text == (
        "Bram and Carmen, what happened at the 6 a.m. handover & who noticed it first?"
    )


@pytest.mark.parametrize(
    ("folder", "expected"),
    [(recorded.SLACK, SLACK), (recorded.TEAMS, TEAMS)],
    ids=["slack", "teams"],
)
def test_every_recorded_payload_is_checked_and_documented(
    folder: Path, expected: dict[str, object]
) -> None:
    assert recorded.names(folder) == sorted(expected)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    undocumented = [name for name in expected if f"`{name}.json`" not in readme]
    assert undocumented == [], f"not described in {folder.name}/README.md"
