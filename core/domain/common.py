"""Small shared value types: locales, platforms, person references, clocks."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal, Protocol

from core.domain.errors import InvalidInput

Locale = Literal["nl", "en"]
LOCALES: tuple[Locale, ...] = ("nl", "en")
DEFAULT_LOCALE: Locale = "nl"

PersonRef = str
"""A user id within a workspace (Slack ``U…``, Teams ``aadObjectId``): opaque to the core."""

ChannelRef = str
"""A channel id within a workspace (Slack ``C…``, Teams ``19:…@thread.tacv2``)."""


class Platform(StrEnum):
    SLACK = "slack"
    TEAMS = "teams"
    SANDBOX = "sandbox"


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


# Limits on user text, chosen to fit every platform's message limits with room to spare.
MAX_TITLE = 150
MAX_SHORT_TEXT = 500
MAX_LONG_TEXT = 2800


def clean_text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    """Strip a user's text and refuse it when empty (if required) or too long."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput("error.text_required", field=field)
    if len(text) > limit:
        raise InvalidInput("error.text_too_long", field=field, limit=limit, length=len(text))
    return text


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise InvalidInput("error.naive_datetime")
    return moment.astimezone(UTC)
