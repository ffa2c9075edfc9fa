"""The neutral view vocabulary every renderer (Block Kit, Adaptive Cards, HTML) knows.

Text is a sequence of spans; a renderer escapes every span for its platform, so user
text can never become markup, a mention or a link there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

# ------------------------------------------------------------------ inline spans


@dataclass(frozen=True)
class Plain:
    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Emphasis:
    text: str


@dataclass(frozen=True)
class Mention:
    """A person, shown by name by the platform (never a broadcast like @channel)."""

    person: str


@dataclass(frozen=True)
class Moment:
    """A point in time each reader sees in their own time zone."""

    at: datetime


@dataclass(frozen=True)
class Link:
    """A web address the reader can open; ``text`` is what is shown for it."""

    url: str
    text: str


Span = Plain | Strong | Emphasis | Mention | Moment | Link


def spans(*parts: Span | str) -> tuple[Span, ...]:
    return tuple(Plain(p) if isinstance(p, str) else p for p in parts)


# ------------------------------------------------------------------ blocks


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Text:
    parts: tuple[Span, ...]


@dataclass(frozen=True)
class Field:
    label: str
    value: tuple[Span, ...]


@dataclass(frozen=True)
class Fields:
    items: tuple[Field, ...]


@dataclass(frozen=True)
class ContextLine:
    parts: tuple[Span, ...]


@dataclass(frozen=True)
class Divider:
    pass


Style = Literal["primary", "danger"] | None


@dataclass(frozen=True)
class Confirm:
    """The question a person answers before a button does what cannot be undone."""

    title: str
    question: str
    yes: str
    no: str


@dataclass(frozen=True)
class Button:
    action_id: str
    label: str
    value: str = ""
    style: Style = None
    confirm: Confirm | None = None


@dataclass(frozen=True)
class Buttons:
    items: tuple[Button, ...]


# ------------------------------------------------------------------ form inputs


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class TextInput:
    id: str
    label: str
    initial: str = ""
    multiline: bool = False
    max_length: int = 500
    optional: bool = False
    placeholder: str = ""
    hint: str = ""


@dataclass(frozen=True)
class Select:
    id: str
    label: str
    options: tuple[Option, ...]
    initial: str | None = None
    optional: bool = False


@dataclass(frozen=True)
class PeopleSelect:
    id: str
    label: str
    initial: tuple[str, ...] = ()
    multiple: bool = True
    optional: bool = False


@dataclass(frozen=True)
class ChannelSelect:
    id: str
    label: str
    initial: str | None = None


@dataclass(frozen=True)
class DateTimeInput:
    id: str
    label: str
    initial: datetime | None = None
    optional: bool = False


@dataclass(frozen=True)
class DateInput:
    id: str
    label: str
    initial: date | None = None
    optional: bool = True


@dataclass(frozen=True)
class Checkboxes:
    id: str
    label: str
    options: tuple[Option, ...]
    initial: tuple[str, ...] = ()
    optional: bool = True


Input = TextInput | Select | PeopleSelect | ChannelSelect | DateTimeInput | DateInput | Checkboxes
Block = Heading | Text | Fields | ContextLine | Divider | Buttons | Input


@dataclass(frozen=True)
class Card:
    """A message or a screen. ``summary`` is the plain fallback (notifications, screen readers)."""

    blocks: tuple[Block, ...]
    summary: str


@dataclass(frozen=True)
class Form:
    """A modal (Slack) / dialog or card form (Teams) / page form (sandbox)."""

    callback_id: str
    title: str
    submit: str
    blocks: tuple[Block, ...]
    state: dict[str, str] = field(default_factory=dict)
    """Carried back on submit (Slack ``private_metadata``, Teams ``data``)."""
    locale: Literal["nl", "en"] = "nl"
    """The language the form is in (for the platform's own messages, e.g. required)."""

    @property
    def inputs(self) -> tuple[Input, ...]:
        kinds = (
            TextInput,
            Select,
            PeopleSelect,
            ChannelSelect,
            DateTimeInput,
            DateInput,
            Checkboxes,
        )
        return tuple(b for b in self.blocks if isinstance(b, kinds))
