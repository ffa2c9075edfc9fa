"""The group's rota over its planned meetings: filled when meetings are planned, changed
when a member skips or swaps a turn (``core.domain.rota`` decides who is next)."""

from __future__ import annotations

from core.domain.common import PersonRef
from core.domain.errors import NotAllowed, NotPossibleNow
from core.domain.group import Group
from core.domain.meeting import Meeting, MeetingState
from core.domain.rota import next_in_line
from core.services import rules
from core.services.context import Actor, Context
from core.services.ports import UnitOfWork


def fill(uow: UnitOfWork, group: Group) -> None:
    """Give each planned meeting of ``group`` without turns its turns, in time order, after
    the meetings held (their case owners and chairs) and the turns given before; not
    committed."""
    assert group.id is not None
    case_history, chair_history = _history(uow, group)
    for meeting in _planned(uow, group):
        if meeting.case_turn is None or (group.rotating_chair and meeting.chair_turn is None):
            case = meeting.case_turn or next_in_line(group.members, case_history)
            chair = meeting.chair_turn
            if group.rotating_chair and chair is None:
                chair = next_in_line(group.members, chair_history, not_={case} if case else set())
            meeting.give_turns(case=case, chair=chair)
            uow.meetings.save(meeting)
        case_history.append(meeting.case_turn)
        chair_history.append(meeting.chair_turn)


def swap_turn(
    ctx: Context, *, actor: Actor, group_id: int, with_person: PersonRef | None = None
) -> tuple[Meeting, PersonRef]:
    """Give the actor's next turn to bring the case to ``with_person`` (taking theirs in
    return, if they have one), or, without ``with_person``, to whoever is next in line
    (skipping it: they take the actor's turn and the actor theirs). Returns the meeting of
    the actor's turn and who has it now. A chair whose meeting is now about their own
    turn hands the chair to the next in line."""
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
        rules.require_same_workspace(actor, group)
        rules.require_member(actor, group)
        me = actor.person
        planned = _planned(uow, group)
        mine = next((m for m in planned if m.case_turn == me), None)
        if mine is None:
            raise NotPossibleNow("rota.no_turn")
        if with_person is not None and (with_person == me or not group.is_member(with_person)):
            raise NotAllowed("rota.not_a_member")
        if with_person is None:
            later = planned[planned.index(mine) + 1 :]
            theirs = next((m for m in later if m.case_turn not in (None, me)), None)
            if theirs is not None:
                other = theirs.case_turn
            else:
                case_history, _ = _history(uow, group)
                other = next_in_line(group.members, case_history, not_={me})
        else:
            other = with_person
            theirs = next((m for m in planned if m.case_turn == other), None)
        if other is None:
            raise NotPossibleNow("rota.nobody_to_swap")
        _give(uow, group, mine, other)
        if theirs is not None:
            _give(uow, group, theirs, me)
        uow.commit()
        return mine, other


def next_turn(ctx: Context, *, actor: Actor, group_id: int) -> Meeting | None:
    """The planned meeting at which it is the actor's turn to bring the case, if any."""
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
        rules.require_same_workspace(actor, group)
        rules.require_member(actor, group)
        return next((m for m in _planned(uow, group) if m.case_turn == actor.person), None)


def _give(uow: UnitOfWork, group: Group, meeting: Meeting, person: PersonRef) -> None:
    chair = meeting.chair_turn
    if chair == person:
        _, chair_history = _history(uow, group)
        chair = next_in_line(group.members, chair_history, not_={person})
    meeting.give_turns(case=person, chair=chair)
    uow.meetings.save(meeting)


def _planned(uow: UnitOfWork, group: Group) -> list[Meeting]:
    meetings = uow.meetings.schedule_of([group.id or 0])
    return [m for m in meetings if m.state is MeetingState.PLANNED]


def _history(
    uow: UnitOfWork, group: Group
) -> tuple[list[PersonRef | None], list[PersonRef | None]]:
    """Who brought the case and who chaired, in the meetings held or under way, in order."""
    meetings = uow.meetings.schedule_of([group.id or 0])
    past = [m for m in meetings if m.state not in (MeetingState.PLANNED, MeetingState.CANCELLED)]
    past.sort(key=lambda m: m.started_at or m.scheduled_at)
    return [m.case_owner for m in past], [m.chair for m in past]
