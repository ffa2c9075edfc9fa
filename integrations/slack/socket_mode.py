"""Socket Mode (SLACK_APP_TOKEN): Slack sends requests over a WebSocket we open, so no
public URL is needed. Bolt's builtin handler; apps.connections.open goes to SLACK_API_URL."""

from __future__ import annotations

import logging
import threading

from slack_bolt import App as BoltApp

from integrations.settings import Settings
from integrations.slack.runtime import web_client

log = logging.getLogger("intervision.slack")


class SocketMode:
    """Connects on a daemon thread (never blocks the server's start) and closes cleanly."""

    def __init__(self, bolt: BoltApp, settings: Settings) -> None:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        assert settings.SLACK_APP_TOKEN
        self.handler = SocketModeHandler(
            bolt,
            settings.SLACK_APP_TOKEN,
            logger=logging.getLogger("intervision.slack.socket_mode"),
            web_client=web_client(settings, None),
        )
        self._thread = threading.Thread(target=self._connect, name="slack-socket-mode", daemon=True)
        self._closed = threading.Event()

    def start(self) -> SocketMode:
        self._thread.start()
        return self

    def _connect(self) -> None:
        delay = 1.0
        while not self._closed.is_set():
            try:
                self.handler.connect()  # type: ignore[no-untyped-call]
            except Exception as exc:
                if self._closed.is_set():
                    return
                log.warning("Slack: Socket Mode could not connect (%s); again in %.0fs", exc, delay)
                self._closed.wait(delay)
                delay = min(delay * 2, 60.0)
                continue
            log.info("Slack: Socket Mode connected")
            return

    def is_connected(self) -> bool:
        return bool(self.handler.client.is_connected())

    def stop(self, timeout: float = 5.0) -> None:
        self._closed.set()
        self.handler.close()  # type: ignore[no-untyped-call]
        self._thread.join(timeout)
        log.info("Slack: Socket Mode closed")
