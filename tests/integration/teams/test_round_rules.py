"""The round rules in a Teams channel thread, over real HTTP on SQLite and PostgreSQL:
pass, extend, pause, the advice nudge and the turned-away case owner — all privately."""

from __future__ import annotations

from typing import Any

from core.domain.common import Platform
from core.services import groups, meetings, preparation
from core.services.context import Actor
from core.views import actions as a
from tests.support.teams_harness import CHANNEL, TENANT, TeamsHarness

MEMBERS = [f"aad-{n}" for n in range(1, 6)]
FACILITATOR, OWNER = "aad-facil", "aad-2"


def _private_texts(teams: TeamsHarness, since: int) -> str:
    """Everything sent to 1:1 chats since call number ``since``."""
    return " ".join(
        str(c.body)
        for c in teams.connector.calls[since:]
        if c.path.startswith("/v3/conversations/a:personal-")
    )


def _click(teams: TeamsHarness, person: str, verb: str, root: str) -> Any:
    return teams.ok(
        teams.card_action(person, verb, {"value": teams.meeting().position}, reply_to=root)
    )


def test_pass_extend_pause_nudge_and_turned_away(teams: TeamsHarness, db_url: str) -> None:
    teams.connector.members = [{**teams.user(p), "tenantId": TENANT} for p in MEMBERS]
    ctx = teams.app.ctx
    workspace = groups.ensure_workspace(
        ctx, platform=Platform.TEAMS, external_id=TENANT, locale="en"
    )
    admin = Actor(workspace_id=workspace.id or 0, person="", is_admin=True)
    group = groups.create_group(
        ctx,
        actor=admin,
        name="Peers",
        channel=CHANNEL,
        members=MEMBERS,
        facilitator=FACILITATOR,
        method_id="gossip",
        locale="en",
    ).group
    owner = Actor(workspace_id=workspace.id or 0, person=OWNER)
    case = preparation.submit_case(
        ctx,
        actor=owner,
        group_id=group.id or 0,
        title="Conflict",
        help_question="How do I respond?",
    )
    teams.ok(teams.channel_message(OWNER, "<at>Intervision</at> start"))
    teams.deliver()
    meeting_id = teams.meeting().id
    with ctx.uow() as uow:
        post = uow.posts.get(meeting_id)
    assert post is not None
    root = post.ref
    meetings.choose_case(
        ctx,
        actor=Actor(workspace.id or 0, FACILITATOR),
        meeting_id=meeting_id,
        case_id=case.id or 0,
    )
    _click(teams, FACILITATOR, a.MEETING_ADVANCE, root)  # the case owner introduces
    _click(teams, FACILITATOR, a.MEETING_ADVANCE, root)  # exploration: open questions each
    teams.deliver()
    exploring = teams.meeting()
    assert exploring.phase.is_question_round
    first, second, *_ = exploring.current_round.order

    # advice in a question round: accepted, with a private, friendly nudge
    before = len(teams.connector.calls)
    teams.ok(
        teams.channel_message(first, "<at>Intervision</at> You should just say no.", root=root)
    )
    teams.deliver()
    assert "for questions only" in _private_texts(teams, before)
    assert first in teams.meeting().current_round.contributed

    # pass, extend, pause: applied once each; while paused a reply is refused privately
    _click(teams, second, a.MEETING_PASS, root)
    assert teams.meeting().current_round.passed == [second]
    deadline = teams.meeting().current_round.deadline
    _click(teams, FACILITATOR, a.MEETING_EXTEND, root)
    assert (teams.meeting().current_round.deadline - deadline).total_seconds() == 300
    _click(teams, FACILITATOR, a.MEETING_PAUSE, root)
    assert teams.meeting().paused_at is not None
    before = len(teams.connector.calls)
    teams.ok(
        teams.channel_message(
            exploring.current_round.order[2],
            "<at>Intervision</at> What happened first?",
            root=root,
        )
    )
    teams.deliver()
    assert "paused" in _private_texts(teams, before)
    _click(teams, FACILITATOR, a.MEETING_PAUSE, root)
    assert teams.meeting().paused_at is None

    # the gossip: the case owner sits with their back turned; a reply is not counted
    _click(teams, FACILITATOR, a.MEETING_ADVANCE, root)
    teams.deliver()
    assert teams.meeting().phase.id == "gossip"
    before = len(teams.connector.calls)
    teams.ok(teams.channel_message(OWNER, "<at>Intervision</at> That is not fair!", root=root))
    teams.deliver()
    assert "back turned" in _private_texts(teams, before)
    gossip = teams.meeting()
    assert [c for c in gossip.contributions if c.phase_index == gossip.phase_index] == []
    assert not [
        c
        for c in teams.connector.calls[before:]
        if c.path.startswith(f"/v3/conversations/{CHANNEL}")
    ]
