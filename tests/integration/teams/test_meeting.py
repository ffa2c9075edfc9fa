"""A whole meeting of five members in a Teams channel, over real HTTP on SQLite and
PostgreSQL: `start` to the report, ONE card updated in place, rounds in its thread."""

from __future__ import annotations

import json
from typing import Any

from core.views import actions as a
from tests.support.teams_cards import problems
from tests.support.teams_harness import CHANNEL, TENANT, TeamsHarness

MEMBERS = [f"aad-{n}" for n in range(1, 6)]
CHAIR, OWNER = "aad-1", "aad-2"


def _members(teams: TeamsHarness) -> list[dict[str, Any]]:
    return [{**teams.user(p), "tenantId": TENANT} for p in MEMBERS]


def _group(teams: TeamsHarness) -> None:
    from core.domain.common import Platform
    from core.services import groups
    from core.services.context import Actor

    ctx = teams.app.ctx
    workspace = groups.ensure_workspace(
        ctx, platform=Platform.TEAMS, external_id=TENANT, locale="en"
    )
    admin = Actor(workspace_id=workspace.id or 0, person="", is_admin=True)
    groups.create_group(
        ctx, actor=admin, name="Ward 5 <peers>", channel=CHANNEL, members=MEMBERS, locale="en"
    )


def test_a_whole_meeting_in_a_channel_thread(teams: TeamsHarness, db_url: str) -> None:
    teams.connector.members = _members(teams)
    _group(teams)
    responses: list[dict[str, Any]] = []

    # `@Intervision start` in the channel: the meeting's one card is posted there
    teams.ok(teams.channel_message(CHAIR, "<at>Intervision</at> start"))
    teams.deliver()
    root = _card_id(teams)
    # ... and its thread opens with it: where the meeting happens, how a case comes in
    [opening] = [c for c in teams.connector.sent("POST") if root in c.path]
    assert "The meeting has started" in json.dumps(opening.body)

    # the case owner submits a case through the form in their personal chat
    teams.ok(teams.personal_message(OWNER, "case"))
    form_call = teams.connector.sent("POST")[-1]
    assert form_call.path == f"/v3/conversations/a:personal-{OWNER}/activities"
    form = form_call.body["attachments"][0]["content"]
    submit = form["actions"][0]
    assert submit["verb"] == a.FORM_CASE
    data = {
        **submit["data"],
        "title": "Night shift *handover*",
        "help_question": "How do I say no?",
        "description": "<at>everyone</at> [link](http://x)",
        "consent": "yes",
    }
    responses.append(teams.ok(teams.card_action(OWNER, a.FORM_CASE, data)))
    teams.deliver()

    # the chair chooses it on the card, then paces the phases
    with teams.app.ctx.uow() as uow:
        [group] = uow.groups.list()
        [case] = uow.cases.for_group(group.id or 0)
    responses.append(
        teams.ok(
            teams.card_action(CHAIR, a.MEETING_CHOOSE_CASE, {"value": str(case.id)}, reply_to=root)
        )
    )
    teams.deliver()

    contributed: list[str] = []
    edited = False
    for _ in range(20):
        meeting = teams.meeting()
        if meeting.state.value == "evaluated":
            break
        body = teams.ok(
            teams.card_action(CHAIR, a.MEETING_ADVANCE, {"value": meeting.position}, reply_to=root)
        )
        responses.append(body)
        assert body["type"] == "application/vnd.microsoft.card.adaptive"
        teams.deliver()
        meeting = teams.meeting()
        if meeting.current_round is None:
            continue
        for person in meeting.current_round.order or [
            OWNER if meeting.phase.speakers.value == "case_owner" else CHAIR
        ]:
            reply = teams.channel_message(
                person,
                f"<at>Intervision</at> 4 - thoughts of {person} in {meeting.phase.id}?",
                root=root,
            )
            status, body = teams.post(reply)
            assert status == 200
            if body is None:
                contributed.append(reply["id"])
        teams.deliver()
        if contributed and not edited:
            edited = _edit_and_refuse(teams, root, contributed[0])
    else:
        raise AssertionError("the meeting did not end")

    meeting = teams.meeting()

    # the chair publishes the report
    responses.append(
        teams.ok(
            teams.card_action(CHAIR, a.MEETING_REPORT, {"value": meeting.position}, reply_to=root)
        )
    )
    teams.deliver()

    # ONE card in the channel, updated in place; everything else in its thread or privately
    channel_posts = [
        c
        for c in teams.connector.sent("POST")
        if c.path == f"/v3/conversations/{CHANNEL}/activities"
    ]
    assert len(channel_posts) == 2  # the meeting's card, and the published report
    updates = teams.connector.sent("PUT")
    assert len(updates) >= 5
    assert {u.path for u in updates} == {f"/v3/conversations/{CHANNEL}/activities/{root}"}
    thread = [
        c
        for c in teams.connector.sent("POST")
        if c.path == f"/v3/conversations/{CHANNEL};messageid={root}/activities"
    ]
    assert len(thread) >= 6  # case chosen, phases opened, revealed, evaluated
    with teams.app.ctx.uow() as uow:
        stored = uow.meetings.get(meeting.id)
    assert stored.state.value == "reported"
    assert {c.source_ref for c in stored.contributions} >= set(contributed)
    assert len(contributed) >= 8
    # your-turn notes went privately, in 1:1 chats created proactively
    assert teams.connector.sent("POST") and any(
        c.path == "/v3/conversations" for c in teams.connector.calls
    )
    # every card passes Microsoft's validator
    cards = teams.connector.cards() + [
        r["value"] for r in responses if isinstance(r.get("value"), dict)
    ]
    found = problems(cards)
    assert found == [], "\n".join(found)


def _card_id(teams: TeamsHarness) -> str:
    with teams.app.ctx.uow() as uow:
        post = uow.posts.get(teams.meeting().id)
    assert post is not None and post.channel == CHANNEL
    return post.ref


def _edit_and_refuse(teams: TeamsHarness, root: str, message_id: str) -> bool:
    """While the round is open: a Teams edit changes the contribution; a stranger's reply
    is refused privately, in a 1:1 chat, never in the channel."""
    author = next(c.author for c in teams.meeting().contributions if c.source_ref == message_id)
    teams.ok(teams.edit(author, message_id, "<at>Intervision</at> Edited words", root=root))
    [edited] = [c for c in teams.meeting().contributions if c.source_ref == message_id]
    assert edited.text == "Edited words"
    before = len(teams.connector.calls)
    teams.ok(teams.channel_message("aad-stranger", "<at>Intervision</at> me too", root=root))
    new = teams.connector.calls[before:]
    assert [c.path for c in new][:1] == ["/v3/conversations"]
    assert new[0].body["members"] == [{"id": "29:aad-stranger-teams-id"}]
    assert new[-1].path.startswith("/v3/conversations/a:personal-")
    assert "members of this group" in str(new[-1].body)
    return True
