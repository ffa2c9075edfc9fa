"""Outlook events and To Do tasks through Microsoft Graph: our real server, its outbox
and the Teams adapter against a local fake Graph and the fake token endpoint (SQLite and
PostgreSQL). A planned trajectory puts an event with a Teams meeting per meeting into each
person's calendar and a task per preparation task into each member's To Do list, linked
to the meeting; moves, call-offs and tasks done follow; throttling waits without counting
an attempt; nothing of a case ever reaches Graph; Slack groups send nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.domain.common import Platform
from core.domain.tasks import TaskKind
from core.interactions import admit
from core.jobs.outbox_worker import run_once
from core.services import groups, meetings, preparation, trajectories
from core.services.context import Actor
from core.storage.tables import outbox
from core.views import actions as a
from tests.support.graph_fake import FakeGraph, fake_graph
from tests.support.teams_harness import TeamsHarness, running_teams
from tests.support.teams_servers import MicrosoftStandIns

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
FACILITATOR = "aad-f"
MEMBERS = ["aad-1", "aad-2", "aad-3"]
PEOPLE = [*MEMBERS, FACILITATOR]
SECRET = "Zr7-confidential"


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with fake_graph() as served:
        yield served


@pytest.fixture
def teams(
    db_url: str, microsoft: MicrosoftStandIns, graph: FakeGraph, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TeamsHarness]:
    with running_teams(
        db_url,
        microsoft,
        monkeypatch,
        MICROSOFT_GRAPH_URL=graph.base,
        MICROSOFT_GRAPH_CALENDARS=True,
    ) as harness:
        yield harness


def _plan(teams: TeamsHarness, count: int = 2) -> tuple[int, list[int]]:
    workspace, group_id = teams.group(MEMBERS, introduce=(FACILITATOR, *MEMBERS))
    planned = trajectories.plan_trajectory(
        teams.app.ctx,
        actor=Actor(workspace, FACILITATOR),
        group_id=group_id,
        first=datetime(2031, 3, 18, 14, 0),  # Amsterdam moves its clocks on 30 March
        time_zone="Europe/Amsterdam",
        rule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
        count=count,
    )
    return workspace, [m.id or 0 for m in planned.meetings]


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=AMSTERDAM).astimezone(UTC)


def _task(teams: TeamsHarness, meeting_id: int, person: str, kind: TaskKind) -> Any:
    with teams.app.ctx.uow() as uow:
        return next(
            t for t in uow.tasks.for_meeting(meeting_id) if t.person == person and t.kind is kind
        )


def _by_start(events: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(events.values(), key=lambda e: e["start"]["dateTime"])


def test_a_planned_trajectory_puts_an_event_per_meeting_and_a_task_per_preparation_task(
    teams: TeamsHarness, graph: FakeGraph
) -> None:
    workspace, (first, _) = _plan(teams)
    case = preparation.submit_case(
        teams.app.ctx,
        actor=Actor(workspace, MEMBERS[0]),
        group_id=_group(teams),
        title=f"Title {SECRET}",
        help_question=f"Question {SECRET}?",
        description=f"Story {SECRET}",
    )
    meetings.choose_case(
        teams.app.ctx, actor=Actor(workspace, FACILITATOR), meeting_id=first, case_id=case.id or 0
    )
    teams.deliver()

    for person in PEOPLE:
        events = _by_start(graph.events[person])
        assert len(events) == 2, person  # one per meeting, the facilitator's too
        assert [e["start"] for e in events] == [
            {"dateTime": "2031-03-18T14:00:00", "timeZone": "Europe/Amsterdam"},
            {"dateTime": "2031-04-01T14:00:00", "timeZone": "Europe/Amsterdam"},  # after DST
        ]
        for event in events:
            assert event["isOnlineMeeting"] is True
            assert event["onlineMeetingProvider"] == "teamsForBusiness"
            assert event["subject"] == "Intervision: G"
            assert event["end"]["dateTime"] > event["start"]["dateTime"]
            assert (
                "Meeting 1 of G" in event["body"]["content"]
                or "Meeting 2" in event["body"]["content"]
            )
    assert FACILITATOR not in graph.tasks  # tasks are the members'
    links = {person: {e["webLink"] for e in graph.events[person].values()} for person in MEMBERS}
    for person in MEMBERS:
        tasks = list(graph.tasks[person].values())
        # 4 a meeting, the intake and the final evaluation, and reading the case; its owner
        # brought it before their calendar was written: that task is not written at all.
        assert len(tasks) == 2 * 4 + 2 + (1 if person != MEMBERS[0] else -1)
        for task in tasks:
            [linked] = task["linkedResources"]
            assert linked["webUrl"] in links[person]  # back to the meeting, in their calendar
            assert linked["applicationName"] == "Intervision"
            assert task["status"] == "notStarted"
        reread = next(t for t in tasks if t["title"].startswith("Re-read"))
        assert reread["dueDateTime"]["timeZone"] == "Europe/Amsterdam"

    # Nothing of the case reaches Graph; every call carries the app's token.
    assert SECRET not in json.dumps([c.body for c in graph.calls])
    assert {c.authorization for c in graph.calls} == {"Bearer test-bot-token"}
    # Delivered once: going over the outbox again writes nothing.
    before = len(graph.calls)
    teams.deliver()
    assert len(graph.calls) == before


def _group(teams: TeamsHarness) -> int:
    with teams.app.ctx.uow() as uow:
        [group] = uow.groups.list()
        return group.id or 0


def test_moving_and_calling_off_and_a_task_done_follow_in_outlook_and_to_do(
    teams: TeamsHarness, graph: FakeGraph
) -> None:
    workspace, (first, second) = _plan(teams)
    teams.deliver()
    created = len(graph.writes("POST"))
    ctx = teams.app.ctx

    meetings.reschedule_meeting(
        ctx,
        actor=Actor(workspace, FACILITATOR),
        meeting_id=first,
        at=_local(datetime(2031, 3, 20, 15, 30)),
    )
    teams.deliver()
    assert len(graph.writes("POST")) == created  # changed, not made again
    for person in PEOPLE:
        starts = sorted(e["start"]["dateTime"] for e in graph.events[person].values())
        assert starts == ["2031-03-20T15:30:00", "2031-04-01T14:00:00"]
    reread = next(
        t
        for t in graph.tasks[MEMBERS[1]].values()
        if t["title"].startswith("Re-read")
        and t["dueDateTime"]["dateTime"].startswith("2031-03-19")
    )
    assert reread["dueDateTime"] == {
        "dateTime": "2031-03-19T00:00:00",
        "timeZone": "Europe/Amsterdam",
    }
    patched = graph.writes("PATCH")
    assert patched and all(set(c.body) != {"status"} for c in patched)

    meetings.cancel_meeting(ctx, actor=Actor(workspace, FACILITATOR), meeting_id=second)
    teams.deliver()
    for person in PEOPLE:
        [left] = graph.events[person].values()
        assert left["start"]["dateTime"] == "2031-03-20T15:30:00"
    for person in MEMBERS:  # the second meeting's tasks are gone, the final evaluation too
        assert len(graph.tasks[person]) == 4 + 1

    # A task done from the Teams personal chat is ticked off in To Do.
    task = _task(teams, first, MEMBERS[2], TaskKind.REREAD_GOALS)
    teams.ok(teams.card_action(MEMBERS[2], a.TASK_DONE, {"value": task.id}))
    teams.deliver()
    done = [t for t in graph.tasks[MEMBERS[2]].values() if t["status"] == "completed"]
    assert [t["title"] for t in done] == [reread["title"]]


def test_a_throttled_calendar_waits_for_retry_after_without_counting_an_attempt(
    teams: TeamsHarness, graph: FakeGraph
) -> None:
    _plan(teams, count=1)
    graph.fail_next.append((429, {"Retry-After": "30"}))
    now = datetime.now(UTC)
    engine, deliver = teams.app.engine, teams.app.deliver
    for _ in range(20):
        if not run_once(engine, deliver, now=now).claimed:
            break
    with engine.connect() as connection:
        [waiting] = connection.execute(
            select(outbox).where(outbox.c.topic == "person.calendar", outbox.c.status == "pending")
        ).all()
    assert waiting.attempts == 0 and "429" in (waiting.last_error or "")
    assert waiting.available_at >= now + timedelta(seconds=29)
    assert run_once(engine, deliver, now=now + timedelta(seconds=10)).claimed == 0
    assert run_once(engine, deliver, now=now + timedelta(seconds=31)).delivered == 1
    for person in PEOPLE:  # each event once, none lost, none twice
        assert len(graph.events[person]) == 1


def test_nothing_is_written_for_a_slack_group(teams: TeamsHarness, graph: FakeGraph) -> None:
    ctx = teams.app.ctx
    workspace = admit(ctx, Platform.SLACK, "T0SLACK", installed=True) or 0
    group = groups.create_group(
        ctx,
        actor=Actor(workspace, "", is_admin=True),
        name="Slack peers",
        channel="C0PEERS",
        members=["U1", "U2", "U3"],
        facilitator="UF",
        locale="en",
    ).group
    meetings.schedule_meeting(
        ctx,
        actor=Actor(workspace, "UF"),
        group_id=group.id or 0,
        at=_local(datetime(2031, 3, 18, 14, 0)),
        time_zone="Europe/Amsterdam",
    )
    with teams.app.engine.connect() as connection:
        rows = connection.execute(select(outbox).where(outbox.c.topic == "person.calendar"))
        assert rows.all() == []
    assert graph.calls == []
