"""Every user-visible string, in Dutch and English.

The catalogues are gettext ``.po`` files, one folder per language (``core/i18n/nl/``,
``core/i18n/en/``) with a file per area (``core.po``, ``slack.po``, ...), with
symbolic message ids (``meeting.already_moved_on``) and ``str.format`` placeholders
(``{limit}``). A key missing in either language fails a test, so nothing falls back
silently; at run time an unknown key shows itself rather than crashing.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from core.domain.common import LOCALES, Locale
from core.domain.errors import DomainError

FOLDER = Path(__file__).parent


@cache
def catalogue(locale: Locale) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((FOLDER / locale).glob("*.po")):
        with path.open("rb") as handle:
            parsed = read_po(handle, locale=locale)
        for message in parsed:
            if not (message.id and message.string):
                continue
            if message.id in merged:
                raise ValueError(f"{path.name}: key {message.id!r} is already defined")
            merged[str(message.id)] = str(message.string)
    return merged


def t(key: str, locale: Locale, /, **params: Any) -> str:
    """The text for ``key`` in ``locale``, with ``params`` filled in."""
    template = catalogue(locale).get(key)
    if template is None:
        return key
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def error_text(error: DomainError, locale: Locale) -> str:
    return said(error.key, locale, error.params)


def said(key: str, locale: Locale, params: Mapping[str, Any]) -> str:
    """Like ``t``, with the parameters that name things (``field``, ``state``) in words."""
    return t(key, locale, **{k: _localise_param(k, v, locale) for k, v in params.items()})


def _localise_param(name: str, value: Any, locale: Locale) -> Any:
    if name == "field":
        return t(f"field.{value}", locale)
    if name == "state":
        return t(f"state.{value}", locale)
    if name == "what":
        return t(f"delivery.{value}", locale)
    return value


def normalise_locale(value: str | None, default: Locale = "nl") -> Locale:
    """Platform locales look like ``nl-NL``, ``en-US``, ``nl``: take the language."""
    language = (value or "").split("-")[0].split("_")[0].lower()
    for locale in LOCALES:
        if language == locale:
            return locale
    return default
