"""The sandbox's WSGI app: GET renders a page, POST calls a core service and redirects
(POST-redirect-GET). Every action runs as ``Actor(sandbox workspace, current role)``."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from core.domain.common import Locale, Platform
from core.domain.errors import DomainError, NotFound
from core.i18n import normalise_locale
from core.jobs.outbox_worker import run_once
from core.services import groups
from core.services.context import Actor
from core.storage.repositories.messages import PENDING
from core.storage.tables import outbox
from core.views.direct import refusal
from core.views.vocabulary import Card
from integrations.sandbox import handlers, screens
from integrations.sandbox.http import (
    LOCALE_COOKIE,
    PERSON_COOKIE,
    Request,
    cookie,
    new_session,
    page,
    redirect,
    safe_path,
)
from integrations.sandbox.messenger import SandboxMessenger
from integrations.sandbox.people import (
    DEFAULT_PERSON,
    MANAGER,
    MANAGERS_CHANNEL,
    WORKSPACE,
    is_colleague,
)
from integrations.wsgi import StartResponse

if TYPE_CHECKING:
    from integrations.server import App

log = logging.getLogger("intervision.sandbox")

DRAIN_SECONDS = 3.0
MAX_FLASH_SESSIONS = 1000


class Sandbox:
    def __init__(self, app: App, messenger: SandboxMessenger) -> None:
        self.app = app
        self.ctx = app.ctx
        self.messenger = messenger
        self._workspace: tuple[int, Locale, ZoneInfo] | None = None
        self._lock = threading.Lock()
        self._flash: dict[str, list[Card]] = {}

    # ------------------------------------------------------------ setup

    def workspace(self) -> tuple[int, Locale, ZoneInfo]:
        """The sandbox workspace, made on first use, with Gert named as its manager (what
        an admin does with ``intervision workspace configure`` for a real platform)."""
        with self._lock:
            if self._workspace is None:
                found = groups.ensure_workspace(
                    self.ctx, platform=Platform.SANDBOX, external_id=WORKSPACE
                )
                assert found.id is not None
                if not found.is_manager(MANAGER) or found.managers_channel is None:
                    found = groups.configure_workspace(
                        self.ctx,
                        actor=Actor(found.id, "sandbox-installer", is_admin=True),
                        managers=[MANAGER],
                        managers_channel=MANAGERS_CHANNEL,
                    )
                self._workspace = (found.id or 0, found.locale, ZoneInfo(found.time_zone))
            return self._workspace

    # ------------------------------------------------------------ WSGI

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request.from_environ(environ)
        headers: list[tuple[str, str]] = []
        if request.session is None:
            request.cookies["sandbox_session"] = new_session()
            headers.append(cookie("sandbox_session", request.cookies["sandbox_session"]))
        workspace_id, default_locale, zone = self.workspace()
        locale = normalise_locale(request.cookies.get(LOCALE_COOKIE), default_locale)
        person = request.cookies.get(PERSON_COOKIE, DEFAULT_PERSON)
        if not is_colleague(person):
            person = DEFAULT_PERSON
        view = screens.Viewer(
            sandbox=self,
            actor=Actor(workspace_id, person),
            locale=locale,
            zone=zone,
            csrf=request.cookies["sandbox_session"],
            path=request.path,
        )
        if request.method == "POST":
            return self.post(request, view, start_response, headers)
        if request.method not in ("GET", "HEAD"):
            return page(start_response, "", status="405 Method Not Allowed", headers=headers)
        status, body = self.get(request, view)
        return page(start_response, body, status=status, headers=headers)

    def get(self, request: Request, view: screens.Viewer) -> tuple[str, str]:
        path = request.path
        flashes = self.pop_flash(view.csrf)
        parts = [unquote(p) for p in path.strip("/").split("/")]
        try:
            if path == "/":
                return "200 OK", screens.home(view, flashes)
            if path == "/groups/new":
                return "200 OK", screens.group_form_page(view, flashes)
            if len(parts) == 2 and parts[0] == "c":
                return screens.channel(view, parts[1], flashes)
            if len(parts) == 3 and parts[0] == "c" and parts[2] in screens.FORM_PAGES:
                return "200 OK", screens.form_page(view, parts[1], parts[2], flashes)
        except DomainError as error:
            status = "404 Not Found" if isinstance(error, NotFound) else "403 Forbidden"
            return status, screens.refused(view, error)
        return "404 Not Found", screens.refused(view, NotFound("sandbox.not_found"))

    def post(
        self,
        request: Request,
        view: screens.Viewer,
        start_response: StartResponse,
        headers: list[tuple[str, str]],
    ) -> Iterable[bytes]:
        if not request.csrf_ok():
            body = screens.refused(view, DomainError("sandbox.csrf"))
            return page(start_response, body, status="403 Forbidden", headers=headers)
        back = safe_path(request.value("back", "/"))
        if request.path == "/role":
            person = request.value("person")
            if is_colleague(person):
                headers.append(cookie(PERSON_COOKIE, person))
            return redirect(start_response, back, headers)
        if request.path == "/locale":
            locale = normalise_locale(request.value("locale"), view.locale)
            headers.append(cookie(LOCALE_COOKIE, locale))
            return redirect(start_response, back, headers)
        call = handlers.Call(self.ctx, view.actor, request, view.locale, view.zone)
        try:
            if request.path == "/prepare":
                outcome = screens.prepare_group(view)
            elif request.path == "/act":
                outcome = handlers.press(call, request.value("action"), request.value("value"))
            elif request.path.startswith("/forms/"):
                outcome = handlers.submit(call, request.path.removeprefix("/forms/"))
            else:
                return page(start_response, "", status="404 Not Found", headers=headers)
        except DomainError as error:
            outcome = handlers.Outcome(call.back, [refusal(error, view.locale)])
            if request.path.startswith("/forms/") and request.value("back"):
                outcome.location = back
        self.drain()
        self.push_flash(view.csrf, outcome.flash)
        return redirect(start_response, outcome.location, headers)

    # ------------------------------------------------------------ delivery

    def drain(self) -> None:
        """Deliver what the action queued before the page is shown again (deterministic:
        the page after the redirect shows the thread as it now is)."""
        deadline = time.monotonic() + DRAIN_SECONDS
        workspace_id = self.workspace()[0]
        while True:
            now = self.ctx.clock.now()
            run_once(self.app.engine, self.app.deliver, now=now)
            if self.due(now, workspace_id) == 0 or time.monotonic() > deadline:
                return
            time.sleep(0.02)  # the outbox worker thread holds a row: let it finish

    def due(self, now: datetime, workspace_id: int) -> int:
        with self.app.engine.connect() as connection:
            query = (
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.status == PENDING, outbox.c.available_at <= now)
                .where(outbox.c.workspace_id == workspace_id)
            )
            return int(connection.execute(query).scalar_one())

    # ------------------------------------------------------------ flash messages

    def push_flash(self, session: str, cards: list[Card]) -> None:
        if not cards:
            return
        with self._lock:
            if len(self._flash) > MAX_FLASH_SESSIONS:
                self._flash.clear()
            self._flash.setdefault(session, []).extend(cards)

    def pop_flash(self, session: str) -> list[Card]:
        with self._lock:
            return self._flash.pop(session, [])
