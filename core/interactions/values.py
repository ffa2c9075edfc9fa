"""Reading a submitted form: the neutral ``{input id: value}`` mapping every adapter builds.

Values are what a person entered, in plain types: a string for a text, a choice, a
person or a channel; a list of strings (or one comma-separated string) for several
choices; an ISO date ``YYYY-MM-DD``; a moment as ISO 8601 (with an offset, or without one
meaning the person's own time zone) or as epoch seconds. Anything else is refused here,
once, with a clear message about the input concerned (``InvalidInput`` with ``field``).

Whatever a platform or a person sends is read carefully: text loses its control characters
(``strip_control``), a person or channel must look like a platform id (``is_ref``), a number
is ASCII digits within the database's range, a date or moment lies between ``EARLIEST`` and
``LATEST`` (a typo, not a plan, beyond them; and no date arithmetic overflows).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.parser import parse as parse_date
from dateutil.parser import parserinfo

from core.domain.common import is_ref, strip_control
from core.domain.errors import InvalidInput
from core.domain.times import wall_clock
from core.views.actions import id_number

E = TypeVar("E")

EARLIEST = date(1970, 1, 1)
LATEST = date(2999, 12, 31)
_LATEST_EPOCH = int(datetime(3000, 1, 1, tzinfo=UTC).timestamp())


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
            value = value[0] if value else ""
        return strip_control(str(value))

    def optional(self, input_id: str) -> str | None:
        return self.text(input_id).strip() or None

    def many(self, input_id: str) -> tuple[str, ...]:
        """Several choices: a list, or one comma-separated string (Adaptive Cards)."""
        value = self.values.get(input_id)
        items = value if isinstance(value, list | tuple) else str(value or "").split(",")
        found = (strip_control(str(item)).strip() for item in items)
        return tuple(dict.fromkeys(item for item in found if item))

    def person(self, input_id: str) -> str | None:
        """A person or channel chosen (a platform id), or None when none is."""
        text = self.text(input_id).strip()
        if text and not is_ref(text):
            raise InvalidInput("input.unknown_choice", field=input_id, value=text[:40])
        return text or None

    def people(self, input_id: str) -> tuple[str, ...]:
        """Several people chosen (``many``), each a platform id."""
        found = self.many(input_id)
        for item in found:
            if not is_ref(item):
                raise InvalidInput("input.unknown_choice", field=input_id, value=item[:40])
        return found

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
            found = date.fromisoformat(text)
        except ValueError:
            raise InvalidInput("input.bad_date", field=input_id, value=text[:40]) from None
        if not EARLIEST <= found <= LATEST:
            raise InvalidInput("input.bad_date", field=input_id, value=text[:40])
        return found

    def moment(self, input_id: str, zone: str | None) -> datetime:
        """A required point in time; a value without an offset is in ``zone``."""
        text = self.text(input_id).strip()
        if not text:
            raise InvalidInput("error.text_required", field=input_id)
        bad = InvalidInput("input.bad_date", field=input_id, value=text[:40])
        if text.isascii() and text.isdigit():
            if len(text) > 12 or int(text) > _LATEST_EPOCH:
                raise bad
            moment = datetime.fromtimestamp(int(text), UTC)
        else:
            try:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                raise bad from None
        if not EARLIEST <= moment.date() <= LATEST:
            raise bad
        if moment.tzinfo is None:
            moment = wall_clock(moment, _zone(zone), input_id)
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
        found = id_number(text)
        if found is None:
            raise InvalidInput("input.bad_reference")
        return found


def _known(input_id: str, kind: Callable[[str], E], text: str) -> E:
    try:
        return kind(text)
    except (ValueError, TypeError):
        raise InvalidInput("input.unknown_choice", field=input_id, value=text[:40]) from None


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("UTC")


# ------------------------------------------------------------------ days typed in a command


class _Months(parserinfo):
    """Month names and abbreviations in English and Dutch (``24 dec``, ``3 okt``, ``1 mei``)."""

    # dateutil takes any number of names per month; its type stubs say two or three.
    MONTHS = [
        ("Jan", "January", "januari"),
        ("Feb", "February", "februari"),
        ("Mar", "March", "mrt", "maart"),  # type: ignore[list-item]
        ("Apr", "April"),
        ("May", "mei"),
        ("Jun", "June", "juni"),
        ("Jul", "July", "juli"),
        ("Aug", "August", "augustus"),
        ("Sep", "Sept", "September"),
        ("Oct", "October", "okt", "oktober"),  # type: ignore[list-item]
        ("Nov", "November"),
        ("Dec", "December"),
    ]


_RANGE = re.compile(r"\s+(?:to|until|till|tot|t/m|tm)\s+|\s+-\s+|\s*–\s*", re.IGNORECASE)
_YEAR = re.compile(r"\b\d{4}\b")
_DAY = re.compile(
    r"\d{1,2}\.?\s*[^\W\d_]{3,}\.?(\s+\d{4})?"  # 24 Dec, 24 december 2026
    r"|[^\W\d_]{3,}\.?\s+\d{1,2}(,?\s+\d{4})?"  # Dec 24, December 24, 2026
    r"|\d{1,2}[/.-]\d{1,2}([/.-]\d{2,4})?"  # 24/12, 24-12-2026
)
"""What a day typed by a person looks like (ISO dates aside): a day and a month."""


def days(text: str, today: date) -> tuple[date, date]:
    """Two days typed by a person, first and last: ``2026-12-24 2027-01-02``, ``24 Dec to 2
    Jan``, ``24 december tot 2 januari`` (one day alone: that day). A day without a year is
    the next one to come. ``InvalidInput("away.unreadable")`` for anything else."""
    cleaned = strip_control(text).strip()
    parts = [p for p in _RANGE.split(cleaned) if p.strip()]
    if len(parts) == 1:
        parts = cleaned.split() if all(_iso(p) for p in cleaned.split()) else parts
    if not 1 <= len(parts) <= 2 or len(cleaned) > 80:
        raise InvalidInput("away.unreadable", text=cleaned[:40])
    found = [_day(part.strip(), today, cleaned) for part in parts]
    first, last = found[0], found[-1]
    if last < first and not _YEAR.search(parts[-1]):
        last = last.replace(year=last.year + 1)
    return first, last


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _day(part: str, today: date, whole: str) -> date:
    found = _iso(part)
    if found is not None:
        return found
    if not _DAY.fullmatch(part):
        raise InvalidInput("away.unreadable", text=whole[:40])
    try:
        moment = parse_date(
            part, parserinfo=_Months(dayfirst=True), default=datetime(today.year, 1, 1)
        )
    except (ValueError, OverflowError):
        raise InvalidInput("away.unreadable", text=whole[:40]) from None
    found = moment.date()
    if found < today and not _YEAR.search(part):
        found = found.replace(year=found.year + 1)
    if not EARLIEST <= found <= LATEST:
        raise InvalidInput("away.unreadable", text=whole[:40])
    return found


_HOURS = re.compile(r"(\d{1,2})[:.h]?(\d{2})?\s*(?:-|–|to|tot|until)\s*(\d{1,2})[:.h]?(\d{2})?")


def hours(text: str) -> tuple[time, time]:
    """Two local times typed by a person, from and until: ``21:00-07:00``, ``21-7``, ``20.30
    tot 8``. ``InvalidInput("quiet.unreadable")`` for anything else."""
    found = _HOURS.fullmatch(strip_control(text).strip().lower())
    if found is None:
        raise InvalidInput("quiet.unreadable", text=text[:40])
    h1, m1, h2, m2 = (int(part or 0) for part in found.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise InvalidInput("quiet.unreadable", text=text[:40])
    return time(h1, m1), time(h2, m2)
