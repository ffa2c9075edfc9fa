"""The sandbox's WSGI app: GET renders a page, POST hands a click or a form to the core
(``core.interactions``) and redirects (POST-redirect-GET). Everyone acts as the simulated
colleague chosen at the top, in the sandbox's one workspace."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from core import interactions
from core.i18n import normalise_locale, t
from core.interactions import FormRequest, Locale, Platform, Reply, Who
from core.jobs.outbox_worker import due_count, run_once
from core.services import groups
from core.services.context import Actor
from core.views import actions as a
from core.views.vocabulary import Card
from integrations.sandbox import screens
from integrations.sandbox.addresses import Addresses
from integrations.sandbox.http import (
    LOCALE_COOKIE,
    PERSON_COOKIE,
    Request,
    cookie,
    misdirected,
    new_session,
    page,
    redirect,
    safe_path,
    served_port,
)
from integrations.sandbox.messenger import SandboxMessenger
from integrations.sandbox.people import (
    DEFAULT_PERSON,
    INSTALLER,
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
FORM_PAGES = {
    a.FORM_CASE: "case",
    a.FORM_SCHEDULE: "schedule",
    a.FORM_TRAJECTORY: "trajectory",
    a.FORM_TURN: "turn",
    a.FORM_GOAL: "goals",
}
"""A form the core opens -> the sandbox page that shows it (``/c/<channel>/<page>``)."""
FORM_WORDS = {
    "case": "case",
    "schedule": "schedule",
    "trajectory": "trajectory",
    "turn": "turn",
    "goals": "goals",
}
NOT_FORM_FIELDS = frozenset({"csrf", "back", "meeting", "action", "value"})
"""Fields every sandbox POST carries that are not a form's inputs (``channel`` is both: where
the person is, and the group form's channel input, which the group form alone reads)."""


