from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.teams_harness import TeamsHarness, running_teams


@pytest.fixture
def teams(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TeamsHarness]:
    with running_teams(db_url, tmp_path, monkeypatch) as harness:
        yield harness
