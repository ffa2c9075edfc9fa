"""What the core answers an interaction with: data, the same on every platform.

A reply says what to show the person who acted (notices, a screen, a form to open) and
which meeting it concerned; ``core.interactions.render`` turns it into neutral views, and
each adapter renders those. Replies are plain data (pydantic), so a reply the platform
cannot give inside its request can wait in the outbox (``notify.REPLY``) and be compared
across platforms in tests.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.domain.common import ChannelRef, Locale

Param = str | int | float


class Notice(BaseModel):
    """One line for the person: a confirmation, or a refusal explaining why not."""

    model_config = ConfigDict(frozen=True)
    key: str
    """Catalogue key (``core/i18n``)."""
    params: dict[str, Param] = Field(default_factory=dict)
    refusal: bool = False
    field: str | None = None
    """For a refusal of a form: the input it is about."""


class Screen(BaseModel):
    """A whole screen to show the person privately."""

    model_config = ConfigDict(frozen=True)
    name: str
    """``help``, ``home``, ``tasks``, ``report`` (a meeting's) or ``health`` (a group's)."""
    unknown_word: str | None = None
    meeting_id: int | None = None
    group_id: int | None = None


class FormRequest(BaseModel):
    """A form to open for the person, with what it is about."""

    model_config = ConfigDict(frozen=True)
    form: str
    """The form's callback id (``core.views.actions.FORM_*``)."""
    group_id: int | None = None
    meeting_id: int | None = None
    goal_id: str | None = None
    channel: ChannelRef | None = None


class Reply(BaseModel):
    model_config = ConfigDict(frozen=True)
    locale: Locale
    notices: tuple[Notice, ...] = ()
    screen: Screen | None = None
    form: FormRequest | None = None
    meeting_id: int | None = None
    """The meeting the interaction changed or concerned (Teams answers a card click with
    the card as it now is)."""

    @property
    def refused(self) -> bool:
        return any(notice.refusal for notice in self.notices)

    @property
    def is_empty(self) -> bool:
        return not self.notices and self.screen is None and self.form is None


def notice(locale: Locale, key: str, **params: Param) -> Reply:
    return Reply(locale=locale, notices=(Notice(key=key, params=params),))
