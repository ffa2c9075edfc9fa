"""The composition root: the only code that knows every adapter.

Settings -> engine -> core context -> platform adapters -> one WSGI app + the outbox
worker. Nothing happens at import time.
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine

from core.bootstrap import bootstrap
from core.domain.common import Clock, Platform, SystemClock
from core.jobs.delivery import Deliverer
from core.jobs.outbox_worker import OutboxWorker
from core.jobs.retention import RetentionJob
from core.methods import MethodLibrary, load_library
from core.services.context import Context
from core.services.ports import CalendarPort, Messenger
from core.storage.engine import BACKGROUND, REQUESTS, database_url, make_engine
from core.storage.health import DatabaseProbe
from core.storage.migrate import upgrade
from core.storage.wakeups import Listener
from integrations import calendar_feed
from integrations.health import Health
from integrations.settings import Settings
from integrations.wsgi import Router

log = logging.getLogger("intervision")


@dataclass
class App:
    settings: Settings
    engine: Engine
    """For work someone waits for (requests): short lock and statement time-outs."""
    background: Engine
    """For work nobody waits for (the outbox worker): it may wait longer for a lock."""
    ctx: Context
    router: Router
    messengers: dict[Platform, Messenger] = field(default_factory=dict)
    """Each switched-on platform's messenger; ``mount`` of each adapter adds its own."""
    calendars: dict[Platform, CalendarPort] = field(default_factory=dict)
    """Where people's own calendars are written to (Teams with MICROSOFT_GRAPH_CALENDARS)."""
    deliver: Deliverer = field(init=False)
    """The one delivery path (``core.jobs.delivery``): the outbox worker's handler."""
    worker: OutboxWorker = field(init=False)
    health: Health = field(init=False)
    """``/healthz`` and ``/readyz``."""
    retention: RetentionJob = field(init=False)
    """Removes texts whose retention has passed; started by ``serve`` with the worker."""
    listener: Listener = field(init=False)
    """Wakes the worker when another process queued rows (PostgreSQL)."""

    def start_background(self) -> None:
        """The outbox worker, what wakes it from other processes, and the retention job."""
        self.worker.start()
        self.listener.start()
        self.retention.start()

    def stop_background(self) -> None:
        self.listener.stop()
        self.worker.stop()
        self.retention.stop()

    def dispose(self) -> None:
        """Close the engines' connections (the worker must be stopped first)."""
        self.engine.dispose()
        self.background.dispose()
        self.health.probe.dispose()


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    methods: MethodLibrary | None = None,
    router: Router | None = None,
) -> App:
    url = database_url(settings.DATABASE_URL)
    engine = make_engine(url, timeouts=REQUESTS)
    background = make_engine(url, timeouts=BACKGROUND)
    if engine.dialect.name == "sqlite":
        upgrade(background)  # the embedded default looks after its own schema
    library = methods or load_library(settings.INTERVISION_METHODS_DIR)
    clock = clock or SystemClock()
    wake = _Wake()
    ctx = bootstrap(
        engine,
        methods=library,
        clock=clock,
        wake=wake,
        public_url=settings.public_url,
        calendar_platforms=settings.calendar_platforms,
    )
    app = App(
        settings=settings,
        engine=engine,
        background=background,
        ctx=ctx,
        router=router or Router(),
    )
    # The delivery path stores what a platform accepted: better to wait for a lock than
    # to fail after the post and post it again.
    delivering = bootstrap(background, methods=library, clock=clock, wake=wake)
    app.deliver = Deliverer(delivering, app.messengers, app.calendars)
    lease = timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    app.worker = wake.worker = OutboxWorker(
        background,
        app.deliver,
        clock=clock,
        lease=lease,
        workers=settings.OUTBOX_WORKERS,
        interval=settings.OUTBOX_POLL_SECONDS,
        spacing=settings.OUTBOX_SPACING_SECONDS,
    )
    app.listener = Listener(background, app.worker.wake)
    app.health = Health(
        DatabaseProbe(url), lambda: app.worker.running if settings.OUTBOX_IN_WEB else None
    )
    app.router.mount("/healthz", app.health.healthz)
    app.router.mount("/readyz", app.health.readyz)
    app.router.mount(calendar_feed.PREFIX, calendar_feed.CalendarFeeds(ctx))
    app.retention = RetentionJob(
        delivering,
        default_days=settings.INTERVISION_RETENTION_DAYS,
        keep_days=settings.INTERVISION_BOOKKEEPING_DAYS,
    )
    _mount_platforms(app)
    return app


