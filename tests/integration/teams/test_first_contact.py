"""Teams greets a new bot with installationUpdate and conversationUpdate at the same moment:
both first contacts of the tenant must succeed, and make ONE workspace (SQLite, PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.support.teams_harness import TENANT, TeamsHarness


def test_simultaneous_first_contacts_make_one_workspace(teams: TeamsHarness, db_url: str) -> None:
    activities: list[dict[str, Any]] = [
        teams.recorded(name, f"aad-{n}")
        for n in range(1, 5)
        for name in ("installation_update", "conversation_update_team")
    ]
    assert {a["channelData"]["tenant"]["id"] for a in activities} == {TENANT}
    with ThreadPoolExecutor(max_workers=len(activities)) as pool:
        results = list(pool.map(teams.post, activities))
    assert [status for status, _ in results] == [200] * len(activities), results
    assert teams.rows("workspaces") == 1
