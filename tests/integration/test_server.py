"""``intervision serve`` as a real process: production server, /healthz, platforms off."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_serve_answers_healthz_on_sqlite_with_every_platform_off(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_", "TEAMS_"))
    }
    env.update(
        {"PORT": "0", "HOST": "127.0.0.1", "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "integrations.cli", "serve"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines: list[str] = []
        port = None
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline:
            line = process.stderr.readline() if process.stderr else ""
            if not line:
                break
            lines.append(line)
            found = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            port = int(found.group(1)) if found else None
        assert port, "".join(lines)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert response.status == 200 and response.read() == b"ok\n"
        log = "".join(lines)
        assert "Slack: off" in log and "Microsoft Teams: off" in log
        assert (tmp_path / "serve.db").exists()
    finally:
        process.terminate()
        process.wait(timeout=20)
