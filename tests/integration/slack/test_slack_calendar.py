"""A member's calendar link from Slack (`/intervision calendar`), served by the same real
server, renewed from the card's button; a manager's feed holds no meeting they only
sponsor."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

import icalendar
import pytest
import requests

from core.services import trajectories
from core.services.context import Actor
from core.views import actions as a
from tests.support.slack_world import FACILITATOR, MANAGER, MEMBERS, SlackWorld, slack_world

LINK = re.compile(r"<(https?://[^|>]+/calendar/[A-Za-z0-9_-]+\.ics)\|")


@pytest.fixture
def world(db_url: str) -> Iterator[SlackWorld]:
    with slack_world(db_url) as built:
        yield built


def _calendar_link(world: SlackWorld, user: str, seen: int) -> str:
    """The https link in the newest answer only ``user`` sees (the command's ephemeral
    response, or an ephemeral message) after the first ``seen`` such answers."""

    def private() -> list[dict[str, object]]:
        return [
            c.args
            for c in world.fake.calls
            if c.method.startswith("/respond/")
            or (c.method == "chat.postEphemeral" and c.args.get("user") == user)
        ][seen:]

    answer = world.fake.wait_for(private, what="the calendar card")[-1]
    assert answer.get("response_type", "ephemeral") == "ephemeral"
    found = LINK.findall(str(answer["blocks"]))
    assert found, answer
    return found[-1]


def _get(world: SlackWorld, link: str) -> requests.Response:
    """The link's path from our server (the test server listens on a port of its own)."""
    base = world.sender.url.removesuffix("/slack/events")
    return requests.get(base + "/calendar/" + link.rsplit("/calendar/", 1)[1], timeout=10)


def _uids(document: bytes) -> set[str]:
    calendar = icalendar.Calendar.from_ical(document)
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


def test_a_member_gets_their_calendar_link_and_a_new_one(world: SlackWorld) -> None:
    group_id = world.add_group()
    planned = trajectories.plan_trajectory(
        world.app.ctx,
        actor=Actor(world.workspace_id(), FACILITATOR),
        group_id=group_id,
        first=datetime(2031, 1, 14, 14, 0),
        time_zone="Europe/Amsterdam",
        rule="FREQ=WEEKLY;INTERVAL=4;BYDAY=TU",
        count=3,
    )
    assert len(planned.meetings) == 3

    world.command(MEMBERS[0], "calendar")
    link = _calendar_link(world, MEMBERS[0], 0)
    feed = _get(world, link)
    assert feed.status_code == 200
    assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    uids = _uids(feed.content)
    assert len([u for u in uids if u.startswith("meeting-")]) == 3
    assert len([u for u in uids if u.startswith("task-")]) == 3 * 4 + 2  # intake, evaluation

    world.command(MEMBERS[0], "calendar")  # asked again: the same link
    assert _calendar_link(world, MEMBERS[0], 1) == link

    world.click(MEMBERS[0], a.CALENDAR_RENEW, "", "1700000000.000100")
    renewed = _calendar_link(world, MEMBERS[0], 2)
    assert renewed != link
    assert _get(world, link).status_code == 404
    assert _uids(_get(world, renewed).content) == uids


def test_a_manager_who_only_sponsors_the_group_sees_none_of_its_meetings(
    world: SlackWorld,
) -> None:
    group_id = world.add_group()
    trajectories.plan_trajectory(
        world.app.ctx,
        actor=Actor(world.workspace_id(), MANAGER),  # a manager may plan the trajectory
        group_id=group_id,
        first=datetime(2031, 1, 14, 14, 0),
        time_zone="Europe/Amsterdam",
        rule="FREQ=MONTHLY;BYDAY=2TU",
        count=2,
    )
    world.command(MANAGER, "calendar")
    assert _uids(_get(world, _calendar_link(world, MANAGER, 0)).content) == set()
