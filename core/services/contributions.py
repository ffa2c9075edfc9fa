"""Services for speaking in a round: contribute, edit, pass."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.contribution import Contribution
from core.domain.errors import NotFound
from core.domain.group import Mode
from core.domain.meeting import reads_as_advice
from core.domain.method import ContributionKind
from core.domain.tasks import TaskKind
from core.services import calendars
from core.services.context import Actor, Context
from core.services.meetings import load_meeting, save_meeting
from core.services.preparation import done_by_doing


@dataclass(frozen=True)
class Contributed:
    contribution: Contribution
    duplicate: bool = False
    """The same platform message arrived again: nothing was added."""
    nudged: bool = False
    """It read as advice in a question round: the author got a private, friendly nudge."""
    hidden: bool = False
    """A write-first round: it stays private until the round reveals everything together."""
    said_in_public: bool = False
    """A write-first round, but posted where everyone sees it (a thread reply): it counts."""


def contribute(
    ctx: Context,
    *,
    actor: Actor,
    meeting_id: int,
    text: str,
    kind: ContributionKind | None = None,
    source_ref: str | None = None,
) -> Contributed:
    now = ctx.clock.now()
    with ctx.uow() as uow:
        group, meeting = load_meeting(uow, actor, meeting_id)
        if source_ref is not None:
            existing = meeting.contribution_by_source(source_ref)
            if existing is not None:
                return Contributed(contribution=existing, duplicate=True)
        phase = meeting.phase
        contribution = meeting.contribute(
            person=actor.person,
            text=text,
            kind=kind,
            now=now,
            facilitator=group.facilitator,
            source_ref=source_ref,
        )
        nudged = phase is not None and reads_as_advice(phase, contribution)
        rated = contribution.kind is ContributionKind.RATING
        if rated and done_by_doing(uow, meeting_id, actor.person, TaskKind.RATE_MEETING):
            calendars.write_later(ctx, uow, workspace_id=group.workspace_id, people=[actor.person])
        current = meeting.current_round
        if group.mode is Mode.ASYNC and current is not None and current.everyone_done:
            meeting.advance(now=now)
        save_meeting(uow, meeting)
        return Contributed(
            contribution=contribution,
            nudged=nudged,
            hidden=not contribution.revealed,
            said_in_public=phase is not None and phase.write_first and source_ref is not None,
        )


def edit_contribution(
    ctx: Context,
    *,
    actor: Actor,
    meeting_id: int,
    text: str,
    contribution_id: str | None = None,
    source_ref: str | None = None,
) -> Contribution:
    """Change one's own words while the phase is open (a Slack ``message_changed``,
    a Teams edit, or the edit button)."""
    with ctx.uow() as uow:
        _, meeting = load_meeting(uow, actor, meeting_id)
        if contribution_id is None:
            found = meeting.contribution_by_source(source_ref or "")
            if found is None:
                raise NotFound("contribution.not_found")
            contribution_id = found.id
        contribution = meeting.edit_contribution(
            contribution_id=contribution_id, person=actor.person, text=text, now=ctx.clock.now()
        )
        save_meeting(uow, meeting)
        return contribution


def withdraw_deleted(ctx: Context, *, actor: Actor, meeting_id: int, source_ref: str) -> bool:
    """The platform says the message ``source_ref`` in the meeting's thread was deleted:
    the contribution it became is withdrawn (the deleter need not be its author: a
    moderator may delete it). False when nothing came from that message."""
    with ctx.uow() as uow:
        _, meeting = load_meeting(uow, actor, meeting_id)
        if meeting.withdraw_deleted(source_ref=source_ref) is None:
            return False
        save_meeting(uow, meeting)
        return True


def pass_turn(ctx: Context, *, actor: Actor, meeting_id: int) -> None:
    now = ctx.clock.now()
    with ctx.uow() as uow:
        group, meeting = load_meeting(uow, actor, meeting_id)
        meeting.pass_turn(person=actor.person)
        current = meeting.current_round
        if group.mode is Mode.ASYNC and current is not None and current.everyone_done:
            meeting.advance(now=now)
        save_meeting(uow, meeting)
