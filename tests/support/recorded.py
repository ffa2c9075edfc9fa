"""Recorded inbound payloads (tests/fixtures/slack, tests/fixtures/teams) and the wire form
each platform sends them in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SLACK = FIXTURES / "slack"
TEAMS = FIXTURES / "teams"


def names(folder: Path) -> list[str]:
    return sorted(path.stem for path in folder.glob("*.json"))


def load(folder: Path, name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def slack_wire(body: dict[str, Any]) -> tuple[str, str]:
    """The HTTP body and content type Slack posts: slash commands form-encoded, interactions
    as a form field ``payload`` holding JSON, events (and the URL check) as JSON."""
    if "command" in body:
        return urlencode(body), "application/x-www-form-urlencoded"
    if body.get("type") in ("block_actions", "view_submission", "view_closed"):
        return urlencode({"payload": json.dumps(body)}), "application/x-www-form-urlencoded"
    return json.dumps(body), "application/json"


def dig(body: dict[str, Any], path: str) -> Any:
    """``dig(body, "event.message.ts")``; a list index is a number (``actions.0.value``)."""
    found: Any = body
    for key in path.split("."):
        found = found[int(key)] if isinstance(found, list) else found[key]
    return found
