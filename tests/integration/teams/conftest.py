from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.teams_harness import APP_ID, TeamsHarness, running_teams
from tests.support.teams_servers import MicrosoftStandIns, microsoft_stand_ins


@pytest.fixture(scope="session")
def microsoft(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MicrosoftStandIns]:
    """Microsoft's servers, started once; each test gives them fresh state."""
    with microsoft_stand_ins(tmp_path_factory.mktemp("microsoft"), APP_ID) as stand_ins:
        yield stand_ins


@pytest.fixture
def teams(
    db_url: str, microsoft: MicrosoftStandIns, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TeamsHarness]:
    with running_teams(db_url, microsoft, monkeypatch) as harness:
        yield harness