class _Wake:
    """Wakes the outbox worker after a commit, so delivery follows at once."""

    worker: OutboxWorker | None = None

    def __call__(self) -> None:
        if self.worker is not None:
            self.worker.wake()


def _mount_platforms(app: App) -> None:
    """Each adapter package has ``mount(app)``: it adds its routes to ``app.router`` and its
    ``Messenger`` to ``app.messengers``."""
    settings = app.settings
    if settings.slack_configured:
        from integrations import slack

        slack.mount(app)
        log.info("Slack: on")
    else:
        log.info(
            "Slack: off (set SLACK_SIGNING_SECRET with SLACK_BOT_TOKEN, or with "
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, to switch it on)"
        )
    if settings.teams_configured:
        from integrations import teams

        teams.mount(app)
        log.info("Microsoft Teams: on")
    else:
        log.info(
            "Microsoft Teams: off (set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD to switch it on)"
        )
    if settings.sandbox_enabled:
        from integrations import sandbox

        sandbox.mount(app)
    else:
        log.info("Sandbox: off (a platform is configured; SANDBOX=1 switches it on)")


class CannotListen(Exception):
    """``HOST:PORT`` cannot be listened on: the port is in use or not ours to take, or the
    host is not an address of this machine. ``error`` is the operating system's reason."""

    def __init__(self, host: str, port: int, error: OSError | ValueError) -> None:
        super().__init__(f"cannot listen on {host}:{port}: {error}")
        self.host = host
        self.port = port
        self.error = error


def make_server(app: App) -> Any:
    """The production WSGI server (waitress), bound but not yet serving; port 0 picks one."""
    return _bind(app.router, app.settings)


def _bind(router: Router, settings: Settings) -> Any:
    import waitress.server

    try:
        return waitress.server.create_server(
            router,
            host=settings.HOST,
            port=settings.PORT,
            threads=8,
            ident="intervision",
            clear_untrusted_proxy_headers=True,
            asyncore_use_poll=True,  # poll(): no 1024-descriptor limit; a clean close()
        )
    except (OSError, ValueError) as exc:  # waitress: ValueError for a host it cannot resolve
        raise CannotListen(settings.HOST, settings.PORT, exc) from exc


def serve(settings: Settings) -> None:
    """Run until interrupted: the web server and the outbox worker in one process.

    The port is taken first, so a busy one refuses at once (``CannotListen``), before the
    database is migrated or a platform connects; requests wait in the backlog until the
    routes are mounted."""
    router = Router()
    server = _bind(router, settings)
    try:
        app = build_app(settings, router=router)
    except BaseException:
        server.close()
        raise
    if settings.OUTBOX_IN_WEB:
        app.start_background()
    else:
        log.info("the outbox is delivered by 'intervision worker' processes (OUTBOX_IN_WEB=0)")
    log.info(
        "intervision listening on http://%s:%s (database: %s)",
        settings.HOST,
        server.effective_port,
        app.engine.url.render_as_string(hide_password=True),
    )
    try:
        server.run()
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        if settings.slack_configured:
            from integrations import slack

            slack.stop(app)
        server.close()
        app.stop_background()
        app.dispose()


def run_worker(settings: Settings, *, stop: threading.Event | None = None) -> None:
    """Deliver the outbox and run the retention job, without a web server, until SIGTERM,
    SIGINT or ``stop``: beside web processes that leave this to workers
    (``OUTBOX_IN_WEB=0``). Several may run at once: each claims rows no other holds
    (``core.jobs.outbox_worker.claim_due``)."""
    stop = stop or threading.Event()
    app = build_app(settings)
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
    app.start_background()
    log.info(
        "intervision worker delivering the outbox (database: %s)",
        app.engine.url.render_as_string(hide_password=True),
    )
    try:
        while not stop.wait(1.0):
            if not app.worker.running:
                raise RuntimeError("the outbox worker stopped")
    finally:
        log.info("stopping")
        app.stop_background()
        app.dispose()
