"""Local wall-clock time: what people plan in, and what the clocks may skip or show twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.domain.errors import InvalidInput


def wall_clock(naive: datetime, zone: ZoneInfo, field: str) -> datetime:
    """``naive`` as a local time in ``zone`` (an aware datetime); refused with
    ``InvalidInput`` about ``field`` when the clocks skip it (spring forward:
    ``input.time_skipped``) or show it twice (fall back: ``input.time_twice``), rather
    than guessed."""
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    shown = f"{naive:%Y-%m-%d %H:%M}"
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise InvalidInput("input.time_skipped", field=field, value=shown, zone=zone.key)
    if first.utcoffset() != second.utcoffset():
        raise InvalidInput("input.time_twice", field=field, value=shown, zone=zone.key)
    return first


def local_offset(moment: datetime, offset: timedelta, zone: str) -> datetime:
    """``offset`` from ``moment`` in local wall-clock time in ``zone``, in UTC: two days
    before 10:00 is 10:00 two days before, across a daylight-saving change (Python adds a
    timedelta to an aware datetime in its wall-clock time; the UTC offset follows)."""
    return (moment.astimezone(ZoneInfo(zone)) + offset).astimezone(UTC)
