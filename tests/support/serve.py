"""The real ``intervision serve`` process for tests: started on a free loopback port with
every platform off unless ``env`` says otherwise, its log drained on a thread (so a full
pipe never blocks the server), stopped by its PID."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")
PLATFORM_VARIABLES = ("SLACK_", "MICROSOFT_", "TEAMS_", "SANDBOX")


@dataclass
class Served:
    url: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    @property
    def log(self) -> str:
        return "".join(self.lines)


@contextmanager
def serve(database_url: str, **env: str) -> Iterator[Served]:
    """``intervision serve`` on a free port; ready when it says where it listens."""
    command = [sys.executable, "-m", "integrations.cli", "serve"]
    with running(command, LISTENING, database_url, PORT="0", HOST="127.0.0.1", **env) as found:
        yield found


@contextmanager
def running(
    command: list[str], ready: re.Pattern[str], database_url: str, **env: str
) -> Iterator[Served]:
    """A process of ours from the repository's root, with every platform off unless
    ``env`` says otherwise; ready when a line of its log matches ``ready`` (its first
    group, if any, is the port it listens on); stopped by its PID (SIGTERM)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(PLATFORM_VARIABLES)}
    clean.update({"DATABASE_URL": database_url, **env})
    process = subprocess.Popen(command, cwd=ROOT, env=clean, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    started = threading.Event()

    def drain() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if ready.search(line):
                started.set()
        started.set()  # the process ended

    threading.Thread(target=drain, daemon=True).start()
    try:
        started.wait(timeout=60)
        found = next((m for m in map(ready.search, lines) if m), None)
        assert found, "".join(lines)
        port = found.group(1) if ready.groups else ""
        yield Served(url=f"http://127.0.0.1:{port}", process=process, lines=lines)
    finally:
        process.terminate()
        process.wait(timeout=20)
