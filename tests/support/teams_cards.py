"""Runs tests/js/teams-validate-card.mjs (Microsoft's `adaptivecards` package) over cards."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "js" / "teams-validate-card.mjs"


def problems(cards: list[dict[str, Any]]) -> list[str]:
    """Errors from the adaptivecards validator and our own checks; empty when all is well."""
    found: list[str] = []
    for index, card in enumerate(cards):
        if card.get("type") != "AdaptiveCard" or card.get("version") != "1.5":
            found.append(f"card {index}: not an AdaptiveCard 1.5")
        for element in _elements(card.get("body") or []):
            if element.get("type") == "TextBlock" and not str(element.get("text", "")).strip():
                found.append(f"card {index}: empty TextBlock")
    lines = "".join(json.dumps(card) + "\n" for card in cards)
    result = subprocess.run(
        ["node", str(SCRIPT)], input=lines, capture_output=True, text=True, timeout=120
    )
    reports = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    if len(reports) != len(cards):
        found.append(f"validator answered {len(reports)} of {len(cards)}: {result.stderr}")
    for report in reports:
        for error in report["errors"]:
            found.append(f"card {report['index']}: {error}")
    return found


def _elements(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        out.append(item)
        for key in ("items", "columns"):
            out += _elements(item.get(key) or [])
    return out
