"""A trajectory planned from the CLI reaches every member's tasks and the calendar feeds,
served by the real ``intervision serve`` (SQLite and PostgreSQL); the feed is read back
with ``icalendar`` and expanded with ``recurring-ical-events``."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import requests

from tests.integration.test_cli import create_group, refused, run
from tests.support.serve import serve

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PLAN = (
    "trajectory",
    "plan",
    "--group",
    "1",
    "--start",
    "2031-01-14 14:00",
    "--time-zone",
    "Europe/Amsterdam",
    "--rrule",
    "FREQ=WEEKLY;INTERVAL=4;BYDAY=TU",
    "--count",
    "8",
    "--locale",
    "en",
)
LINK = re.compile(r"(http://\S+\.ics)\s+(webcal://\S+\.ics)")


def ok(*args: str, env: dict[str, str]) -> str:
    result = run(*args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _tasks_of(user: str, *, env: dict[str, str]) -> str:
    """What ``intervision tasks list`` prints for ``user`` of workspace T1, in English."""
    return ok(
        "tasks",
        "list",
        "--platform",
        "slack",
        "--workspace",
        "T1",
        "--user",
        user,
        "--locale",
        "en",
        env=env,
    )


def feed_link(*args: str, env: dict[str, str]) -> str:
    found = LINK.search(ok("calendar", *args, "--locale", "en", env=env))
    assert found, "no link printed"
    https, webcal = found.groups()
    assert webcal == "webcal://" + https.removeprefix("http://")
    return https


def events(document: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(document)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_a_trajectory_reaches_tasks_and_feeds_and_changes_follow(db_url: str) -> None:
    env = {"DATABASE_URL": db_url}
    assert create_group(env, "--facilitator", "U9", "--locale", "en").returncode == 0
    planned = ok(*PLAN, env=env)
    lines = [line for line in planned.splitlines() if "Europe/Amsterdam" in line]
    assert len(lines) == 8 and all(" 14:00 Europe/Amsterdam  Planned" in x for x in lines)

    tasks = _tasks_of("U2", env=env)
    assert tasks.count("Write your reflection  (Noord)") == 8
    assert tasks.count("Rate the meeting  (Noord)") == 8
    # The intake two weeks before the first meeting, the final evaluation after the last.
    assert "2030-12-31 14:00 Europe/Amsterdam  open  Intake" in tasks
    assert "2031-08-12 14:00 Europe/Amsterdam  open  Final evaluation" in tasks
    assert "2031-01-16 14:00 Europe/Amsterdam  open  Write your reflection" in tasks

    person = feed_link("link", "--platform", "slack", "--workspace", "T1", "--user", "U2", env=env)
    group = feed_link("link", "--group", "1", env=env)
    assert feed_link("link", "--group", "1", env=env) == group  # the same link until revoked

    moved = ok("meeting", "reschedule", "--meeting", "3", "--at", "2031-03-12 15:30", env=env)
    assert "2031-03-12 15:30 Europe/Amsterdam" in moved
    ok("meeting", "cancel", "--meeting", "4", env=env)

    with serve(db_url) as server:
        path = person.split("/calendar/", 1)[1]
        answer = requests.get(f"{server.url}/calendar/{path}", timeout=10)
        assert answer.status_code == 200
        assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
        document = answer.content
        group_document = requests.get(
            f"{server.url}/calendar/{group.split('/calendar/', 1)[1]}", timeout=10
        ).content

        lines = document.split(b"\r\n")
        assert lines[-1] == b"" and all(len(line) <= 75 and b"\n" not in line for line in lines)
        calendar = icalendar.Calendar.from_ical(document)
        assert calendar["METHOD"] == "PUBLISH" and calendar["VERSION"] == "2.0"
        zones = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
        assert zones == {"Europe/Amsterdam"}
        found = events(document)
        meetings = {uid: e for uid, e in found.items() if uid.startswith("meeting-")}
        assert len(meetings) == 8 and len(found) == 8 + 8 * 4 + 2  # and intake, final evaluation
        starts = sorted(e.decoded("DTSTART") for e in meetings.values())
        # Every meeting at 14:00 local but the moved one, across the change to summer time.
        assert [(s.hour, s.minute) for s in starts] == [(14, 0)] * 2 + [(15, 30)] + [(14, 0)] * 5
        assert str(meetings["meeting-3@intervision"]["SEQUENCE"]) == "1"
        assert str(meetings["meeting-4@intervision"]["STATUS"]) == "CANCELLED"
        assert str(meetings["meeting-1@intervision"]["SEQUENCE"]) == "0"
        cancelled_tasks = [
            e for uid, e in found.items() if uid.startswith("task-") and e["STATUS"] == "CANCELLED"
        ]
        assert len(cancelled_tasks) == 4  # the called-off meeting's

        # Expanded by a calendar library, the feed gives the same instants as planned.
        window = recurring_ical_events.of(calendar).between(
            datetime(2031, 1, 1, tzinfo=UTC), datetime(2031, 12, 31, tzinfo=UTC)
        )
        expanded = sorted(
            e.decoded("DTSTART").astimezone(UTC) for e in window if "meeting-" in str(e["UID"])
        )
        listed = ok("meeting", "list", "--group", "1", env=env)
        planned_instants = sorted(
            datetime.strptime(" ".join(line.split()[1:3]), "%Y-%m-%d %H:%M")
            .replace(tzinfo=AMSTERDAM)
            .astimezone(UTC)
            for line in listed.splitlines()
        )
        assert expanded == planned_instants

        # The group's feed: its meetings, no one's tasks.
        assert set(events(group_document)) == set(meetings)

        # Revoked: the old link is gone, the new one works.
        renewed = feed_link(
            "revoke", "--platform", "slack", "--workspace", "T1", "--user", "U2", env=env
        )
        assert renewed != person
        gone = requests.get(f"{server.url}/calendar/{path}", timeout=10)
        assert gone.status_code == 404
        again = requests.get(
            f"{server.url}/calendar/{renewed.split('/calendar/', 1)[1]}", timeout=10
        )
        assert again.status_code == 200 and set(events(again.content)) == set(found)
        for bad in (
            "/calendar/x.ics",
            "/calendar/../../etc/passwd",
            "/calendar/" + "A" * 80 + ".ics",
        ):
            assert requests.get(server.url + bad, timeout=10).status_code == 404
        assert requests.post(f"{server.url}/calendar/{path}", timeout=10).status_code == 405


def test_planning_refusals_are_one_clear_line(db_url: str) -> None:
    env = {"DATABASE_URL": db_url}
    assert create_group(env, "--locale", "en").returncode == 0
    skipped = list(PLAN)
    skipped[5] = "2031-03-30 02:30"
    skipped[9] = "FREQ=DAILY"
    assert refused(run(*skipped, env=env)) == (
        "2031-03-30 02:30 does not exist in Europe/Amsterdam: the clocks skip that hour "
        "(summer time begins). Choose another time."
    )
    hourly = list(PLAN)
    hourly[9] = "FREQ=HOURLY"
    assert "FREQ=DAILY, WEEKLY, MONTHLY or YEARLY" in refused(run(*hourly, env=env))
    assert "not a local time" in refused(
        run("meeting", "schedule", "--group", "1", "--at", "tomorrow", "--locale", "en", env=env)
    )
    assert "Unknown time zone" in refused(
        run(
            "meeting",
            "schedule",
            "--group",
            "1",
            "--at",
            "2031-01-01 10:00",
            "--time-zone",
            "Mars/Base",
            "--locale",
            "en",
            env=env,
        )
    )
    assert "No meetings" in ok("meeting", "list", "--group", "1", "--locale", "en", env=env)


def test_a_group_sets_its_own_due_times_for_the_meetings_planned_after(db_url: str) -> None:
    env = {"DATABASE_URL": db_url}
    assert create_group(env, "--locale", "en").returncode == 0
    shown = ok(
        "tasks",
        "offsets",
        "--group",
        "1",
        "--set",
        "bring_case=-2d",
        "--set",
        "rate_meeting=off",
        "--set",
        "reread_goals=-90m",
        env=env,
    )
    assert "bring_case                -2d" in shown and "rate_meeting              off" in shown
    ok(
        "meeting",
        "schedule",
        "--group",
        "1",
        "--at",
        "2031-02-01 10:00",
        "--time-zone",
        "Europe/Amsterdam",
        env=env,
    )
    tasks = _tasks_of("U2", env=env)
    assert "2031-01-30 10:00 Europe/Amsterdam  open  Think of a case" in tasks
    assert "2031-02-01 08:30 Europe/Amsterdam  open  Re-read your learning goals" in tasks
    assert "Rate the meeting" not in tasks
    assert "is no task kind 'bring'" in refused(
        run("tasks", "offsets", "--group", "1", "--set", "bring=1d", env=env)
    )
    assert "at most 60 days" in refused(
        run("tasks", "offsets", "--group", "1", "--set", "bring_case=-100d", env=env)
    )
