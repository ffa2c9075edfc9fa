"""Private messages to one person: their turn, a nudge, an explanation."""

from __future__ import annotations

from typing import Any

from core.domain.common import Locale
from core.domain.errors import DomainError
from core.i18n import error_text, said, t
from core.views.vocabulary import Card, ContextLine, Text, spans

DIRECT_VIEWS = (
    "your_turn",
    "nudge_advice",
    "turned_away",
    "hidden_received",
    "channel_shared",
    "channel_unknown",
    "withdrawn",
)


def direct_message(view: str, locale: Locale, **params: Any) -> Card:
    """``view`` is one of DIRECT_VIEWS (the ``person.direct`` notification's ``view``)."""
    if view not in DIRECT_VIEWS:
        raise ValueError(f"unknown direct view {view!r}")
    text = t(f"direct.{view}", locale, **params)
    return Card(blocks=(Text(spans(text)),), summary=text)


def refusal(error: DomainError, locale: Locale) -> Card:
    """What a person sees (privately) when the rules say no: never silence."""
    text = error_text(error, locale)
    return Card(blocks=(Text(spans(text)),), summary=text)


def notice(key: str, locale: Locale, **params: Any) -> Card:
    text = t(key, locale, **params)
    return Card(blocks=(ContextLine(spans(text)),), summary=text)


def line(key: str, locale: Locale, params: dict[str, Any], *, refusal: bool = False) -> Card:
    """One line for a person: a confirmation, or (``refusal``) why not."""
    text = said(key, locale, params)
    block = Text(spans(text)) if refusal else ContextLine(spans(text))
    return Card(blocks=(block,), summary=text)
