"""Private messages to one person: their turn, a nudge, an explanation."""

from __future__ import annotations

from typing import Any

from core.domain.common import Locale
from core.domain.errors import DomainError
from core.i18n import error_text, said, t
from core.views.privacy import person
from core.views.vocabulary import Card, ContextLine, Span, Text, spans

DIRECT_VIEWS = (
    "your_turn",
    "nudge_advice",
    "turned_away",
    "hidden_received",
    "channel_shared",
    "channel_unknown",
    "withdrawn",
    "undeliverable",
    "unreachable",
    "members_skipped",
    "deadline_passed",
)

SKIP_REASONS = ("left", "gone")
"""Why members are skipped in a meeting (``direct.members_skipped.<reason>``): no longer in
the group's channel, or their account deactivated or deleted."""


EXPLAINED_REFUSALS = ("no_access", "too_large", "not_started")
"""Refusals whose notice says what to do (``direct.undeliverable.<refusal>``; ``not_started``:
no access, and the meeting is planned again); any other gets the general one
(``direct.undeliverable``)."""


def direct_message(view: str, locale: Locale, **params: Any) -> Card:
    """``view`` is one of DIRECT_VIEWS (the ``person.direct`` notification's ``view``).
    ``undeliverable`` explains its ``refusal`` (a ``Refusal`` value); ``unreachable``
    names the person it is about (``mention``) as the platform shows people;
    ``members_skipped`` names the members skipped in a meeting per ``SKIP_REASONS``
    (``left``, ``gone``: lists of person refs)."""
    if view not in DIRECT_VIEWS:
        raise ValueError(f"unknown direct view {view!r}")
    key = f"direct.{view}"
    if view == "undeliverable" and params.get("refusal") in EXPLAINED_REFUSALS:
        key += "." + str(params["refusal"])
    text = said(key, locale, params)
    if view == "unreachable" and params.get("mention"):
        named = _naming(key, locale, params, "mention", [str(params["mention"])])
        return Card(blocks=(Text(named),), summary=text)
    if view == "members_skipped":
        lines = [
            Text(_naming(f"{key}.{reason}", locale, params, "people", params[reason]))
            for reason in SKIP_REASONS
            if params.get(reason)
        ]
        return Card(blocks=(Text(spans(text)), *lines), summary=text)
    return Card(blocks=(Text(spans(text)),), summary=text)


def _naming(
    key: str, locale: Locale, params: dict[str, Any], slot: str, people: list[str]
) -> tuple[Span, ...]:
    """The text of ``key`` with the people in its ``slot`` shown as the platform shows
    people (a mention each, separated by commas)."""
    before, _, after = t(key, locale, **{**params, slot: "\x00"}).partition("\x00")
    named: list[Span | str] = [before]
    for at, ref in enumerate(people):
        named += [", "] if at else []
        named.append(person(str(ref), locale))
    return spans(*named, after)


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
