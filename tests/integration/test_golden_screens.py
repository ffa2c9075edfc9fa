"""Every screen, rendered for Slack (Block Kit) and Teams (Adaptive Card), passes the
platform's validator and equals its golden file in tests/golden/<platform>/<screen>.json.

A changed rendering fails here with a diff; when the change is intended, regenerate with
``./dev test --update-golden -k golden`` and review ``git diff tests/golden``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest

from core.domain.meeting import MeetingState
from core.views import actions
from core.views.direct import DIRECT_VIEWS
from core.views.meeting import THREAD_VIEWS
from core.views.vocabulary import Card, Form
from tests.support import golden
from tests.support.scenes import POINTS, scene_at
from tests.support.screens import LOCALES, Platform, Screen, screens
from tests.support.teams_cards import problems

SCREENS = screens()
TEAMS_CARD_LIMIT = 28_000
"""Bytes: the Bot Connector refuses larger activities (PLATFORMS.md)."""


@dataclass(frozen=True)
class Rendered:
    views: dict[tuple[str, Platform], Card | Form]
    texts: dict[tuple[str, Platform], str]
    """The golden-file text of each screen per platform."""


def _render_all() -> Rendered:
    views: dict[tuple[str, Platform], Card | Form] = {}
    texts: dict[tuple[str, Platform], str] = {}
    for screen in SCREENS:
        shared = None if screen.per_platform else screen.build("slack")
        for platform in golden.PLATFORMS:
            view = shared if shared is not None else screen.build(platform)
            views[screen.name, platform] = view
            texts[screen.name, platform] = golden.dumps(golden.render(screen, view, platform))
    return Rendered(views, texts)


@pytest.fixture(scope="module")
def rendered(update_golden: bool) -> Rendered:
    first = _render_all()
    if update_golden:  # never write a file that the next run would not reproduce
        unstable = sorted(
            f"{platform}/{name}"
            for (name, platform), text in _render_all().texts.items()
            if first.texts[name, platform] != text
        )
        assert not unstable, f"screens render differently each time: {unstable}"
    return first


def _check(screen: Screen, platform: Platform, rendered: Rendered, update: bool) -> None:
    path = golden.path_of(platform, screen.name)
    text = rendered.texts[screen.name, platform]
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        return
    problem = golden.mismatch(path, text)
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: s.name)
def test_slack_rendering_is_valid_and_matches_its_golden_file(
    screen: Screen, rendered: Rendered, update_golden: bool
) -> None:
    payload = json.loads(rendered.texts[screen.name, "slack"])
    golden.check_slack(screen, payload)
    _check(screen, "slack", rendered, update_golden)


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: s.name)
def test_teams_rendering_matches_its_golden_file(
    screen: Screen, rendered: Rendered, update_golden: bool
) -> None:
    _check(screen, "teams", rendered, update_golden)


def test_every_teams_card_passes_the_adaptivecards_validator(rendered: Rendered) -> None:
    """One run of Microsoft's validator (a Node process) over every card."""
    cards = [json.loads(rendered.texts[s.name, "teams"]) for s in SCREENS]
    found = [
        re.sub(r"^card (\d+):", lambda m: SCREENS[int(m.group(1))].name + ":", line)
        for line in problems(cards)
    ]
    for screen, card in zip(SCREENS, cards, strict=True):
        size = len(json.dumps(card).encode())
        if size > TEAMS_CARD_LIMIT:
            found.append(f"{screen.name}: {size} bytes, over {TEAMS_CARD_LIMIT}")
    assert found == [], "\n".join(found)


def test_no_golden_file_outlives_its_screen(update_golden: bool) -> None:
    left = golden.stale({s.name for s in SCREENS})
    if update_golden:
        for path in left:
            path.unlink()
        return
    shown = [str(p.relative_to(golden.ROOT)) for p in left]
    assert shown == [], f"golden files without a registered screen; `{golden.REGENERATE}`"


def test_the_registry_shows_every_view_and_every_meeting_state(rendered: Rendered) -> None:
    names = {s.name for s in SCREENS}
    for view in THREAD_VIEWS:
        assert f"thread.{view}.en" in names
    for view in DIRECT_VIEWS:
        assert f"direct.{view}.en" in names
    for locale in LOCALES:
        assert {f"meeting_card.{p}.{locale}" for p in POINTS} <= names
        assert f"help.{locale}" in names
    reached = {scene_at(point).meeting.state for point in POINTS}
    assert reached == set(MeetingState)
    form_ids = {v.callback_id for (_, _), v in rendered.views.items() if isinstance(v, Form)}
    assert form_ids == {v for k, v in vars(actions).items() if k.startswith("FORM_")}
