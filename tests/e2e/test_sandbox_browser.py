"""A whole meeting in a real browser: the real ``intervision serve`` process with every
platform off (so the sandbox is on), driven by Playwright on Debian's Chromium. Full-page
screenshots per phase are kept in ``artifacts/sandbox/<locale>/`` (gitignored)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.serve import serve

ROOT = Path(__file__).resolve().parents[2]
NODE_TOOLS = ROOT / "tests" / "js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    with serve(f"sqlite:///{tmp_path / 'sb.db'}") as server:
        assert "Sandbox: on" in server.log
        yield server.url


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", ("Case owner", "Report · Team North")),
        ("nl", ("Inbrenger", "Verslag · Wijkteam Noord")),
    ],
)
def test_a_whole_incident_meeting_in_a_real_browser(
    served: str, locale: str, expected: tuple[str, ...]
) -> None:
    assert Path(CHROMIUM).exists(), (
        f"install Chromium first: apt-get install -y chromium ({CHROMIUM})"
    )
    node = shutil.which("node")
    assert node, "node is needed for the browser test"
    shots = ROOT / "artifacts" / "sandbox" / locale
    shutil.rmtree(shots, ignore_errors=True)
    result = subprocess.run(
        [node, "sandbox-meeting.mjs", served, str(shots), locale],
        cwd=NODE_TOOLS,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CHROMIUM": CHROMIUM},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "REPORT OK" in result.stdout
    assert len(list(shots.glob("*-report.png"))) == 1
    assert len(list(shots.glob("*.png"))) >= 14
    # The report page as the browser showed it (saved by the script beside its screenshot).
    for text in expected:
        assert text in result.stdout + _report_text(shots), text


def _report_text(shots: Path) -> str:
    """The HTML the script saved beside the report screenshot."""
    saved = sorted(shots.glob("*-report.html"))
    return saved[0].read_text(encoding="utf-8") if saved else ""
