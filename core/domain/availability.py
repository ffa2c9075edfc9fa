"""When a person may be reminded: quiet hours, and days they are away.

Reminders are private messages before a task is due or a meeting begins. None comes in a
person's quiet hours (by default 20:00 to 08:00 local time) or on a day they said they are
away ("away 24 Dec to 2 Jan"), and none for what is already done.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from core.domain.common import PersonRef
from core.domain.errors import InvalidInput

DEFAULT_QUIET = (time(20, 0), time(8, 0))
"""From, until: local times between which nobody is reminded (across midnight)."""
LONGEST_AWAY = timedelta(days=366)
BEFORE_QUIET = timedelta(minutes=30)
"""A reminder that cannot wait for the morning comes this long before the quiet hours."""


class Availability(BaseModel):
    workspace_id: int
    person: PersonRef
    quiet_from: time | None = None
    quiet_until: time | None = None
    """The person's own quiet hours; None: ``DEFAULT_QUIET``."""
    away_from: date | None = None
    away_until: date | None = None
    """Inclusive; both None when not away."""

    @property
    def quiet(self) -> tuple[time, time]:
        if self.quiet_from is None or self.quiet_until is None:
            return DEFAULT_QUIET
        return self.quiet_from, self.quiet_until

    def is_quiet(self, local: datetime) -> bool:
        """Whether the local wall-clock time ``local`` falls in the quiet hours."""
        start, end = self.quiet
        now = local.time().replace(tzinfo=None)
        if start == end:
            return False
        if start < end:
            return start <= now < end
        return now >= start or now < end

    def is_away(self, day: date) -> bool:
        if self.away_from is None or self.away_until is None:
            return False
        return self.away_from <= day <= self.away_until

    def go_away(self, first: date, last: date, *, today: date) -> None:
        """Away from ``first`` to ``last`` (inclusive): no reminders for what is due then.
        Refused (``InvalidInput``) when the days are reversed, already past, or longer than
        a year."""
        if last < first:
            raise InvalidInput("away.reversed", first=first.isoformat(), last=last.isoformat())
        if last < today:
            raise InvalidInput("away.past", last=last.isoformat())
        if last - first > LONGEST_AWAY:
            raise InvalidInput("away.too_long")
        self.away_from, self.away_until = first, last

    def come_back(self) -> None:
        self.away_from = self.away_until = None

    def set_quiet(self, start: time, end: time) -> None:
        self.quiet_from, self.quiet_until = start, end

    def remind_at(self, wanted: datetime, zone: str, *, latest: datetime) -> datetime:
        """When to remind: ``wanted`` (UTC), or, when that falls in the quiet hours in
        ``zone``, the end of them if that is still before ``latest``, else just before
        they began."""
        tz = ZoneInfo(zone)
        local = wanted.astimezone(tz)
        if not self.is_quiet(local):
            return wanted
        start, end = self.quiet
        morning = local.date() if local.time() < end else local.date() + timedelta(days=1)
        after = datetime.combine(morning, end, tz).astimezone(UTC)
        if after <= latest:
            return after
        evening = local.date() if local.time() >= start else local.date() - timedelta(days=1)
        return (datetime.combine(evening, start, tz) - BEFORE_QUIET).astimezone(UTC)
