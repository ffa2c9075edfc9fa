"""The Slack adapter: a Bolt app behind /slack/, and the messenger that delivers the
outbox to Slack. Single workspace (SLACK_BOT_TOKEN) or multi-workspace OAuth install
(SLACK_CLIENT_ID + SLACK_CLIENT_SECRET, tokens encrypted with INTERVISION_SECRET_KEY);
Socket Mode on top of either when SLACK_APP_TOKEN is set."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from integrations.server import App
    from integrations.slack.socket_mode import SocketMode

log = logging.getLogger("intervision.slack")
_socket_modes: dict[int, SocketMode] = {}


def mount(app: App) -> None:
    from core.interactions import Platform
    from integrations.slack.bolt_app import build_bolt
    from integrations.slack.gate import SlackGate
    from integrations.slack.messenger import SlackMessenger

    settings = app.settings
    oauth = bool(settings.SLACK_CLIENT_ID and settings.SLACK_CLIENT_SECRET)
    if oauth and not settings.INTERVISION_SECRET_KEY:
        log.error(
            "Slack: the multi-workspace install (SLACK_CLIENT_ID/SECRET) stores bot tokens "
            "encrypted and needs INTERVISION_SECRET_KEY; set it. Slack stays off."
        )
        return
    if oauth:
        if settings.SLACK_BOT_TOKEN:
            log.warning("Slack: SLACK_CLIENT_ID/SECRET set, so SLACK_BOT_TOKEN is not used")
        bolt, runtime = build_bolt(app.ctx, settings, app.engine)
        log.info("Slack: multi-workspace install at /slack/install")
    elif settings.SLACK_BOT_TOKEN:
        bolt, runtime = build_bolt(app.ctx, settings)
    else:
        log.warning("Slack: set SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
        return
    assert settings.SLACK_SIGNING_SECRET
    app.router.mount("/slack/", SlackGate(bolt, signing_secret=settings.SLACK_SIGNING_SECRET))
    app.messengers[Platform.SLACK] = SlackMessenger(runtime)
    if settings.SLACK_APP_TOKEN:
        from integrations.slack.socket_mode import SocketMode

        _socket_modes[id(app)] = SocketMode(bolt, settings).start()
        log.info("Slack: Socket Mode on (requests come over a WebSocket; /slack/events stays)")


def stop(app: App) -> None:
    """Close what ``mount`` opened in the background (Socket Mode's WebSocket)."""
    socket_mode = _socket_modes.pop(id(app), None)
    if socket_mode is not None:
        socket_mode.stop()


def socket_mode_of(app: App) -> SocketMode | None:
    return _socket_modes.get(id(app))
