"""Golden files of the screens: render a registered screen per platform, write it as stable
JSON, and compare it with the file under tests/golden/<platform>/<screen>.json."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from core.views.vocabulary import Card, Form
from integrations.slack import blocks
from integrations.teams.cards import render_card, render_form
from tests.support.screens import NAMES, Platform, Screen

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
PLATFORMS: tuple[Platform, ...] = ("slack", "teams")
REGENERATE = "./dev test --update-golden -k golden"
MAX_DIFF_LINES = 120

JSON = dict[str, Any]


def render(screen: Screen, view: Card | Form, platform: Platform) -> JSON:
    """What the platform receives: Block Kit (message arguments, App Home view or modal),
    or the Adaptive Card."""
    if platform == "teams":
        if isinstance(view, Form):
            return render_form(view, names=NAMES)
        return render_card(view, names=NAMES)
    if isinstance(view, Form):
        return blocks.modal(view)
    if screen.surface == "home":
        return blocks.home_view(view)
    return blocks.message(view)


def check_slack(screen: Screen, payload: JSON) -> None:
    """Slack's own model validation plus our checks of what it misses (raises BlockProblem)."""
    if screen.surface == "message":
        blocks.check_blocks(payload["blocks"], "message")
    else:
        blocks.check_view(payload)


def dumps(payload: JSON) -> str:
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def path_of(platform: Platform, name: str) -> Path:
    return GOLDEN / platform / f"{name}.json"


def mismatch(path: Path, rendered: str) -> str | None:
    """Why the rendered text does not match the golden file, with a diff; None if it does."""
    shown = path.relative_to(ROOT)
    if not path.exists():
        return f"no golden file {shown}: create it with `{REGENERATE}` and review it"
    golden = path.read_text(encoding="utf-8")
    if golden == rendered:
        return None
    diff = list(
        difflib.unified_diff(
            golden.splitlines(keepends=True),
            rendered.splitlines(keepends=True),
            fromfile=f"{shown} (golden)",
            tofile=f"{shown} (rendered now)",
        )
    )
    cut = diff[:MAX_DIFF_LINES]
    if len(diff) > MAX_DIFF_LINES:
        cut.append(f"... {len(diff) - MAX_DIFF_LINES} more diff lines\n")
    return (
        f"{shown} differs from what the renderer makes now. If the change is intended, "
        f"regenerate with `{REGENERATE}` and review `git diff tests/golden`.\n" + "".join(cut)
    )


def stale(names: set[str]) -> list[Path]:
    """Golden files of screens no longer registered."""
    return sorted(
        path
        for platform in PLATFORMS
        for path in (GOLDEN / platform).glob("*.json")
        if path.stem not in names
    )
