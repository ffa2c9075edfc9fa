"""How screens show what privacy removed: a text removed after the retention period or on
request, and a person who was erased (never a mention of their stand-in)."""

from __future__ import annotations

from core.domain.case import Case
from core.domain.common import Locale, PersonRef
from core.domain.privacy import TextRemoval, is_erased
from core.i18n import t
from core.views.vocabulary import Emphasis, Mention, Plain, Span, Strong


def person(ref: PersonRef, locale: Locale) -> Span:
    if is_erased(ref):
        return Emphasis(t("privacy.former_member", locale))
    return Mention(ref)


def removed(removal: TextRemoval, locale: Locale) -> Emphasis:
    if removal.after_days is None:
        return Emphasis(t("privacy.removed_on_request", locale))
    if removal.after_days == 1:
        return Emphasis(t("privacy.removed_after_a_day", locale))
    return Emphasis(t("privacy.removed_after_days", locale, days=removal.after_days))


def said(text: str, removal: TextRemoval | None, locale: Locale) -> Span:
    """A person's text, or the note that it was removed."""
    return Plain(text) if removal is None else removed(removal, locale)


def case_text(case: Case, locale: Locale) -> tuple[Span | str, ...]:
    """A case's title and help question, or the note that they were removed."""
    if case.removed is not None:
        return (removed(case.removed, locale),)
    return (
        case.title,
        "\n",
        Strong(t("card.help_question", locale) + ": "),
        Emphasis(case.help_question),
    )
