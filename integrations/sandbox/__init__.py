"""The local browser sandbox: the same core services, storage and views as Slack and
Teams, with simulated colleagues, served as plain HTML at "/"."""

from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from integrations.server import App

log = logging.getLogger("intervision.sandbox")


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def mount(app: App) -> None:
    """Serve the sandbox at "/" (the router's fallback: /healthz, /slack/ and
    /api/messages keep their own routes) and register its messenger."""
    from core.interactions import Platform
    from integrations.sandbox.messenger import SandboxMessenger
    from integrations.sandbox.web import Sandbox

    host = app.settings.HOST
    if not is_loopback(host) and app.settings.SANDBOX is not True:
        log.warning(
            "Sandbox: off (HOST=%s is not a loopback address; anyone who reaches it could act "
            "as anyone. Set SANDBOX=1 to serve it there anyway)",
            host,
        )
        return
    messenger = SandboxMessenger(app.ctx)
    app.messengers[Platform.SANDBOX] = messenger
    app.router.mount("/", Sandbox(app, messenger))
    log.info(
        "Sandbox: on at http://%s:%s/ (simulated colleagues, local only)", host, app.settings.PORT
    )
