"""The Bolt app: request verification on, one shared client, redeliveries dropped, and
the listeners of commands, threads, buttons and modals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App as BoltApp
from slack_bolt import BoltResponse
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from core import interactions
from core.i18n import t
from core.interactions import Locale, Platform
from core.services import delivery
from core.services.context import Context
from integrations.settings import Settings
from integrations.slack import inbound, listeners
from integrations.slack.runtime import Runtime, stamp_arrival, web_client

log = logging.getLogger("intervision.slack")


def build_bolt(
    ctx: Context, settings: Settings, engine: Engine | None = None
) -> tuple[BoltApp, Runtime]:
    """Single-workspace mode (no ``engine``): the bot token of SLACK_BOT_TOKEN serves
    every team. Multi-workspace mode (``engine`` given): the OAuth flow installs the app,
    and each request's team gets its own bot token from the encrypted store."""
    logger = logging.getLogger("intervision.slack.bolt")
    if engine is None:
        client = web_client(settings, settings.SLACK_BOT_TOKEN)
        bolt = BoltApp(
            client=client,
            signing_secret=settings.SLACK_SIGNING_SECRET,
            request_verification_enabled=True,
            token_verification_enabled=False,  # no network call while the server is built
            process_before_response=False,  # ack at once; the listener goes on in the pool
            logger=logger,
        )
        runtime = Runtime(ctx=ctx, settings=settings, client_for_team=lambda _team: client)
    else:
        from integrations.slack.install_store import bot_token
        from integrations.slack.oauth import build_oauth_flow

        client = web_client(settings, None)
        flow, store = build_oauth_flow(ctx, settings, engine, client)
        bolt = BoltApp(
            client=client,
            signing_secret=settings.SLACK_SIGNING_SECRET,
            request_verification_enabled=True,
            process_before_response=False,
            oauth_flow=flow,
            logger=logger,
        )

        def client_for_team(team: str) -> WebClient:
            token = bot_token(store, team)
            if token is None:
                raise SlackNotInstalled(f"the Slack app is not installed in team {team}")
            return web_client(settings, token)

        runtime = Runtime(ctx=ctx, settings=settings, client_for_team=client_for_team)
    bolt.middleware(stamp_arrival)
    bolt.middleware(_well_formed)
    bolt.middleware(_known_workspace(runtime))
    bolt.middleware(_first_delivery_only(ctx))
    listeners.register(bolt, runtime)

    @bolt.error
    def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.exception("Slack listener failed (%s)", body.get("type"), exc_info=error)

    return bolt, runtime


class SlackNotInstalled(Exception):
    """A notification for a team without an installation (uninstalled, or not yet):
    kept in the outbox and tried again later."""

    retry_after = 300.0


def _well_formed(req: BoltRequest, resp: BoltResponse, next: Callable[[], Any]) -> Any:
    """The shape ``SlackGate`` checks over HTTP, for requests over Socket Mode too."""
    try:
        inbound.check(req.body)
    except ValueError as exc:
        log.warning("Slack: refused a request (400): not a Slack payload: %s", inbound.problem(exc))
        return BoltResponse(status=400, body="")
    return next()


def _known_workspace(runtime: Runtime) -> Callable[..., Any]:
    """Only workspaces the core serves (docs/decisions/0014): one it knows, or one Slack
    vouches for now, because Bolt found the app's installation there (OAuth) or it is the
    team of the one bot token (``auth.test``). Anything else is refused and stores nothing:
    a slash command is told the app is not installed there, an event is acknowledged and
    dropped (Slack would redeliver a refused one), other requests get 403."""

    def middleware(req: BoltRequest, resp: BoltResponse, next: Callable[[], Any]) -> Any:
        body = req.body
        team = inbound.team_of(body)
        installed = _installed(req, team)
        if interactions.admit(runtime.ctx, Platform.SLACK, team, installed=installed) is not None:
            return next()
        log.warning("Slack: refused a request from team %r: not installed there", team[:80])
        if body.get("command"):
            locale: Locale = "nl" if body.get("command") == "/intervisie" else "en"
            return BoltResponse(status=200, body=t("slack.not_installed", locale))
        if body.get("type") == "event_callback":
            return BoltResponse(status=200, body="")
        return BoltResponse(status=403, body="")

    return middleware


def _installed(req: BoltRequest, team: str) -> bool:
    """Whether Bolt authorized this request with a bot token of ``team``: its installation
    (OAuth), or the one bot token whose ``auth.test`` names this team (or its enterprise,
    for an organisation-wide install)."""
    found = req.context.authorize_result
    if found is None or not found.bot_token:
        return False
    enterprise = inbound.enterprise_of(req.body)
    return found.team_id == team or bool(found.enterprise_id and found.enterprise_id == enterprise)


def _first_delivery_only(ctx: Context) -> Callable[..., Any]:
    """A redelivered event whose effect is stored already is answered at once; the key of
    any other is recorded with its effect (``listeners``)."""

    def middleware(req: BoltRequest, resp: BoltResponse, next: Callable[[], Any]) -> Any:
        key = inbound.delivery_key(req.body)
        if key is not None and delivery.already_handled(ctx, platform="slack", key=key):
            retry = req.headers.get("x-slack-retry-num", ["0"])[0]
            log.info("Slack redelivered %s (retry %s): already applied", key, retry)
            return BoltResponse(status=200, body="")
        return next()

    return middleware
