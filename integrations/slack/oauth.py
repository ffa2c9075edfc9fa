"""Multi-workspace install: Bolt's OAuth flow on /slack/install and /slack/oauth_redirect,
our encrypted store, our pages (nl/en), and the installer named a manager in core."""

from __future__ import annotations

import html
import logging
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from core.i18n import normalise_locale, t
from core.interactions import Locale, Platform
from core.services import install
from core.services.context import Context
from integrations.settings import Settings
from integrations.slack.install_store import STATE_SECONDS, EncryptedInstallationStore, build_stores
from integrations.slack.manifest import BOT_SCOPES

log = logging.getLogger("intervision.slack")


def build_oauth_flow(
    ctx: Context, settings: Settings, engine: Engine, client: WebClient
) -> tuple[OAuthFlow, EncryptedInstallationStore]:
    """The flow and its store. ``client`` (base URL SLACK_API_URL, no token) makes every
    call of the flow: oauth.v2.access, auth.test of the new token, token rotation."""
    assert settings.SLACK_CLIENT_ID and settings.SLACK_CLIENT_SECRET
    assert settings.INTERVISION_SECRET_KEY
    store, states = build_stores(
        engine, client_id=settings.SLACK_CLIENT_ID, secret_key=settings.INTERVISION_SECRET_KEY
    )
    redirect_uri = None
    if settings.PUBLIC_BASE_URL:
        redirect_uri = settings.PUBLIC_BASE_URL.rstrip("/") + "/slack/oauth_redirect"
    oauth_settings = OAuthSettings(
        client_id=settings.SLACK_CLIENT_ID,
        client_secret=settings.SLACK_CLIENT_SECRET,
        scopes=BOT_SCOPES,
        user_scopes=[],
        redirect_uri=redirect_uri,
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
        callback_options=CallbackOptions(success=_succeeded(ctx), failure=_failed),
        installation_store=store,
        installation_store_bot_only=True,
        state_store=states,
        state_expiration_seconds=STATE_SECONDS,
        logger=logging.getLogger("intervision.slack.oauth"),
    )
    # Bolt's own authorize would rotate tokens with a default client (slack.com): ours.
    oauth_settings.authorize = InstallationStoreAuthorize(
        logger=logging.getLogger("intervision.slack.oauth"),
        installation_store=store,
        client_id=settings.SLACK_CLIENT_ID,
        client_secret=settings.SLACK_CLIENT_SECRET,
        bot_only=True,
        client=client,
        cache_enabled=True,  # auth.test once per token, not inside every request
    )
    return InstallPages(client=client, settings=oauth_settings), store


class InstallPages(OAuthFlow):
    """Bolt's flow with our install page, in the visitor's language."""

    def build_install_page_html(self, url: str, request: BoltRequest) -> str:
        locale = visitor_locale(request)
        link = (
            f'<p><a class="add" href="{html.escape(url)}">'
            f"{html.escape(t('slack.install.button', locale))}</a></p>"
        )
        return page(locale, "slack.install.title", t("slack.install.intro", locale), link)


def visitor_locale(request: BoltRequest) -> Locale:
    header = (request.headers.get("accept-language") or [""])[0]
    return normalise_locale(header.split(",")[0].strip(), "nl")


def page(locale: Locale, title_key: str, text: str, extra: str = "") -> str:
    title = html.escape(t(title_key, locale))
    return (
        f'<!DOCTYPE html><html lang="{locale}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;"
        "padding:0 1rem;line-height:1.5}a.add{display:inline-block;padding:.6rem 1.2rem;"
        "background:#2c5f6f;color:#fff;border-radius:.3rem;text-decoration:none}</style>"
        f"</head><body><h1>{title}</h1><p>{html.escape(text)}</p>{extra}</body></html>"
    )


def _html(status: int, body: str) -> BoltResponse:
    return BoltResponse(
        status=status, body=body, headers={"Content-Type": "text/html; charset=utf-8"}
    )


def _succeeded(ctx: Context) -> Any:
    def success(args: SuccessArgs) -> BoltResponse:
        installation = args.installation
        locale = visitor_locale(args.request)
        if not installation.team_id:
            log.warning("Slack: an enterprise-wide install is not supported")
            return _html(400, page(locale, "slack.install.failed_title", _failure_text(locale)))
        install.record_installation(
            ctx,
            platform=Platform.SLACK,
            external_id=installation.team_id,
            installer=installation.user_id,
        )
        log.info(
            "Slack: installed in %s (%s) by %s; the installer is a manager",
            installation.team_id,
            installation.team_name,
            installation.user_id,
        )
        text = t("slack.install.done", locale, team=installation.team_name or "Slack")
        return _html(200, page(locale, "slack.install.done_title", text))

    return success


def _failed(args: FailureArgs) -> BoltResponse:
    log.info("Slack: an install did not complete (%s)", args.reason)
    locale = visitor_locale(args.request)
    link = f'<p><a href="/slack/install">{html.escape(t("slack.install.again", locale))}</a></p>'
    status = args.suggested_status_code
    return _html(status, page(locale, "slack.install.failed_title", _failure_text(locale), link))


def _failure_text(locale: Locale) -> str:
    return t("slack.install.failed", locale)
