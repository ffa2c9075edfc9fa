"""Drives a meeting through every phase with the people each phase lets speak.

Used by tests that play whole meetings; it asks the domain who is due and never decides
anything the core decides."""

from __future__ import annotations

from core.domain.meeting import MeetingState
from core.domain.method import Speakers
from core.services import contributions, meetings
from core.services.context import Actor, Context


def contribute_for_phase(
    ctx: Context, *, workspace_id: int, meeting_id: int, facilitator: str
) -> int:
    """Let everyone the current phase asks for speak once; returns how many spoke."""
    with ctx.uow() as uow:
        meeting = uow.meetings.get(meeting_id)
    phase, current = meeting.phase, meeting.current_round
    assert phase is not None and current is not None
    if phase.speakers is Speakers.FREE:
        speakers = [p for p in meeting.participants if p != meeting.case_owner][:2]
    elif phase.speakers is Speakers.FACILITATOR:
        speakers = [meeting.chair or facilitator]
    else:
        speakers = list(current.order)
    for person in speakers:
        text = "4 - useful" if phase.kinds[0].value == "rating" else f"{phase.id} by {person}?"
        contributions.contribute(
            ctx, actor=Actor(workspace_id, person), meeting_id=meeting_id, text=text
        )
    return len(speakers)


def play_to_the_end(ctx: Context, *, workspace_id: int, meeting_id: int, facilitator: str) -> int:
    """From case chosen to evaluated; returns the number of phases held."""
    lead = Actor(workspace_id, facilitator)
    held = 0
    meeting = meetings.advance_phase(ctx, actor=lead, meeting_id=meeting_id)
    while meeting.state in (MeetingState.IN_PHASE, MeetingState.CLOSING):
        contribute_for_phase(
            ctx, workspace_id=workspace_id, meeting_id=meeting_id, facilitator=facilitator
        )
        held += 1
        meeting = meetings.advance_phase(
            ctx, actor=lead, meeting_id=meeting_id, expected_position=meeting.position
        )
    return held
