"""Slack, Teams and the sandbox give the same answer to the same command, click and form.

One real server with all three platforms on, each driven over its own protocol, with the
same group on each. Every step is done by the same role on all three; each platform must
show its answer to that person, and the core's neutral replies must be equal (ids aside).
The steps move the three meetings in lockstep, so that clicks meet the same state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest

from core.interactions import Reply
from core.services import queries
from core.views import actions as a
from tests.support.everywhere import Everywhere, everywhere, normalised
from tests.support.teams_servers import MicrosoftStandIns

Step = Callable[[Any], Reply]


@pytest.fixture
def world(
    db_url: str, microsoft: MicrosoftStandIns, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Everywhere]:
    with everywhere(db_url, microsoft, monkeypatch) as built:
        yield built


def _same(world: Everywhere, what: str, step: Step) -> dict[str, Any]:
    """Do ``step`` on every platform; their normalised replies must be equal."""
    answers = {driver.platform.value: normalised(step(driver), driver) for driver in world}
    first = answers["slack"]
    for platform, answer in answers.items():
        assert answer == first, f"{what}: {platform} answered differently\n{answers}"
    return first


def _value(driver: Any, detail: str) -> str:
    return a.meeting_value(driver.meeting_id(), detail)


def _refused(answer: dict[str, Any], key: str, field: str | None = None) -> None:
    [notice] = answer["notices"]
    assert notice["refusal"] and notice["key"] == key, answer
    assert notice["field"] == field, answer


def test_every_intent_gets_the_same_answer_on_slack_teams_and_the_sandbox(
    world: Everywhere,
) -> None:
    # ------------------------------------------------------------- commands and screens
    answer = _same(world, "help", lambda d: d.command("m1", "help"))
    assert answer["screen"]["name"] == "help" and not answer["notices"]
    answer = _same(world, "an unknown word", lambda d: d.command("m1", "dance"))
    assert answer["screen"] == {
        "name": "help",
        "unknown_word": "dance",
        "meeting_id": None,
        "group_id": None,
    }
    assert _same(world, "tasks", lambda d: d.command("m1", "tasks"))["screen"]["name"] == "tasks"
    answer = _same(world, "calendar", lambda d: d.command("m1", "calendar"))
    assert answer["screen"]["name"] == "calendar" and not answer["notices"]
    answer = _same(world, "away", lambda d: d.command("m1", "away 24 Dec to 2 Jan"))
    assert answer["notices"][0]["key"] == "away.saved"
    assert answer["notices"][0]["params"]["first"].endswith("-12-24")
    assert _same(world, "back", lambda d: d.command("m1", "back"))["notices"][0]["key"] == (
        "away.back"
    )
    assert _same(world, "away alone", lambda d: d.command("m1", "away"))["notices"][0]["key"] == (
        "away.how"
    )
    _refused(
        _same(world, "away unreadable", lambda d: d.command("m1", "away whenever")),
        "away.unreadable",
    )
    answer = _same(world, "quiet hours", lambda d: d.command("m1", "quiet 21:00-07:00"))
    assert answer["notices"][0]["params"] == {"start": "21:00", "end": "07:00"}
    answer = _same(world, "report before any meeting", lambda d: d.command("m1", "report"))
    assert answer["notices"][0]["key"] == "report.none_yet"
    answer = _same(world, "report for a manager", lambda d: d.command("manager", "report"))
    assert answer["screen"] == {
        "name": "health",
        "unknown_word": None,
        "meeting_id": None,
        "group_id": "<group>",
    }
    _refused(
        _same(world, "report for a stranger", lambda d: d.command("stranger", "report")),
        "rule.only_group_members",
    )
    _refused(
        _same(world, "group by a member", lambda d: d.command("m1", "group")),
        "rule.only_managers_create_groups",
    )
    answer = _same(world, "group by a manager", lambda d: d.command("manager", "group"))
    assert answer["form"]["form"] == a.FORM_GROUP and answer["form"]["channel"] == "<channel>"
    _refused(
        _same(world, "schedule by a member", lambda d: d.command("m1", "schedule")),
        "rule.only_facilitator_or_chair",
    )

    # ------------------------------------------------------------- planning, with bad input
    answer = _same(world, "schedule", lambda d: d.command("facilitator", "schedule"))
    assert answer["form"] == {
        "form": a.FORM_SCHEDULE,
        "group_id": "<group>",
        "meeting_id": None,
        "goal_id": None,
        "channel": None,
    }
    past = datetime.now(UTC) - timedelta(days=1)
    _refused(
        _same(
            world,
            "a meeting in the past",
            lambda d: d.submit("facilitator", a.FORM_SCHEDULE, {a.INPUT_WHEN: past}),
        ),
        "meeting.in_the_past",
        a.INPUT_WHEN,
    )
    when = (datetime.now(UTC) + timedelta(days=14)).replace(hour=13, minute=30, second=0)
    answer = _same(
        world,
        "a meeting planned",
        lambda d: d.submit("facilitator", a.FORM_SCHEDULE, {a.INPUT_WHEN: when}),
    )
    assert answer["notices"][0]["key"] == "meeting.scheduled_notice"
    answer = _same(world, "reschedule", lambda d: d.command("facilitator", "schedule"))
    assert answer["form"]["meeting_id"] == "<meeting>"  # the planned one, to move it
    later = when + timedelta(days=7)
    answer = _same(
        world,
        "the meeting moved",
        lambda d: d.submit("facilitator", a.FORM_SCHEDULE, {a.INPUT_WHEN: later}),
    )
    assert answer["notices"][0]["key"] == "meeting.scheduled_notice"
    assert answer["meeting_id"] == "<meeting>"
    for driver in world:
        moved = queries.meeting_for(
            driver.app.ctx, actor=driver.actor("m1"), meeting_id=driver.meeting_id()
        )
        assert moved.scheduled_at == later.replace(microsecond=0), driver.platform

    # ------------------------------------------------------------- cases
    answer = _same(world, "start", lambda d: d.command("m1", "start"))
    assert answer["notices"] == [] and answer["meeting_id"] == "<meeting>"
    answer = _same(world, "start again", lambda d: d.command("m1", "start"))
    assert answer["notices"][0]["key"] == "meeting.already_running"
    answer = _same(world, "the case form", lambda d: d.click("m2", a.CASE_OPEN_FORM, ""))
    assert answer["form"]["form"] == a.FORM_CASE
    _refused(
        _same(
            world,
            "a case without a title",
            lambda d: d.submit("m2", a.FORM_CASE, {a.INPUT_TITLE: " ", a.INPUT_HELP_QUESTION: "?"}),
        ),
        "error.text_required",
        a.INPUT_TITLE,
    )
    _refused(
        _same(
            world,
            "an oversized help question",
            lambda d: d.submit(
                "m2", a.FORM_CASE, {a.INPUT_TITLE: "T", a.INPUT_HELP_QUESTION: "x" * 501}
            ),
        ),
        "error.text_too_long",
        a.INPUT_HELP_QUESTION,
    )
    answer = _same(
        world,
        "a case brought in",
        lambda d: d.submit(
            "m2",
            a.FORM_CASE,
            {a.INPUT_TITLE: "A night <shift> & more", a.INPUT_HELP_QUESTION: "How do I say no?"},
        ),
    )
    assert answer["notices"][0]["params"] == {"title": "A night <shift> & more"}

    # ------------------------------------------------------------- learning goals
    answer = _same(world, "goals", lambda d: d.command("m3", "goals"))
    assert answer["form"]["form"] == a.FORM_GOAL and answer["form"]["goal_id"] is None
    _refused(
        _same(
            world,
            "a checklist criterion that does not exist",
            lambda d: d.submit(
                "m3", a.FORM_GOAL, {a.INPUT_GOAL: "I ask first", a.INPUT_CRITERIA: ["telepathy"]}
            ),
        ),
        "input.unknown_choice",
        a.INPUT_CRITERIA,
    )
    answer = _same(
        world,
        "a goal saved",
        lambda d: d.submit(
            "m3", a.FORM_GOAL, {a.INPUT_GOAL: "I ask first", a.INPUT_CRITERIA: ["positive"]}
        ),
    )
    assert answer["notices"][0]["key"] == "goal.saved"
    answer = _same(world, "goals again", lambda d: d.command("m3", "goals"))
    assert answer["form"]["goal_id"] == "<goal>"  # the latest, to revise it
    answer = _same(world, "goals new", lambda d: d.command("m3", "goals new"))
    assert answer["form"]["goal_id"] is None

    # ------------------------------------------------------------- pacing the meeting
    _refused(
        _same(
            world,
            "a member chooses the case",
            lambda d: d.click("m1", a.MEETING_CHOOSE_CASE, _value(d, str(_case(d)))),
        ),
        "rule.only_facilitator_or_chair",
    )
    answer = _same(
        world,
        "the facilitator chooses it",
        lambda d: d.click("facilitator", a.MEETING_CHOOSE_CASE, _value(d, str(_case(d)))),
    )
    assert answer == {**answer, "notices": [], "meeting_id": "<meeting>"}
    _same(
        world,
        "begin",
        lambda d: d.click("facilitator", a.MEETING_ADVANCE, _value(d, "case_chosen")),
    )
    _refused(
        _same(
            world,
            "a stale click on next phase",
            lambda d: d.click("facilitator", a.MEETING_ADVANCE, _value(d, "case_chosen")),
        ),
        "meeting.already_moved_on",
    )
    _refused(
        _same(
            world,
            "a pass out of turn",
            lambda d: d.click("m4", a.MEETING_PASS, _value(d, "phase:0")),
        ),
        "round.not_due",
    )
    answer = _same(
        world,
        "the contribute form",
        lambda d: d.click("m2", a.MEETING_CONTRIBUTE, _value(d, "phase:0")),
    )
    assert answer["form"]["form"] == a.FORM_CONTRIBUTE
    _refused(
        _same(
            world,
            "an empty contribution",
            lambda d: d.submit("m2", a.FORM_CONTRIBUTE, {a.INPUT_TEXT: "  "}),
        ),
        "error.text_required",
        a.INPUT_TEXT,
    )
    answer = _same(
        world,
        "a contribution",
        lambda d: d.submit("m2", a.FORM_CONTRIBUTE, {a.INPUT_TEXT: "It began on a Sunday"}),
    )
    assert answer["notices"][0]["key"] == "contribution.posted"
    _refused(
        _same(
            world,
            "someone else's task",
            lambda d: d.click("m1", a.TASK_DONE, _task_of(d, "m2")),
        ),
        "task.not_yours",
    )
    answer = _same(world, "my own task", lambda d: d.click("m1", a.TASK_DONE, _task_of(d, "m1")))
    assert answer["notices"][0]["key"] == "task.marked_done"
    answer = _same(world, "skip a task", lambda d: d.click("m1", a.TASK_SKIP, _task_of(d, "m1")))
    assert answer["notices"][0]["key"] == "task.marked_skipped"
    _refused(
        _same(world, "skip another's", lambda d: d.click("m1", a.TASK_SKIP, _task_of(d, "m2"))),
        "task.not_yours",
    )
    answer = _same(world, "a new calendar link", lambda d: d.click("m1", a.CALENDAR_RENEW, ""))
    assert answer["notices"][0]["key"] == "calendar.renewed"
    assert answer["screen"]["name"] == "calendar"
    _refused(
        _same(world, "an unknown button", lambda d: d.click("m1", "meeting.dance", "")),
        "input.unknown_action",
    )

    # ------------------------------------------------------------- a trajectory
    _refused(
        _same(world, "a member plans", lambda d: d.command("m1", "trajectory")),
        "rule.only_facilitator_or_manager",
    )
    answer = _same(world, "trajectory", lambda d: d.command("facilitator", "trajectory"))
    assert answer["form"]["form"] == a.FORM_TRAJECTORY
    first = (datetime.now(UTC) + timedelta(days=60)).replace(
        hour=13, minute=0, second=0, microsecond=0
    )
    hourly = {a.INPUT_WHEN: first, a.INPUT_RULE: "FREQ=HOURLY", a.INPUT_COUNT: "3"}
    _refused(
        _same(
            world, "an hourly rule", lambda d: d.submit("facilitator", a.FORM_TRAJECTORY, hourly)
        ),
        "trajectory.bad_frequency",
    )
    answer = _same(world, "trajectory form again", lambda d: d.command("facilitator", "trajectory"))
    plan = {a.INPUT_WHEN: first, a.INPUT_CADENCE: "four_weekly", a.INPUT_COUNT: "3"}
    answer = _same(
        world,
        "a trajectory planned",
        lambda d: d.submit("facilitator", a.FORM_TRAJECTORY, plan),
    )
    [planned] = answer["notices"]
    assert planned["key"] == "trajectory.planned" and planned["params"]["count"] == 3
    for driver in world:
        with driver.app.ctx.uow() as uow:
            found = uow.meetings.schedule_of([driver.group_id()])
        local = [m.scheduled_at.astimezone(UTC) for m in found if m.trajectory_id is not None]
        assert len(local) == 3, driver.platform
        gaps = {later.date() - earlier.date() for earlier, later in pairwise(local)}
        assert gaps == {timedelta(weeks=4)}, driver.platform

    # ------------------------------------------------------------- the rota
    answer = _same(world, "my turn", lambda d: d.command("m1", "turn"))
    assert answer["form"]["form"] == a.FORM_TURN
    _refused(
        _same(
            world,
            "swap with a stranger",
            lambda d: d.submit("m1", a.FORM_TURN, {a.INPUT_SWAP_WITH: d.people["stranger"]}),
        ),
        "rota.not_a_member",
    )
    answer = _same(world, "my turn again", lambda d: d.command("m1", "turn"))
    answer = _same(world, "skip my turn", lambda d: d.submit("m1", a.FORM_TURN, {}))
    assert answer["notices"][0]["key"] == "rota.swapped"
    for driver in world:
        with driver.app.ctx.uow() as uow:
            found = uow.meetings.schedule_of([driver.group_id()])
        planned = [m.case_turn for m in found if m.state.value == "planned"]
        m1 = driver.people["m1"]
        assert planned[0] != m1 and m1 in planned[1:], driver.platform  # a later turn


def _case(driver: Any) -> int:
    meeting = queries.meeting_for(
        driver.app.ctx, actor=driver.actor("m2"), meeting_id=driver.meeting_id()
    )
    snapshot = queries.meeting_snapshot(driver.app.ctx, meeting_id=meeting.id, viewer=None)
    [case] = snapshot.open_cases
    return case.id or 0


def _task_of(driver: Any, role: str) -> str:
    overview = queries.overview(driver.app.ctx, actor=driver.actor(role))
    return next(t.id for t in overview.tasks if t.meeting_id == driver.meeting_id())
