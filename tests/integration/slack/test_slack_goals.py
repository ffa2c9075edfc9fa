"""Learning goals in Slack: the modal shows the quality checklist with a hint for each
unmet criterion; `goals new` starts another goal. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from core.views import actions as a
from tests.support.slack_world import MEMBERS, SlackWorld, slack_world


@pytest.fixture
def world(db_url: str) -> Iterator[SlackWorld]:
    with slack_world(db_url) as built:
        yield built


def _texts(view: dict[str, object]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def test_goals_modal_checklist_hints_and_a_second_goal(world: SlackWorld) -> None:
    world.add_group()
    member = MEMBERS[0]
    status, _ = world.command(member, "goals")
    assert status == 200
    empty = world.opened_view(a.FORM_GOAL)
    status, body = world.submit(
        member,
        empty,
        {
            a.INPUT_GOAL: "I ask one open question at every hand-over",
            a.INPUT_CRITERIA: ["positive", "concrete_behaviour"],
        },
    )
    assert status == 200, body
    with world.app.ctx.uow() as uow:
        [goal] = uow.goals.for_person(world.workspace_id(), member)
    assert goal.text.startswith("I ask one open question") and goal.quality == (2, 8)

    world.fake.calls.clear()
    world.command(member, "goals")
    again = world.opened_view(a.FORM_GOAL)
    shown = _texts(again)
    assert "2 of 8 quality criteria met" in shown
    assert "Add a date by which you want to have reached it." in shown  # time-bound hint
    assert "Describe behaviour a colleague" not in shown  # met: no hint
    assert json.loads(again["private_metadata"]).get("goal_id") == goal.id

    world.fake.calls.clear()
    world.command(member, "goals new")
    fresh = world.opened_view(a.FORM_GOAL)
    assert "goal_id" not in json.loads(fresh["private_metadata"])
    world.submit(
        member,
        fresh,
        {
            a.INPUT_GOAL: "I plan my week on Monday mornings",
            a.INPUT_WHERE_WHEN: "Mondays at the office",
        },
    )
    with world.app.ctx.uow() as uow:
        assert len(uow.goals.for_person(world.workspace_id(), member)) == 2
