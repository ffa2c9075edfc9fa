"""A trajectory's meetings: an RRULE expanded on local wall-clock time (dateutil)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.domain.errors import InvalidInput, NotPossibleNow
from core.domain.trajectory import MAX_MEETINGS, Trajectory, cadence_rule

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def plan(**given: object) -> Trajectory:
    values: dict[str, object] = {
        "group_id": 1,
        "first": datetime(2027, 1, 12, 14, 0),
        "time_zone": "Europe/Amsterdam",
        "rule": "FREQ=WEEKLY;INTERVAL=4;BYDAY=TU",
        "method_id": "incident",
        "now": NOW,
        "count": 8,
    }
    values.update(given)
    return Trajectory.plan(**values)  # type: ignore[arg-type]


def test_eight_meetings_across_summer_time_keep_fourteen_hundred_local() -> None:
    meetings = plan().meetings()
    local = [moment.astimezone(AMSTERDAM) for moment in meetings]
    assert len(meetings) == 8
    assert {(m.hour, m.minute, m.weekday()) for m in local} == {(14, 0, 1)}
    assert [m.date() for m in local][:4] == [
        date(2027, 1, 12),
        date(2027, 2, 9),
        date(2027, 3, 9),
        date(2027, 4, 6),
    ]
    # The UTC offset follows the clocks: 13:00 UTC in winter, 12:00 UTC in summer.
    assert meetings[2].hour == 13 and meetings[3].hour == 12


def test_an_end_date_is_inclusive_and_count_and_end_date_exclude_each_other() -> None:
    until = plan(count=None, until=date(2027, 3, 9)).meetings()
    assert [m.astimezone(AMSTERDAM).date() for m in until][-1] == date(2027, 3, 9)
    assert len(until) == 3
    for ends in ({"count": None, "until": None}, {"count": 3, "until": date(2027, 3, 9)}):
        with pytest.raises(InvalidInput) as refused:
            plan(**ends)
        assert refused.value.key == "trajectory.count_or_until"


@pytest.mark.parametrize(
    ("first", "rule", "key", "value"),
    [
        # 28 March 2027: 02:00-03:00 does not exist in Amsterdam; the 2nd meeting falls there.
        (datetime(2027, 3, 21, 2, 30), "FREQ=WEEKLY", "input.time_skipped", "2027-03-28 02:30"),
        # 31 October 2027: 02:00-03:00 happens twice.
        (datetime(2027, 10, 24, 2, 30), "FREQ=WEEKLY", "input.time_twice", "2027-10-31 02:30"),
    ],
)
def test_a_meeting_in_a_daylight_saving_change_is_refused_naming_it(
    first: datetime, rule: str, key: str, value: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        plan(first=first, rule=rule, count=3)
    assert refused.value.key == key
    assert refused.value.params["value"] == value


@pytest.mark.parametrize(
    ("rule", "key"),
    [
        ("", "trajectory.bad_rule"),
        ("every fourth tuesday", "trajectory.bad_frequency"),
        ("FREQ=HOURLY", "trajectory.bad_frequency"),
        ("FREQ=WEEKLY;BYDAY=XX", "trajectory.bad_rule"),
        ("FREQ=WEEKLY;INTERVAL=zero", "trajectory.bad_rule"),
        ("FREQ=WEEKLY;COUNT=3", "trajectory.rule_says_too_much"),
        ("FREQ=WEEKLY;UNTIL=20270101T000000Z", "trajectory.rule_says_too_much"),
        ("FREQ=DAILY;BYHOUR=9,15", "trajectory.rule_says_too_much"),
        ("FREQ=WEEKLY\nX-EVIL:1", "trajectory.bad_rule"),
        ("FREQ=WEEKLY;" + "BYDAY=TU;" * 40, "trajectory.bad_rule"),
    ],
)
def test_a_cadence_that_is_not_one_is_refused(rule: str, key: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        plan(rule=rule)
    assert refused.value.key == key


def test_the_rule_is_kept_in_canonical_form_and_a_prefix_is_accepted() -> None:
    assert plan(rule="rrule:freq=monthly;byday=2tu").rule == "FREQ=MONTHLY;BYDAY=2TU"


def test_more_than_a_year_of_weekly_meetings_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        plan(rule="FREQ=DAILY", count=None, until=date(2030, 1, 1))
    assert refused.value.key == "trajectory.too_many"
    assert refused.value.params == {"limit": MAX_MEETINGS}


def test_a_first_meeting_in_the_past_and_an_unknown_zone_are_refused() -> None:
    with pytest.raises(NotPossibleNow):
        plan(first=datetime(2026, 11, 1, 14, 0))
    with pytest.raises(InvalidInput) as refused:
        plan(time_zone="Mars/Olympus")
    assert refused.value.key == "input.unknown_time_zone"


def test_a_start_off_the_rule_begins_at_the_rules_first_time_as_in_rfc_5545() -> None:
    monday = datetime(2027, 1, 11, 14, 0)
    first = plan(first=monday, count=2).meetings()[0].astimezone(AMSTERDAM)
    assert (first.date(), first.hour) == (date(2027, 1, 12), 14)


@pytest.mark.parametrize(
    ("cadence", "first", "rule"),
    [
        ("weekly", date(2031, 1, 14), "FREQ=WEEKLY;BYDAY=TU"),
        ("biweekly", date(2031, 1, 14), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("four_weekly", date(2031, 1, 15), "FREQ=WEEKLY;INTERVAL=4;BYDAY=WE"),
        ("six_weekly", date(2031, 1, 17), "FREQ=WEEKLY;INTERVAL=6;BYDAY=FR"),
        ("monthly", date(2031, 1, 14), "FREQ=MONTHLY;BYDAY=2TU"),
        ("monthly", date(2031, 1, 28), "FREQ=MONTHLY;BYDAY=4TU"),
        ("monthly", date(2031, 1, 30), "FREQ=MONTHLY;BYDAY=-1TH"),  # a fifth: the last
    ],
)
def test_a_groups_cadence_becomes_an_rrule_from_the_first_date(
    cadence: str, first: date, rule: str
) -> None:
    assert cadence_rule(cadence, first) == rule
    planned = plan(first=datetime.combine(first, datetime.min.time()).replace(hour=14), rule=rule)
    assert planned.meetings()[0].astimezone(AMSTERDAM).date() == first


def test_an_ad_hoc_group_has_no_cadence_to_plan_by() -> None:
    with pytest.raises(InvalidInput) as refused:
        cadence_rule("ad_hoc", date(2031, 1, 14))
    assert refused.value.key == "trajectory.no_cadence"
