"""Small shared value types: locales, platforms, person references, clocks."""

from __future__ import annotations

import re
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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""Control characters other than tab and newline (NUL included: PostgreSQL refuses it in
text and JSON), and lone surrogates (no database can store them)."""
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029]")
_NOT_IN_REF = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")

MAX_REF = 200
"""The longest platform id the product stores or looks up: a column holds 255 characters,
and keys made of an id (``channel:<id>``) need room. A Teams conversation id with its
thread, the longest we meet, is well under it."""


def strip_control(value: str) -> str:
    """A person's text as it may be stored and shown: line breaks as ``\\n``, tabs kept,
    every other control character (NUL, escape, ...) and any lone surrogate dropped."""
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", value))


def is_ref(value: object) -> bool:
    """Whether ``value`` can be a platform's id of a person, channel, message or workspace:
    text of 1 to ``MAX_REF`` characters, no spaces at either end, no control characters."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_REF
        and value == value.strip()
        and _NOT_IN_REF.search(value) is None
    )


def clean_text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    """A user's text stripped of control characters (``strip_control``) and surrounding
    space; refused when empty (if required) or too long."""
    text = strip_control(value or "").strip()
    if required and not text:
        raise InvalidInput("error.text_required", field=field)
    if len(text) > limit:
        raise InvalidInput("error.text_too_long", field=field, limit=limit, length=len(text))
    return text


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise InvalidInput("error.naive_datetime")
    return moment.astimezone(UTC)
