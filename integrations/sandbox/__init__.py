"""The local browser sandbox: the same core services, storage and views as Slack and
Teams, with simulated colleagues, served as plain HTML at "/"."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from integrations.sandbox.addresses import is_loopback

if TYPE_CHECKING:
    from integrations.server import App

__all__ = ["is_loopback", "mount"]

log = logging.getLogger("intervision.sandbox")


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
    origins = app.settings.sandbox_origins
    if not is_loopback(host) and not origins:
        log.warning(
            "Sandbox: HOST=%s, but it answers only requests addressed to a loopback name "
            "(localhost, 127.0.0.1); set SANDBOX_ORIGINS to the address people use to reach it",
            host,
        )
    messenger = SandboxMessenger(app.ctx)
    app.messengers[Platform.SANDBOX] = messenger
    app.router.mount("/", Sandbox(app, messenger))
    log.info(
        "Sandbox: on at http://%s:%s/ (simulated colleagues; answers loopback names%s)",
        host,
        app.settings.PORT,
        "".join(f", {origin}" for origin in origins),
    )
