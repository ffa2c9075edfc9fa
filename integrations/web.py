"""The WSGI application for a multi-process web server on PostgreSQL, e.g. gunicorn:

    gunicorn --workers 4 --bind 127.0.0.1:3978 'integrations.web:application()'

beside one or more ``intervision worker`` processes that deliver the outbox
(``OUTBOX_IN_WEB=0`` for the web processes; README "More than one process"). Each web
process builds its own app from the environment (``integrations.settings``); the schema is
migrated beforehand (``intervision db upgrade``). SQLite stays the one-process default
(``intervision serve``) and is refused here."""

from __future__ import annotations

import atexit
import logging

from core.storage.engine import database_url
from integrations.server import build_app
from integrations.settings import Settings
from integrations.wsgi import Router

log = logging.getLogger("intervision")


class SqliteInManyProcesses(Exception):
    """SQLite is the embedded, one-process database: several web processes need
    PostgreSQL."""


def application() -> Router:
    """A web process's app (gunicorn calls this once per process: ``'module:factory()'``)."""
    settings = Settings()
    if database_url(settings.DATABASE_URL).startswith("sqlite"):
        raise SqliteInManyProcesses(
            "several web processes need PostgreSQL (DATABASE_URL=postgresql://...); "
            "on SQLite run 'intervision serve'"
        )
    app = build_app(settings)
    if settings.OUTBOX_IN_WEB:
        app.start_background()

    def stop() -> None:
        app.stop_background()
        app.dispose()

    atexit.register(stop)
    log.info("intervision web process ready (outbox in this process: %s)", settings.OUTBOX_IN_WEB)
    return app.router
