"""Validly signed but malformed Teams activities through the real server (token checks,
the adapter, the core, storage, the outbox; local Microsoft stand-ins): messages, thread
replies, edits, card actions and form submissions, installation events, derived from the
recorded activities in tests/fixtures/teams with fields mutated, removed, retyped and full
of Unicode, NULs and control characters; and tokens that are not tokens.

Never a 5xx, never an ERROR logged, no workspace but the configured tenant, no control
character stored."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from core.interactions import Platform, admit
from core.interactions.table import ACTIONS, FORMS
from core.services import groups, meetings, preparation, queries
from core.services.context import Actor
from core.views import actions as a
from tests.reliability.conftest import FUZZ, ErrorLog
from tests.support import stored
from tests.support.fuzz import json_values, mutated, nasty_text
from tests.support.teams_harness import CHANNEL, TENANT, TeamsHarness, running_teams
from tests.support.teams_servers import MicrosoftStandIns

MEMBERS = [f"aad-{n}" for n in range(1, 6)]
FACILITATOR = "aad-9"
KINDS = ("message", "messageUpdate", "messageDelete", "invoke", "conversationUpdate")
RECORDED = [
    "personal_message",
    "channel_mention",
    "thread_reply",
    "thread_reply_mentions",
    "message_update",
    "message_delete",
    "invoke_channel_card",
    "invoke_personal_form",
    "conversation_update_team",
    "installation_update",
]


@dataclass
class Fuzzed:
    teams: TeamsHarness
    log: ErrorLog
    meeting_id: int
    group_id: int
    root: str


@pytest.fixture(scope="module")
def teams(
    module_db_url: str, microsoft: MicrosoftStandIns, error_log: ErrorLog
) -> Iterator[Fuzzed]:
    with (
        pytest.MonkeyPatch.context() as patch,
        running_teams(module_db_url, microsoft, patch) as harness,
    ):
        harness.connector.members = [{**harness.user(p), "tenantId": TENANT} for p in MEMBERS]
        group_id, meeting_id = _running_meeting(harness)
        harness.deliver()
        post = queries.meeting_post(harness.app.ctx, meeting_id=meeting_id)
        assert post is not None and post.ref
        mark = len(error_log.records)
        yield Fuzzed(harness, error_log, meeting_id, group_id, post.ref)
        harness.deliver(strict=False)
        assert error_log.since(mark) == []
        assert stored.control_characters(harness.app.engine) == []


def _running_meeting(teams: TeamsHarness) -> tuple[int, int]:
    """A group in the channel whose meeting, started there, is in its gossip round (so any
    member's reply in the thread is a contribution)."""
    ctx = teams.app.ctx
    workspace = admit(ctx, Platform.TEAMS, TENANT, installed=True) or 0
    admin = Actor(workspace_id=workspace, person="", is_admin=True)
    created = groups.create_group(
        ctx,
        actor=admin,
        name="Ward 5 peers",
        channel=CHANNEL,
        members=MEMBERS,
        facilitator=FACILITATOR,
        method_id="gossip",
        locale="en",
    )
    group_id = created.group.id or 0
    teams.ok(teams.channel_message(FACILITATOR, "<at>Intervision</at> start"))
    teams.deliver()
    meeting_id = teams.meeting().id or 0
    owner, lead = Actor(workspace, MEMBERS[1]), Actor(workspace, FACILITATOR)
    case = preparation.submit_case(
        ctx, actor=owner, group_id=group_id, title="A", help_question="?"
    )
    meetings.choose_case(ctx, actor=lead, meeting_id=meeting_id, case_id=case.id or 0)
    for _ in range(3):  # to the gossip round: everyone but the case owner, freely
        meetings.advance_phase(ctx, actor=lead, meeting_id=meeting_id)
    return group_id, meeting_id


# ------------------------------------------------------------------ what Teams could send


def card_data(fuzzed: Fuzzed) -> st.SearchStrategy[dict[str, Any]]:
    meeting = str(fuzzed.meeting_id)
    values = st.one_of(
        st.sampled_from([f"{meeting}|phase:2", f"{meeting}|", "phase:2", "²", "1|²"]),
        nasty_text(),
        json_values(),
    )
    inputs = sorted(v for k, v in vars(a).items() if k.startswith("INPUT_"))
    keys = st.one_of(
        st.sampled_from(["value", "group_id", "meeting_id", "goal_id", "when__date", "when__time"]),
        st.sampled_from(inputs),
        nasty_text(6),
    )
    return st.dictionaries(keys, st.one_of(values, st.just(str(fuzzed.group_id))), max_size=6)


@st.composite
def activity(draw: st.DrawFn, fuzzed: Fuzzed) -> dict[str, Any]:
    teams = fuzzed.teams
    name = draw(st.sampled_from(RECORDED))
    person = draw(st.sampled_from([*MEMBERS, FACILITATOR, "aad-stranger"]))
    found = teams.recorded(name, person)
    conversation = found["conversation"]
    if "messageid=" in conversation["id"]:
        conversation["id"] = f"{CHANNEL};messageid={fuzzed.root}"
        found["replyToId"] = fuzzed.root
    if found["type"] in ("message", "messageUpdate"):
        found["text"] = draw(
            st.one_of(nasty_text(80), st.sampled_from(["start", "help", "case", "tasks"]))
        )
    if found["type"] == "invoke":
        verb = draw(st.one_of(st.sampled_from(sorted({*ACTIONS, *FORMS})), nasty_text()))
        found["value"] = {
            "action": {"type": "Action.Execute", "verb": verb, "data": draw(card_data(fuzzed))},
            "trigger": "manual",
        }
    if draw(st.booleans()):
        found = draw(mutated(found))
    return found


def post(teams: TeamsHarness, body: dict[str, Any], token: str | None) -> tuple[int, str]:
    """POST without the harness's own bookkeeping (it reads fields a mutation removed)."""
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = token
    request = urllib.request.Request(
        teams.url + "/api/messages", json.dumps(body).encode(), headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@FUZZ
@given(data=st.data())
def test_malformed_teams_activities_are_answered_without_a_server_error(
    teams: Fuzzed, data: st.DataObject
) -> None:
    harness = teams.teams
    body = data.draw(activity(teams))
    signed_for = harness.connector.base + "/"
    token = "Bearer " + harness.keys.token(signed_for)
    mark, before = len(teams.log.records), harness.stored_rows()
    status, answer = post(harness, body, token)
    assert status < 500, answer
    if status >= 400:
        assert harness.stored_rows() == before  # a refusal stores nothing
    kind = body.get("type")
    event(f"{kind if kind in KINDS else 'another type'}: {status}")
    harness.deliver(strict=False)
    assert teams.log.since(mark) == []
    assert stored.workspaces(harness.app.engine) <= {("teams", TENANT)}


HEADER = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=60)


@FUZZ
@given(authorization=st.one_of(HEADER, HEADER.map(lambda t: "Bearer " + t), st.none()))
def test_a_token_that_is_no_token_is_refused(teams: Fuzzed, authorization: str | None) -> None:
    harness = teams.teams
    body = harness.personal_message(MEMBERS[0], "help")
    rows = harness.stored_rows()
    status, _ = post(harness, body, authorization)
    assert status in (400, 401)  # 400: a header waitress itself will not read
    assert harness.stored_rows() == rows
