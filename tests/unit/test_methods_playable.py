"""Every method of the library can be played from the chosen case to the report."""

from __future__ import annotations

import pytest

from core.domain.meeting import MeetingState
from core.domain.round import RoundStatus
from core.services import meetings, preparation
from tests.support.drive import play_to_the_end
from tests.support.factories import FACILITATOR, library, make_world


@pytest.mark.parametrize("method_id", library().ids())
def test_a_whole_meeting_with_each_method(method_id: str) -> None:
    world = make_world()
    size = max(5, library().get(method_id).min_group_size)
    group = world.group(size, method_id=method_id)
    assert group.id is not None
    owner = world.actor(group.members[1])
    case = preparation.submit_case(
        world.ctx, actor=owner, group_id=group.id, title="Case", help_question="What now?"
    )
    meeting_id = meetings.start_meeting(world.ctx, actor=owner, group_id=group.id).meeting.id
    assert meeting_id is not None and case.id is not None
    lead = world.actor(FACILITATOR)
    meetings.choose_case(world.ctx, actor=lead, meeting_id=meeting_id, case_id=case.id)
    held = play_to_the_end(
        world.ctx, workspace_id=world.workspace_id, meeting_id=meeting_id, facilitator=FACILITATOR
    )
    meeting = world.store.meetings[meeting_id]
    assert meeting.state is MeetingState.EVALUATED
    assert held == len(library().get(method_id).all_phases)
    assert all(r.status is RoundStatus.COMPLETE for r in meeting.rounds)
    assert (
        meetings.publish_report(world.ctx, actor=lead, meeting_id=meeting_id).state
        is MeetingState.REPORTED
    )
