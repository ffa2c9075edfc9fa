"""``intervision serve`` as a real process: production server, /healthz, platforms off."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from tests.support.serve import serve


def test_serve_answers_healthz_on_sqlite_with_every_platform_off(tmp_path: Path) -> None:
    with serve(f"sqlite:///{tmp_path / 'serve.db'}") as server:
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=10) as response:
            assert response.status == 200 and response.read() == b"ok\ndatabase: ok\n"
        assert "Slack: off" in server.log and "Microsoft Teams: off" in server.log
        assert (tmp_path / "serve.db").exists()
