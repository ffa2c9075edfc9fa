"""Preparation tasks are due in local wall-clock time, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.domain.tasks import PreparationTask, TaskKind
from core.domain.times import local_offset

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("meeting_local", "offset", "due_local"),
    [
        # spring forward (28 March 2027): two days before 10:00 is 10:00
        (datetime(2027, 3, 29, 10, 0), timedelta(days=-2), datetime(2027, 3, 27, 10, 0)),
        # fall back (31 October 2027): two days after 10:00 is 10:00
        (datetime(2027, 10, 30, 10, 0), timedelta(days=2), datetime(2027, 11, 1, 10, 0)),
        # no change in between: the same as in UTC
        (datetime(2027, 6, 15, 14, 30), timedelta(days=-1), datetime(2027, 6, 14, 14, 30)),
    ],
)
def test_an_offset_in_days_keeps_the_local_hour(
    meeting_local: datetime, offset: timedelta, due_local: datetime
) -> None:
    meeting_at = meeting_local.replace(tzinfo=AMS).astimezone(UTC)
    due = local_offset(meeting_at, offset, "Europe/Amsterdam")
    assert due.tzinfo is UTC
    assert due.astimezone(AMS).replace(tzinfo=None) == due_local


def test_a_task_follows_its_meeting_in_the_workspaces_zone() -> None:
    meeting_at = datetime(2027, 3, 29, 10, 0, tzinfo=AMS).astimezone(UTC)
    task = PreparationTask.for_meeting(
        meeting_id=1,
        person="U1",
        kind=TaskKind.BRING_CASE,
        meeting_at=meeting_at,
        zone="Europe/Amsterdam",
    )
    assert task.due_at.astimezone(AMS).hour == 10
    moved = datetime(2027, 11, 2, 10, 0, tzinfo=AMS).astimezone(UTC)
    task.follow_meeting(moved, "Europe/Amsterdam")
    assert task.due_at.astimezone(AMS) == datetime(2027, 10, 30, 10, 0, tzinfo=AMS)  # 3 days before
