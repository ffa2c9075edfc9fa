"""A burst of replies updates the meeting's card once, not once each (issue 15): the card
is drawn from the meeting as it is when delivered, so the updates queued after it are
delivered with it; a change committed after that still gets its own update."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from core.services import meetings, preparation, queries
from core.services.context import Actor
from core.storage.tables import outbox
from tests.support.teams_harness import TeamsHarness


def _in_a_round_each(teams: TeamsHarness, people: list[str]) -> tuple[int, int]:
    ws, group_id = teams.group(people, introduce=(*people, "aad-f"))
    ctx, lead = teams.app.ctx, Actor(ws, "aad-f")
    meeting_id = meetings.start_meeting(ctx, actor=lead, group_id=group_id).meeting.id or 0
    case = preparation.submit_case(
        ctx, actor=Actor(ws, people[0]), group_id=group_id, title="Night", help_question="How?"
    )
    meetings.choose_case(ctx, actor=lead, meeting_id=meeting_id, case_id=case.id or 0)
    for _ in range(2):  # the sketch, then the information questions: everyone in turn
        meetings.advance_phase(ctx, actor=lead, meeting_id=meeting_id)
    return ws, meeting_id


def _pending_cards(teams: TeamsHarness) -> int:
    with teams.app.engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.topic == "meeting.card", outbox.c.status == "pending")
            ).scalar_one()
        )


def test_a_burst_of_replies_updates_the_card_once(teams: TeamsHarness) -> None:
    people = [f"aad-{n}" for n in range(1, 6)]
    ws, meeting_id = _in_a_round_each(teams, people)
    teams.deliver()
    root = queries.meeting_post(teams.app.ctx, meeting_id=meeting_id)
    assert root is not None and root.ref is not None
    order = list(teams.meeting().current_round.order)
    before = len(teams.connector.sent("PUT"))

    for person in order:
        said = f"<at>Intervision</at> When did it start, {person}?"
        teams.ok(teams.channel_message(person, said, root=root.ref), deliver=False)
    assert len(teams.meeting().contributions) == len(order)
    assert _pending_cards(teams) == len(order)
    teams.deliver()

    updates = teams.connector.sent("PUT")[before:]
    assert len(updates) == 1, [u.path for u in updates]
    assert _pending_cards(teams) == 0
    shown = json.dumps(updates[0].body)
    assert teams.meeting().current_round.everyone_done
    assert "Next phase" in shown  # the card as it is after the last reply

    # a change after that delivery gets an update of its own
    meetings.extend_phase(teams.app.ctx, actor=Actor(ws, "aad-f"), meeting_id=meeting_id)
    teams.deliver()
    assert len(teams.connector.sent("PUT")[before:]) == 2
