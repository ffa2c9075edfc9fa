"""Reminders on Teams: a planned trajectory's reminders reach each member's personal chat
through the Bot Connector, a day ahead, on a controllable clock; none for what is done
(SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from core.domain.tasks import TaskKind
from core.services import preparation, trajectories
from core.services.context import Actor
from tests.support.fakes import FakeClock
from tests.support.teams_harness import TeamsHarness, running_teams
from tests.support.teams_servers import MicrosoftStandIns

PEOPLE = [f"aad-{n}" for n in range(1, 6)]
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2030, 12, 20, 9, 0, tzinfo=UTC))


@pytest.fixture
def teams(
    db_url: str, microsoft: MicrosoftStandIns, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> Iterator[TeamsHarness]:
    with running_teams(db_url, microsoft, monkeypatch, clock=clock) as harness:
        yield harness


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMSTERDAM).astimezone(UTC)


def _personal(teams: TeamsHarness) -> list[str]:
    """What was sent in the personal chats with the bot (the fake Bot Connector numbers
    them as it creates them)."""
    return [
        json.dumps(c.body, ensure_ascii=False)
        for c in teams.connector.sent("POST")
        if c.path.startswith("/v3/conversations/a:personal-")
    ]


def test_teams_members_are_reminded_in_their_personal_chat(
    teams: TeamsHarness, clock: FakeClock
) -> None:
    ws, group_id = teams.group(PEOPLE, introduce=(*PEOPLE, "aad-f"))
    planned = trajectories.plan_trajectory(
        teams.app.ctx,
        actor=Actor(ws, "aad-f"),
        group_id=group_id,
        first=datetime(2031, 1, 14, 14, 0),
        time_zone="Europe/Amsterdam",
        rule="FREQ=WEEKLY;INTERVAL=4;BYDAY=TU",
        count=2,
    )
    teams.deliver()
    first = planned.meetings[0].id or 0
    with teams.app.ctx.uow() as uow:
        reread = next(
            t
            for t in uow.tasks.for_meeting(first)
            if t.person == PEOPLE[2] and t.kind is TaskKind.REREAD_GOALS
        )
    preparation.complete_task(teams.app.ctx, actor=Actor(ws, PEOPLE[2]), task_id=reread.id)
    before = len(_personal(teams))

    clock.current = _local("2031-01-13 14:01")  # a day before the meeting
    teams.deliver()
    said = _personal(teams)[before:]
    # Everything due by then, once each: the five members and the facilitator hear of
    # the meeting; the members of the intake and of bringing a case (one of them as their
    # turn on the rota); four re-read their goals (one did already).
    assert len([t for t in said if "the next meeting of" in t]) == len(PEOPLE) + 1
    assert len([t for t in said if "Re-read your learning goals" in t]) == len(PEOPLE) - 1
    assert len([t for t in said if "Intake" in t]) == len(PEOPLE)
    bring = [t for t in said if "Think of a case" in t or "Your turn on the rota" in t]
    assert len(bring) == len(PEOPLE)
    assert len(said) == (len(PEOPLE) + 1) + (len(PEOPLE) - 1) + 2 * len(PEOPLE)
