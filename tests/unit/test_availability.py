"""Quiet hours and days away (core.domain.availability), and days typed in a command."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from core.domain.availability import Availability
from core.domain.errors import InvalidInput
from core.interactions.values import days, hours

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 11, 30)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS).astimezone(UTC)


def someone() -> Availability:
    return Availability(workspace_id=1, person="U1")


@pytest.mark.parametrize(
    ("clock", "quiet"),
    [
        ("19:59", False),
        ("20:00", True),
        ("23:30", True),
        ("03:00", True),
        ("07:59", True),
        ("08:00", False),
        ("12:00", False),
    ],
)
def test_default_quiet_hours_run_from_eight_in_the_evening_to_eight_in_the_morning(
    clock: str, quiet: bool
) -> None:
    moment = datetime.combine(date(2031, 1, 10), time.fromisoformat(clock), AMS)
    assert someone().is_quiet(moment) is quiet


def test_a_reminder_in_quiet_hours_comes_in_the_morning_or_else_the_evening_before() -> None:
    person = someone()
    wanted = local("2031-01-10 22:00")
    assert person.remind_at(wanted, "Europe/Amsterdam", latest=local("2031-01-11 12:00")) == (
        local("2031-01-11 08:00")
    )
    # Due at 07:30: the morning is too late, so just before the quiet hours began.
    assert person.remind_at(wanted, "Europe/Amsterdam", latest=local("2031-01-11 07:30")) == (
        local("2031-01-10 19:30")
    )
    early = local("2031-01-11 06:00")
    assert person.remind_at(early, "Europe/Amsterdam", latest=local("2031-01-12 00:00")) == (
        local("2031-01-11 08:00")
    )
    noon = local("2031-01-11 12:00")
    assert person.remind_at(noon, "Europe/Amsterdam", latest=noon) == noon


def test_own_quiet_hours_replace_the_default() -> None:
    person = someone()
    person.set_quiet(time(13, 0), time(15, 0))
    assert person.is_quiet(datetime(2031, 1, 10, 14, 0, tzinfo=AMS))
    assert not person.is_quiet(datetime(2031, 1, 10, 22, 0, tzinfo=AMS))


def test_days_away_are_inclusive_and_checked() -> None:
    person = someone()
    person.go_away(date(2026, 12, 24), date(2027, 1, 2), today=TODAY)
    assert person.is_away(date(2026, 12, 24)) and person.is_away(date(2027, 1, 2))
    assert not person.is_away(date(2027, 1, 3))
    person.come_back()
    assert not person.is_away(date(2026, 12, 24))
    for first, last, key in (
        (date(2027, 1, 2), date(2026, 12, 24), "away.reversed"),
        (date(2026, 1, 1), date(2026, 1, 2), "away.past"),
        (date(2027, 1, 1), date(2028, 6, 1), "away.too_long"),
    ):
        with pytest.raises(InvalidInput) as refused:
            person.go_away(first, last, today=TODAY)
        assert refused.value.key == key


@pytest.mark.parametrize(
    ("typed", "first", "last"),
    [
        ("24 Dec to 2 Jan", date(2026, 12, 24), date(2027, 1, 2)),
        ("24 december tot 2 januari", date(2026, 12, 24), date(2027, 1, 2)),
        ("24 dec t/m 2 jan", date(2026, 12, 24), date(2027, 1, 2)),
        ("2026-12-24 2027-01-02", date(2026, 12, 24), date(2027, 1, 2)),
        ("2026-12-24 - 2027-01-02", date(2026, 12, 24), date(2027, 1, 2)),
        ("3 okt", date(2027, 10, 3), date(2027, 10, 3)),
        ("1 mei - 5 mei", date(2027, 5, 1), date(2027, 5, 5)),
    ],
)
def test_days_are_read_in_english_and_dutch_and_the_next_one_to_come(
    typed: str, first: date, last: date
) -> None:
    assert days(typed, TODAY) == (first, last)


@pytest.mark.parametrize("typed", ["tomorrow", "soon-ish", "1 2 3", "x" * 100])
def test_days_that_cannot_be_read_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        days(typed, TODAY)
    assert refused.value.key == "away.unreadable"


@pytest.mark.parametrize(
    ("typed", "start", "end"),
    [
        ("21:00-07:00", time(21, 0), time(7, 0)),
        ("21-7", time(21, 0), time(7, 0)),
        ("20.30 tot 8", time(20, 30), time(8, 0)),
        ("22:15 to 06:45", time(22, 15), time(6, 45)),
    ],
)
def test_quiet_hours_are_read_as_typed(typed: str, start: time, end: time) -> None:
    assert hours(typed) == (start, end)


@pytest.mark.parametrize("typed", ["late", "25:00-07:00", "21:00", "21:61-7"])
def test_quiet_hours_that_cannot_be_read_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        hours(typed)
    assert refused.value.key == "quiet.unreadable"
