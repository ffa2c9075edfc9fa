"""The installation boundary: a Slack team / enterprise or a Microsoft 365 tenant."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator

from core.domain.common import DEFAULT_LOCALE, ChannelRef, Locale, PersonRef, Platform


class Workspace(BaseModel):
    id: int | None = None
    platform: Platform
    external_id: str = Field(min_length=1, max_length=255)
    locale: Locale = DEFAULT_LOCALE
    time_zone: str = "Europe/Amsterdam"
    managers_channel: ChannelRef | None = None
    managers: list[PersonRef] = Field(default_factory=list)
    """People the admin named as managers: they may add intervision groups."""

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
