"""Every user-visible string exists in Dutch and English, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from core.domain.goals import Criterion
from core.domain.group import Cadence, Mode
from core.domain.meeting import MeetingState
from core.domain.method import ContributionKind, Speakers
from core.domain.tasks import TaskKind
from core.i18n import catalogue, normalise_locale, t
from core.services import notify
from core.views.direct import DIRECT_VIEWS, EXPLAINED_REFUSALS, SKIP_REASONS
from core.views.home import COMMANDS
from core.views.meeting import CONFIRMATIONS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [p for folder in ("core", "integrations") for p in (ROOT / folder).rglob("*.py")]
LITERAL_KEY = re.compile(
    r"""(?:\bt|NotAllowed|NotPossibleNow|NotFound|InvalidInput|ConcurrentChange|DomainError"""
    r"""|notice)\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']|key=["']([a-z_]+(?:\.[a-z_]+)+)["']"""
)
FIELD = re.compile(r"""field=["']([a-z_]+)["']""")


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for match in LITERAL_KEY.finditer(text):
            keys.add(match.group(1) or match.group(2))
        keys |= {f"field.{name}" for name in FIELD.findall(text)}
    return keys


def family_keys() -> set[str]:
    families = {
        "state": [s.value for s in MeetingState],
        "kind": [k.value for k in ContributionKind],
        "cadence": [c.value for c in Cadence],
        "mode": [m.value for m in Mode],
        "goal.criterion": [c.value for c in Criterion],
        "goal.hint": [c.value for c in Criterion],
        "task": [k.value for k in TaskKind],
        "direct": list(DIRECT_VIEWS),
        "direct.undeliverable": list(EXPLAINED_REFUSALS),
        "direct.members_skipped": list(SKIP_REASONS),
        "delivery": [*notify.REFUSED_WHAT.values(), "messages"],
        "help": list(COMMANDS),
        "command": list(COMMANDS),
        "speakers": [s.value for s in Speakers],
    }
    keys = {f"{prefix}.{name}" for prefix, names in families.items() for name in names}
    parts = ("title", "question", "yes")
    return keys | {f"confirm.{what}.{part}" for what in CONFIRMATIONS for part in parts}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys() -> None:
    assert set(catalogue("nl")) == set(catalogue("en"))


@pytest.mark.parametrize("key", sorted(used_keys() | family_keys()))
def test_every_key_the_code_uses_is_in_both_catalogues(key: str) -> None:
    assert key in catalogue("nl"), f"{key} missing in nl.po"
    assert key in catalogue("en"), f"{key} missing in en.po"


def test_placeholders_match_between_languages() -> None:
    english = catalogue("en")
    for key, dutch in catalogue("nl").items():
        assert placeholders(dutch) == placeholders(english[key]), key


def test_the_key_scan_finds_keys_at_all() -> None:
    keys = used_keys()
    assert {"meeting.already_moved_on", "round.case_owner_turned_away", "card.title"} <= keys


def test_translation_fills_parameters_and_shows_unknown_keys() -> None:
    assert t("error.too_many_members", "nl", limit=20) == "Een groep heeft hoogstens 20 leden."
    assert t("no.such.key", "en") == "no.such.key"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("nl-NL", "nl"),
        ("en-US", "en"),
        ("nl", "nl"),
        ("de-DE", "nl"),
        (None, "nl"),
        ("EN_gb", "en"),
    ],
)
def test_platform_locales_are_reduced_to_ours(given: str | None, expected: str) -> None:
    assert normalise_locale(given) == expected
