"""The Microsoft Teams adapter: the Bot Framework protocol at ``/api/messages``.

``mount(app)`` adds the endpoint and registers the messenger. Every activity must carry
a valid Bot Framework token (``auth.py``) unless TEAMS_ALLOW_UNAUTHENTICATED is set for
local development (the Agents Playground sends none).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from core import interactions
from core.interactions import Platform
from integrations.teams.activities import Activity
from integrations.teams.auth import KeySet, TokenValidator, Unauthorized
from integrations.teams.bot import TeamsBot
from integrations.teams.connector import AppToken, Connector, TenantTokens
from integrations.teams.graph import GRAPH_SCOPE, Graph
from integrations.teams.messenger import TeamsMessenger
from integrations.teams.outlook import OutlookCalendars
from integrations.wsgi import StartResponse, respond

if TYPE_CHECKING:
    from integrations.server import App

log = logging.getLogger("intervision.teams")

PATH = "/api/messages"
MAX_BODY = 256 * 1024
UNAUTHENTICATED_WARNING = (
    "Microsoft Teams: TEAMS_ALLOW_UNAUTHENTICATED is on: activities WITHOUT a Bot Framework "
    "token are accepted. Development only (Agents Playground); never in production."
)


def mount(app: App) -> None:
    settings = app.settings
    assert settings.MICROSOFT_APP_ID
    token: Any = _no_token  # no password: the Agents Playground, which needs no token
    graph = None
    if settings.MICROSOFT_APP_PASSWORD:  # msal looks up its authority at once: only then
        token = AppToken(
            app_id=settings.MICROSOFT_APP_ID,
            password=settings.MICROSOFT_APP_PASSWORD,
            tenant_id=settings.MICROSOFT_APP_TENANT_ID,
            authority_host=settings.MICROSOFT_AUTHORITY_HOST,
        )
        graph = Graph(
            settings.MICROSOFT_GRAPH_URL,
            TenantTokens(
                app_id=settings.MICROSOFT_APP_ID,
                password=settings.MICROSOFT_APP_PASSWORD,
                authority_host=settings.MICROSOFT_AUTHORITY_HOST,
                scope=GRAPH_SCOPE,
            ),
        )
    if graph is not None and settings.MICROSOFT_GRAPH_CALENDARS:
        app.calendars[Platform.TEAMS] = OutlookCalendars(graph, app_id=settings.MICROSOFT_APP_ID)
        log.info("Microsoft Teams: Outlook events and To Do tasks on (Microsoft Graph)")
    elif settings.MICROSOFT_GRAPH_CALENDARS:
        log.warning(
            "Microsoft Teams: Outlook events and To Do tasks off: MICROSOFT_GRAPH_CALENDARS "
            "needs MICROSOFT_APP_PASSWORD (the app signs in to Graph with it)"
        )
    else:
        log.info(
            "Microsoft Teams: Outlook events and To Do tasks off (set MICROSOFT_GRAPH_CALENDARS "
            "once the tenant's admin consented to Calendars.ReadWrite and Tasks.ReadWrite.All)"
        )
    messenger = TeamsMessenger(
        app.ctx, Connector(token), app_id=settings.MICROSOFT_APP_ID, graph=graph
    )
    validator = TokenValidator(
        app_id=settings.MICROSOFT_APP_ID, keys=KeySet(settings.BOTFRAMEWORK_OPENID_METADATA_URL)
    )
    endpoint = Endpoint(
        TeamsBot(app.ctx, messenger),
        validator,
        allow_unauthenticated=settings.TEAMS_ALLOW_UNAUTHENTICATED,
        tenant=settings.MICROSOFT_APP_TENANT_ID,
    )
    if settings.TEAMS_ALLOW_UNAUTHENTICATED:
        log.warning(UNAUTHENTICATED_WARNING)
    app.router.mount(PATH, endpoint)
    app.messengers[Platform.TEAMS] = messenger


def _no_token() -> str:
    return ""


class Endpoint:
    """The WSGI app at /api/messages: parse, verify, admit, hand to the bot, answer.

    A body that is not an activity (``Activity`` names the fields we read) gets 400; a
    token that is not right 401; an activity from another tenant than
    MICROSOFT_APP_TENANT_ID, or from a tenant the app is not installed in, 403. Each
    refusal is a warning in the log with its reason, and nothing is stored."""

    def __init__(
        self,
        bot: TeamsBot,
        validator: TokenValidator,
        *,
        allow_unauthenticated: bool,
        tenant: str | None = None,
    ) -> None:
        self.bot = bot
        self.validator = validator
        self.allow_unauthenticated = allow_unauthenticated
        self.tenant = tenant
        """The one tenant served (single-tenant bot), or None: every tenant installed in."""

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return respond(start_response, "405 Method Not Allowed", b"POST only\n")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= 0 or length > MAX_BODY:
            return respond(start_response, "400 Bad Request", b"body required\n")
        try:
            activity = Activity.model_validate(json.loads(environ["wsgi.input"].read(length)))
        except (ValueError, ValidationError, RecursionError) as exc:
            log.warning("Microsoft Teams: refused a body that is no activity (400): %s", _why(exc))
            return respond(start_response, "400 Bad Request", b"not an activity\n")
        authorization = environ.get("HTTP_AUTHORIZATION")
        if authorization or not self.allow_unauthenticated:
            try:
                self.validator.validate(
                    authorization, service_url=activity.service_url, channel_id=activity.channel_id
                )
            except Unauthorized as exc:
                log.warning("Microsoft Teams: refused an activity (401): %s", exc)
                return respond(start_response, "401 Unauthorized", b"unauthorized\n")
        else:
            log.warning(
                "Microsoft Teams: accepted an activity WITHOUT a token (development): %s %s "
                "in tenant %s, conversation %s (%s), channel %s, from aadObjectId %s",
                activity.type,
                activity.name or "",
                activity.tenant or "-",
                activity.conversation.id or "-",
                activity.conversation.conversation_type or "personal",
                activity.channel or "-",
                activity.from_.aad_object_id or "-",
            )
        refusal = self.refusal(activity)
        if refusal is not None:
            log.warning("Microsoft Teams: refused an activity (403): %s", refusal)
            return respond(start_response, "403 Forbidden", b"tenant not served\n")
        answer = self.bot.handle(activity)
        if answer is None:
            return respond(start_response, "200 OK", b"")
        body = json.dumps(answer).encode()
        return respond(start_response, "200 OK", body, "application/json; charset=utf-8")

    def refusal(self, activity: Activity) -> str | None:
        """Why an authentic activity is not served: another tenant than the one configured,
        or a tenant the app is not installed in (docs/decisions/0014); None to serve it.
        An activity without a tenant is left to the bot, which ignores it."""
        if not activity.tenant:
            return None
        others = activity.tenants - {self.tenant} if self.tenant else set()
        if others:
            return f"tenant {sorted(others)[0][:80]!r} is not MICROSOFT_APP_TENANT_ID"
        installed = activity.tenant == self.tenant or activity.installs_the_bot
        ctx = self.bot.ctx
        if interactions.admit(ctx, Platform.TEAMS, activity.tenant, installed=installed) is None:
            return f"the app is not installed in tenant {activity.tenant[:80]!r}"
        return None


def _why(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc']) or 'body'}: {first['msg']}"
    return type(error).__name__