class Sandbox:
    def __init__(self, app: App, messenger: SandboxMessenger) -> None:
        self.app = app
        self.ctx = app.ctx
        self.messenger = messenger
        self._workspace: tuple[int, Locale, ZoneInfo] | None = None
        self._lock = threading.Lock()
        self._flash: dict[str, list[Card]] = {}
        self.addresses = Addresses.of(app.settings.sandbox_origins)

    # ------------------------------------------------------------ setup

    def workspace(self) -> tuple[int, Locale, ZoneInfo]:
        """The sandbox workspace, made on first use, with Gert named as its manager (what
        an admin does with ``intervision workspace configure`` for a real platform)."""
        with self._lock:
            if self._workspace is None:
                found = groups.ensure_workspace(
                    self.ctx, platform=Platform.SANDBOX, external_id=WORKSPACE
                )
                if not found.is_manager(MANAGER) or found.managers_channel is None:
                    found = groups.configure_workspace(
                        self.ctx,
                        actor=Actor(found.id or 0, INSTALLER, is_admin=True),
                        managers=[MANAGER],
                        managers_channel=MANAGERS_CHANNEL,
                    )
                self._workspace = (found.id or 0, found.locale, ZoneInfo(found.time_zone))
            return self._workspace

    # ------------------------------------------------------------ WSGI

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        port = served_port(environ)
        if not self.addresses.host_ok(environ.get("HTTP_HOST", ""), port):
            # Another name for our address (DNS rebinding): no session, no page, no change.
            locale = normalise_locale(environ.get("HTTP_ACCEPT_LANGUAGE", "").split(",")[0])
            text = t("sandbox.wrong_host", locale, address=self.addresses.home(port))
            return misdirected(start_response, text)
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
        if len(parts) > 1 and parts[0] == "c" and not interactions.is_ref(parts[1]):
            return "404 Not Found", screens.not_found(view)
        if path == "/":
            return "200 OK", screens.home(view, flashes)
        if path == "/groups/new":
            who = view.who(channel=f"sandbox-{secrets.token_hex(3)}")
            reply = interactions.command(self.ctx, who, "group")
            return screens.form_page(view, who, reply, flashes)
        if len(parts) == 2 and parts[0] == "c":
            return screens.channel(view, parts[1], flashes)
        if len(parts) == 3 and parts[0] == "c" and parts[2] in FORM_WORDS:
            who = view.who(channel=parts[1])
            reply = interactions.command(self.ctx, who, FORM_WORDS[parts[2]])
            return screens.form_page(view, who, reply, flashes)
        return "404 Not Found", screens.not_found(view)

    def post(
        self,
        request: Request,
        view: screens.Viewer,
        start_response: StartResponse,
        headers: list[tuple[str, str]],
    ) -> Iterable[bytes]:
        if not request.csrf_ok(self.addresses):
            body = screens.refused_page(view, "sandbox.csrf")
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
        channel = request.value("channel") or None
        if channel is not None and not interactions.is_ref(channel):
            body = screens.refused_page(view, "sandbox.bad_request")
            return page(start_response, body, status="400 Bad Request", headers=headers)
        who = view.who(channel=channel)
        flashes: list[Card] = []
        if request.path == "/prepare":
            location = screens.prepare_group(view)
        elif request.path == "/command":
            reply = interactions.command(self.ctx, who, request.value("text"))
            location, flashes = self.after(view, who, reply, back=back)
        elif request.path == "/act":
            reply = interactions.action(
                self.ctx, who, request.value("action"), request.value("value")
            )
            location, flashes = self.after(view, who, reply, back=_channel_page(channel))
        elif request.path.startswith("/forms/"):
            form_id = request.path.removeprefix("/forms/")
            reply = interactions.submit(self.ctx, who, form_id, _state(request), _values(request))
            # A new group's managers need not (and should not) be in its channel: home.
            landing = "/" if form_id == a.FORM_GROUP else _channel_page(channel)
            location, flashes = self.after(
                view, who, reply, back=back if reply.refused else landing
            )
        else:
            return page(start_response, "", status="404 Not Found", headers=headers)
        self.drain()
        self.push_flash(view.csrf, flashes)
        return redirect(start_response, location, headers)

    def after(
        self, view: screens.Viewer, who: Who, reply: Reply, *, back: str
    ) -> tuple[str, list[Card]]:
        """Where the reply takes the person, and what to tell them there."""
        rendered = interactions.render(self.ctx, reply, actor=view.actor)
        if reply.form is not None and rendered.form is not None:
            return _form_location(reply.form, who), list(rendered.cards)
        return back, list(rendered.cards)

    # ------------------------------------------------------------ delivery

    def drain(self) -> None:
        """Deliver what the action queued before the page is shown again (deterministic:
        the page after the redirect shows the channel and thread as they now are)."""
        deadline = time.monotonic() + DRAIN_SECONDS
        workspace_id = self.workspace()[0]
        while True:
            now = self.ctx.clock.now()
            run_once(self.app.engine, self.app.deliver, now=now)
            if due_count(self.app.engine, now=now, workspace_id=workspace_id) == 0:
                return
            if time.monotonic() > deadline:
                return
            time.sleep(0.02)  # the outbox worker thread holds a row: let it finish

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


def _channel_page(channel: str | None) -> str:
    return f"/c/{quote(channel, safe='')}" if channel else "/"


def _form_location(form: FormRequest, who: Who) -> str:
    if form.form == a.FORM_GROUP:
        return "/groups/new"
    if form.form == a.FORM_CONTRIBUTE:
        return _channel_page(who.channel) + "#reply"
    page_name = FORM_PAGES.get(form.form)
    if page_name is None or not who.channel:
        return _channel_page(who.channel)
    return f"{_channel_page(who.channel)}/{page_name}"


def _state(request: Request) -> dict[str, str]:
    return {
        name.removeprefix("state."): values[0]
        for name, values in request.form.items()
        if name.startswith("state.") and values
    }


def _values(request: Request) -> dict[str, object]:
    """The form's inputs as the core reads them: one value, or a list for several."""
    found: dict[str, object] = {}
    for name, values in request.form.items():
        if name in NOT_FORM_FIELDS or name.startswith("state."):
            continue
        kept = [v for v in values if v]
        found[name] = kept if len(kept) > 1 else (kept[0] if kept else "")
    return found
