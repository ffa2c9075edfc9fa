"""The installation boundary: a Slack team / enterprise or a Microsoft 365 tenant."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator

from core.domain.common import DEFAULT_LOCALE, ChannelRef, Locale, PersonRef, Platform
from core.domain.privacy import MAX_RETENTION_DAYS, MIN_RETENTION_DAYS


class Workspace(BaseModel):
    id: int | None = None
    platform: Platform
    external_id: str = Field(min_length=1, max_length=255)
    locale: Locale = DEFAULT_LOCALE
    time_zone: str = "Europe/Amsterdam"
    managers_channel: ChannelRef | None = None
    managers: list[PersonRef] = Field(default_factory=list)
    """People the admin named as managers: they may add intervision groups."""
    retention_days: int | None = Field(default=None, ge=MIN_RETENTION_DAYS, le=MAX_RETENTION_DAYS)
    """Days after a meeting ended that its texts are removed; None: the server's default."""

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    def is_manager(self, person: PersonRef) -> bool:
        return person in self.managers

    def name_manager(self, person: PersonRef) -> None:
        if person not in self.managers:
            self.managers.append(person)

    def retention(self, default: int) -> int:
        """How many days texts are kept here: the workspace's own setting, else ``default``."""
        return self.retention_days or default

    def forget_manager(self, person: PersonRef) -> bool:
        """The person is erased; True when they were a manager."""
        was = person in self.managers
        self.managers = [p for p in self.managers if p != person]
        return was
