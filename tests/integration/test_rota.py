"""The rota over a planned trajectory, on SQLite and PostgreSQL: who brings the case and
who chairs go round fairly, the chair never brings the case, a meeting starts with the
rota's chair, and a swap exchanges turns."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine

from core.bootstrap import bootstrap
from core.domain.common import Platform
from core.domain.errors import NotAllowed, NotPossibleNow
from core.domain.meeting import MeetingState
from core.services import groups, meetings, rotas, trajectories
from core.services.context import Actor, Context
from tests.support.factories import library
from tests.support.fakes import FakeClock

FACILITATOR = "U_FACIL"
MEMBERS = [f"U_M{i}" for i in range(1, 6)]


def _planned(engine: Engine, *, rotating_chair: bool, count: int = 8) -> tuple[Context, int, int]:
    ctx = bootstrap(engine, methods=library(), clock=FakeClock())
    workspace = groups.ensure_workspace(ctx, platform=Platform.SLACK, external_id="T1")
    assert workspace.id is not None
    group = groups.create_group(
        ctx,
        actor=Actor(workspace.id, "", is_admin=True),
        name="Ward 5 peers",
        channel="C_GROUP",
        members=MEMBERS,
        facilitator=None if rotating_chair else FACILITATOR,
        rotating_chair=rotating_chair,
        method_id="incident",
    ).group
    assert group.id is not None
    trajectories.plan_trajectory(
        ctx,
        actor=Actor(workspace.id, "", is_admin=True),
        group_id=group.id,
        first=datetime(2031, 1, 14, 14, 0),
        time_zone="Europe/Amsterdam",
        rule="FREQ=WEEKLY;INTERVAL=4;BYDAY=TU",
        count=count,
    )
    return ctx, workspace.id, group.id


def _turns(ctx: Context, group_id: int) -> list[tuple[str | None, str | None]]:
    with ctx.uow() as uow:
        found = uow.meetings.schedule_of([group_id])
    return [(m.case_turn, m.chair_turn) for m in found if m.state is MeetingState.PLANNED]


def test_turns_go_round_and_the_chair_never_brings_the_case(engine: Engine) -> None:
    ctx, ws, group_id = _planned(engine, rotating_chair=True)
    turns = _turns(ctx, group_id)
    cases = [case for case, _ in turns]
    assert cases[:5] == MEMBERS and cases[5:] == MEMBERS[:3]
    assert all(chair is not None and chair != case for case, chair in turns)
    assert len({chair for _, chair in turns[:4]}) == 4
    # The meeting starts with the rota's chair.
    started = meetings.start_meeting(ctx, actor=Actor(ws, MEMBERS[4]), group_id=group_id)
    assert started.meeting.chair == turns[0][1]


def test_a_group_with_a_facilitator_has_case_turns_and_no_chair_turns(engine: Engine) -> None:
    ctx, _, group_id = _planned(engine, rotating_chair=False)
    assert {chair for _, chair in _turns(ctx, group_id)} == {None}


def test_a_swap_exchanges_turns_and_a_skip_gives_it_to_the_next(engine: Engine) -> None:
    ctx, ws, group_id = _planned(engine, rotating_chair=False)
    first, second = MEMBERS[0], MEMBERS[1]
    _, now_with = rotas.swap_turn(
        ctx, actor=Actor(ws, first), group_id=group_id, with_person=MEMBERS[3]
    )
    assert now_with == MEMBERS[3]
    cases = [case for case, _ in _turns(ctx, group_id)]
    assert cases[:5] == [MEMBERS[3], second, MEMBERS[2], first, MEMBERS[4]]
    # Skipping: the next in line after one's turn takes it, and one takes theirs.
    rotas.swap_turn(ctx, actor=Actor(ws, second), group_id=group_id)
    cases = [case for case, _ in _turns(ctx, group_id)]
    assert cases[1:3] == [MEMBERS[2], second]
    with pytest.raises(NotAllowed) as stranger:
        rotas.swap_turn(ctx, actor=Actor(ws, second), group_id=group_id, with_person="U_NOBODY")
    assert stranger.value.key == "rota.not_a_member"
    with pytest.raises(NotAllowed) as facilitator:
        rotas.swap_turn(ctx, actor=Actor(ws, FACILITATOR), group_id=group_id)
    assert facilitator.value.key == "rule.only_group_members"


def test_a_member_without_a_turn_coming_up_is_told_so(engine: Engine) -> None:
    ctx, ws, group_id = _planned(engine, rotating_chair=False, count=2)
    with pytest.raises(NotPossibleNow) as refused:
        rotas.swap_turn(ctx, actor=Actor(ws, MEMBERS[4]), group_id=group_id)
    assert refused.value.key == "rota.no_turn"
