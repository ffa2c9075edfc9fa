"""Groups, learning goals with their checklist, preparation tasks, the advice nudge."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.domain.errors import InvalidInput, NotAllowed, NotPossibleNow
from core.domain.goals import Criterion, LearningGoal
from core.domain.group import Group, Role
from core.domain.nudge import looks_like_advice
from core.domain.tasks import PreparationTask, TaskKind, TaskStatus

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def group(n: int) -> Group:
    return Group.create(
        workspace_id=1,
        name=" Peers ",
        channel="C1",
        members=[f"U{i}" for i in range(n)],
        facilitator="F",
        managers=["M"],
    )


@pytest.mark.parametrize(
    ("size", "warning"),
    [(3, "group.warning_small"), (4, None), (8, None), (9, "group.warning_large")],
)
def test_outside_four_to_eight_members_is_allowed_with_a_warning(
    size: int, warning: str | None
) -> None:
    assert group(size).size_warning() == warning


def test_roles_and_membership_changes() -> None:
    g = group(4)
    assert g.name == "Peers"
    assert g.roles_of("U0") == {Role.MEMBER}
    assert g.roles_of("F") == {Role.FACILITATOR}
    assert g.roles_of("M") == {Role.MANAGER}
    assert g.is_involved("F") and not g.is_involved("M")
    g.add_member("U9")
    with pytest.raises(NotPossibleNow):
        g.add_member("U9")
    g.remove_member("U0")
    with pytest.raises(NotPossibleNow):
        g.remove_member("U0")
    assert g.members == ["U1", "U2", "U3", "U9"]


def test_rotating_chair_follows_the_member_order() -> None:
    g = group(4)
    assert g.chair_for(3) == "F"
    g.rotating_chair = True
    assert [g.chair_for(i) for i in range(5)] == ["U0", "U1", "U2", "U3", "U0"]


def test_a_goal_checklist_gives_a_hint_for_each_unmet_criterion() -> None:
    goal = LearningGoal.write(
        group_id=1,
        person="U1",
        text="I ask one open question per visit",
        where_and_when="",
        deadline=None,
        ticked=[Criterion.POSITIVE, Criterion.CONCRETE_BEHAVIOUR],
        now=NOW,
    )
    items = {item.criterion: item for item in goal.checklist()}
    assert items[Criterion.POSITIVE].met and items[Criterion.POSITIVE].hint_key is None
    assert not items[Criterion.TIME_BOUND].met
    assert items[Criterion.TIME_BOUND].hint_key == "goal.hint.time_bound"
    assert goal.quality == (2, 8)
    goal.revise(
        editor="U1",
        text=goal.text,
        where_and_when="at the morning hand-over",
        deadline=date(2027, 3, 1),
        ticked=list(Criterion),
        now=NOW,
    )
    assert goal.quality == (8, 8)
    with pytest.raises(NotAllowed):
        goal.revise(editor="U2", text="x", where_and_when="", deadline=None, ticked=[], now=NOW)


def test_a_goal_with_a_past_deadline_or_no_text_is_refused() -> None:
    with pytest.raises(InvalidInput):
        LearningGoal.write(
            group_id=1,
            person="U1",
            text="x",
            where_and_when="",
            deadline=date(2020, 1, 1),
            ticked=[],
            now=NOW,
        )
    with pytest.raises(InvalidInput):
        LearningGoal.write(
            group_id=1, person="U1", text="  ", where_and_when="", deadline=None, ticked=[], now=NOW
        )


def test_tasks_are_due_relative_to_the_meeting_and_move_with_it() -> None:
    task = PreparationTask.for_meeting(
        meeting_id=1, person="U1", kind=TaskKind.READ_CASE, meeting_at=NOW
    )
    assert task.due_at == NOW - timedelta(hours=2)
    task.follow_meeting(NOW + timedelta(days=7))
    assert task.due_at == NOW + timedelta(days=7, hours=-2)
    assert not task.is_overdue(NOW)
    with pytest.raises(NotAllowed):
        task.complete("U2")
    task.complete("U1")
    assert task.status is TaskStatus.DONE
    with pytest.raises(NotPossibleNow):
        task.skip("U1")


@pytest.mark.parametrize(
    "text",
    [
        "You should call her manager.",
        "Ik zou eerst even bellen.",
        "Als ik jou was, stopte ik ermee",
        "My advice: sleep on it",
    ],
)
def test_plain_advice_is_recognised(text: str) -> None:
    assert looks_like_advice(text)


@pytest.mark.parametrize(
    "text",
    [
        "What did you feel then?",
        "Wat deed je toen?",
        "Would you do it again?",
        "Hoe lang werk je daar al",
        "Ik zou graag willen weten wat je toen deed?",
    ],
)
def test_questions_are_not_mistaken_for_advice(text: str) -> None:
    assert not looks_like_advice(text)
