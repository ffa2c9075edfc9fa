"""Reading a submitted form: the neutral ``{input id: value}`` mapping every adapter builds.

Values are what a person entered, in plain types: a string for a text, a choice, a
person or a channel; a list of strings (or one comma-separated string) for several
choices; an ISO date ``YYYY-MM-DD``; a moment as ISO 8601 (with an offset, or without one
meaning the person's own time zone) or as epoch seconds. Anything else is refused here,
once, with a clear message about the input concerned (``InvalidInput`` with ``field``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.domain.errors import InvalidInput

E = TypeVar("E")


class FormValues:
    def __init__(self, state: Mapping[str, str], values: Mapping[str, object]) -> None:
        self.state = state
        """What the form carried back (``Form.state``): the ids it is about."""
        self.values = values

    # ------------------------------------------------------------------ inputs

    def text(self, input_id: str) -> str:
        value = self.values.get(input_id)
        if value is None:
            return ""
        if isinstance(value, list | tuple):
            return str(value[0]) if value else ""
        return str(value)

    def optional(self, input_id: str) -> str | None:
        return self.text(input_id).strip() or None

    def many(self, input_id: str) -> tuple[str, ...]:
        """Several choices: a list, or one comma-separated string (Adaptive Cards)."""
        value = self.values.get(input_id)
        items = value if isinstance(value, list | tuple) else str(value or "").split(",")
        return tuple(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))

    def flag(self, input_id: str, option: str = "yes") -> bool:
        return option in self.many(input_id)

    def choice(self, input_id: str, kind: Callable[[str], E], default: E) -> E:
        """One of a closed set (an enum): an unknown value is refused, never dropped."""
        text = self.text(input_id).strip()
        if not text:
            return default
        return _known(input_id, kind, text)

    def optional_choice(self, input_id: str, kind: Callable[[str], E]) -> E | None:
        text = self.text(input_id).strip()
        return _known(input_id, kind, text) if text else None

    def choices(self, input_id: str, kind: Callable[[str], E]) -> tuple[E, ...]:
        return tuple(_known(input_id, kind, item) for item in self.many(input_id))

    def date(self, input_id: str) -> date | None:
        text = self.text(input_id).strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise InvalidInput("input.bad_date", field=input_id, value=text[:40]) from None

    def moment(self, input_id: str, zone: str | None) -> datetime:
        """A required point in time; a value without an offset is in ``zone``."""
        text = self.text(input_id).strip()
        if not text:
            raise InvalidInput("error.text_required", field=input_id)
        if text.isdigit():
            return datetime.fromtimestamp(int(text), UTC)
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput("input.bad_date", field=input_id, value=text[:40]) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=_zone(zone))
        return moment

    # ------------------------------------------------------------------ state

    def reference(self, key: str) -> int:
        found = self.optional_reference(key)
        if found is None:
            raise InvalidInput("input.bad_reference")
        return found

    def optional_reference(self, key: str) -> int | None:
        text = str(self.state.get(key) or "").strip()
        if not text:
            return None
        if not text.isdigit():
            raise InvalidInput("input.bad_reference")
        return int(text)


def _known(input_id: str, kind: Callable[[str], E], text: str) -> E:
    try:
        return kind(text)
    except ValueError:
        raise InvalidInput("input.unknown_choice", field=input_id, value=text[:40]) from None


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
