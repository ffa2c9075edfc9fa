"""A trajectory (traject): a group's series of meetings over months, planned at once.

Planned as a first local date and time in a named time zone and a cadence, an RFC 5545
RRULE (``FREQ=WEEKLY;INTERVAL=4;BYDAY=TU``) ended by a count or an end date, and expanded
with python-dateutil on local wall-clock times: every meeting keeps its local time (14:00)
across daylight-saving changes. A meeting whose local time the clocks skip or show twice
is refused, naming it, rather than moved. As in RFC 5545, the first meeting is the first
time the rule gives on or after the start: a start on a Monday with ``BYDAY=TU`` begins on
the Tuesday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr
from pydantic import BaseModel, Field

from core.domain.errors import InvalidInput, NotPossibleNow
from core.domain.times import wall_clock

MAX_MEETINGS = 52
"""More meetings than a year of weekly ones is a typo, not a plan."""
MAX_RULE_LENGTH = 200
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
"""Cadences a trajectory may have; the meeting's time of day comes from its start."""
NOT_IN_THE_RULE = ("COUNT", "UNTIL", "DTSTART", "BYHOUR", "BYMINUTE", "BYSECOND")
"""Given separately (count, end date, start) or not at all (the time of day)."""


def known_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; ``InvalidInput("input.unknown_time_zone")`` if none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidInput("input.unknown_time_zone", zone=name[:64]) from None


class Trajectory(BaseModel):
    id: int | None = None
    group_id: int
    first: datetime
    """The first meeting's local date and time (naive: wall-clock time in ``time_zone``)."""
    time_zone: str
    rule: str
    """The cadence: an RFC 5545 RRULE value without COUNT, UNTIL, DTSTART or a time of day."""
    count: int | None = Field(default=None, ge=1, le=MAX_MEETINGS)
    until: date | None = None
    """The last day a meeting may fall on (inclusive), when not ``count``."""
    method_id: str
    planned_at: datetime

    @classmethod
    def plan(
        cls,
        *,
        group_id: int,
        first: datetime,
        time_zone: str,
        rule: str,
        method_id: str,
        now: datetime,
        count: int | None = None,
        until: date | None = None,
    ) -> Trajectory:
        """Raises ``InvalidInput`` for an unknown zone, a rule dateutil cannot read or that
        says what is given separately, neither or both of ``count`` and ``until``, more
        than ``MAX_MEETINGS`` meetings, a local time skipped or shown twice; and
        ``NotPossibleNow`` when the first meeting is not in the future."""
        known_zone(time_zone)
        if (count is None) == (until is None):
            raise InvalidInput("trajectory.count_or_until")
        if count is not None and not 1 <= count <= MAX_MEETINGS:
            raise InvalidInput("trajectory.too_many", limit=MAX_MEETINGS)
        trajectory = cls(
            group_id=group_id,
            first=first.replace(tzinfo=None, second=0, microsecond=0),
            time_zone=time_zone,
            rule=_checked_rule(rule),
            count=count,
            until=until,
            method_id=method_id,
            planned_at=now,
        )
        meetings = trajectory.meetings()
        if not meetings:
            raise InvalidInput("trajectory.no_meetings")
        if meetings[0] <= now:
            raise NotPossibleNow("meeting.in_the_past")
        return trajectory

    def local_times(self) -> list[datetime]:
        """The meetings' local wall-clock times (naive), in order; at most
        ``MAX_MEETINGS`` (``InvalidInput("trajectory.too_many")`` beyond)."""
        rule = self._rrule()
        times = list(islice(rule, MAX_MEETINGS + 1))
        if len(times) > MAX_MEETINGS:
            raise InvalidInput("trajectory.too_many", limit=MAX_MEETINGS)
        return times

    def meetings(self) -> list[datetime]:
        """When each meeting is, in UTC; refused (``InvalidInput`` ``input.time_skipped`` or
        ``input.time_twice``, naming the meeting's local time) when one falls in a
        daylight-saving change."""
        zone = known_zone(self.time_zone)
        return [wall_clock(local, zone, "start").astimezone(UTC) for local in self.local_times()]

    def _rrule(self) -> rrule:
        until = None if self.until is None else datetime.combine(self.until, time.max)
        parsed = rrulestr(self.rule, dtstart=self.first, cache=False)
        assert isinstance(parsed, rrule)
        return parsed.replace(count=self.count, until=until)


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
EVERY_WEEKS = {"weekly": 1, "biweekly": 2, "four_weekly": 4, "six_weekly": 6}
"""A group's cadence (``core.domain.group.Cadence``) as weeks between meetings."""


def cadence_rule(cadence: str, first: date) -> str:
    """The RRULE of a group's cadence from a first meeting on ``first``: every 1, 2, 4 or 6
    weeks on its weekday, or monthly on the same weekday of the month (the second Tuesday;
    the last one when it is the fifth). ``InvalidInput("trajectory.no_cadence")`` for
    ``ad_hoc``."""
    day = WEEKDAYS[first.weekday()]
    if cadence in EVERY_WEEKS:
        weeks = EVERY_WEEKS[cadence]
        return (
            f"FREQ=WEEKLY;INTERVAL={weeks};BYDAY={day}" if weeks > 1 else f"FREQ=WEEKLY;BYDAY={day}"
        )
    if cadence == "monthly":
        nth = (first.day - 1) // 7 + 1
        return f"FREQ=MONTHLY;BYDAY={-1 if nth == 5 else nth}{day}"
    raise InvalidInput("trajectory.no_cadence")


def _checked_rule(text: str) -> str:
    """The rule in canonical upper case; ``InvalidInput("trajectory.bad_rule")`` when it is
    not an RRULE of one of ``FREQUENCIES`` without the parts given separately."""
    rule = text.strip().upper().removeprefix("RRULE:")
    if not rule or len(rule) > MAX_RULE_LENGTH or not rule.isascii() or "\n" in rule:
        raise InvalidInput("trajectory.bad_rule", rule=text[:60])
    parts = dict(part.partition("=")[::2] for part in rule.split(";") if part)
    if parts.get("FREQ") not in FREQUENCIES:
        raise InvalidInput("trajectory.bad_frequency", rule=rule[:60])
    given = [name for name in NOT_IN_THE_RULE if name in parts]
    if given:
        raise InvalidInput("trajectory.rule_says_too_much", part=given[0], rule=rule[:60])
    try:
        parsed = rrulestr(rule, dtstart=datetime(2000, 1, 1), cache=False)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise InvalidInput("trajectory.bad_rule", rule=rule[:60]) from None
    if not isinstance(parsed, rrule):
        raise InvalidInput("trajectory.bad_rule", rule=rule[:60])
    return rule
