"""``/healthz`` and ``/readyz``: what a process supervisor and a load balancer ask.

- ``/healthz`` — is this process able to work: it answers, and its database answers a
  query within a couple of seconds. 503 when not: restart it, or fix the database.
- ``/readyz`` — should requests be sent here: healthy, the database's schema is at the
  revision this code ships (PostgreSQL is migrated by ``intervision db upgrade``, not by
  the server), and the outbox worker is running (without it nothing would be delivered).

Both answer in plain text: the verdict on the first line, then one line per part, so the
part that is down is named (``database: down``). Why it is down goes to the log once,
when it changes, not into the public answer."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from core.storage.health import DatabaseProbe, shipped_head
from integrations.wsgi import StartResponse, respond

log = logging.getLogger("intervision.health")


class Health:
    def __init__(self, probe: DatabaseProbe, worker_running: Callable[[], bool | None]) -> None:
        """``worker_running`` None: the outbox is delivered by processes of its own."""
        self.probe = probe
        self.worker_running = worker_running
        self._lock = threading.Lock()
        self._last: dict[str, str] = {}

    def healthz(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        found = self.probe.look()
        parts = {"database": "ok" if found.reachable else "down"}
        self._note("database", parts["database"], found.problem)
        return _answer(start_response, "ok" if found.reachable else "down", parts)

    def readyz(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        found = self.probe.look(revision=True)
        head = shipped_head()
        if not found.reachable:
            migrations = "unknown"
        elif found.at_head:
            migrations = f"at head ({head})"
        else:
            migrations = f"not at head ({found.revision or 'none'}, head {head})"
        running = self.worker_running()
        worker = {True: "running", False: "stopped", None: "in its own processes"}[running]
        parts = {
            "database": "ok" if found.reachable else "down",
            "migrations": migrations,
            "outbox worker": worker,
        }
        self._note("database", parts["database"], found.problem)
        self._note("migrations", "ok" if found.at_head or not found.reachable else migrations)
        self._note("outbox worker", parts["outbox worker"])
        ready = found.at_head and running is not False
        return _answer(start_response, "ready" if ready else "not ready", parts)

    def _note(self, part: str, state: str, problem: str | None = None) -> None:
        """Log a part's state when it changes (a load balancer asks every few seconds)."""
        with self._lock:
            before, self._last[part] = self._last.get(part), state
        if before == state:
            return
        if state in ("ok", "running"):
            if before is not None:
                log.info("health: %s is %s again", part, state)
        else:
            log.warning("health: %s is %s%s", part, state, f": {problem}" if problem else "")


def _answer(start_response: StartResponse, verdict: str, parts: dict[str, str]) -> list[bytes]:
    good = verdict in ("ok", "ready")
    lines = [verdict, *(f"{name}: {state}" for name, state in parts.items())]
    status = "200 OK" if good else "503 Service Unavailable"
    return respond(start_response, status, ("\n".join(lines) + "\n").encode())
