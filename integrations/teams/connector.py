"""Outbound: a Bot Connector REST client over requests, with an app token from msal."""

from __future__ import annotations

import logging
import threading
from typing import Any
from urllib.parse import quote, urlparse

import msal
import requests

from core.services.ports import Refusal, Undeliverable
from integrations.http_headers import retry_after

log = logging.getLogger("intervision.teams")

BOT_SCOPE = "https://api.botframework.com/.default"
PUBLIC_CLOUD_HOSTS = {"login.microsoftonline.com"}
RETRY_STATUSES = {429, 412, 502, 504}
REFUSALS = {
    400: Refusal.REFUSED,  # a malformed activity: the same activity is refused again
    403: Refusal.NO_ACCESS,  # the bot was removed from the team or chat, or blocked
    404: Refusal.NO_ACCESS,  # the conversation (or the message to update) is gone
    413: Refusal.TOO_LARGE,  # MessageSizeTooBig
}
"""Bot Connector answers that asking again will not change (PLATFORMS.md)."""
DEFAULT_RETRY_SECONDS = 2.0
TIMEOUT_SECONDS = 15


class ConnectorError(Exception):
    def __init__(self, status: int, body: str, retry_after: float | None = None) -> None:
        super().__init__(f"Bot Connector answered {status}: {body[:300]}")
        self.status = status
        self.retry_after = retry_after
        """Seconds, on 429: the outbox worker comes back no sooner."""
        self.rate_limited = status == 429
        """The conversation is paced: nothing else is sent to it before then."""


class AppToken:
    """One msal confidential client for the bot, so its token cache is shared. The Bot
    Connector's scope by default; Microsoft Graph's with ``scope`` (then ``tenant_id`` is
    the customer's tenant, whose data Graph serves)."""

    def __init__(
        self,
        *,
        app_id: str,
        password: str,
        tenant_id: str | None,
        authority_host: str,
        scope: str = BOT_SCOPE,
    ) -> None:
        host = authority_host.rstrip("/")
        self._client = msal.ConfidentialClientApplication(
            app_id,
            client_credential=password,
            authority=f"{host}/{tenant_id or 'botframework.com'}",
            instance_discovery=urlparse(host).hostname in PUBLIC_CLOUD_HOSTS,
        )
        self._scope = scope
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            result = self._client.acquire_token_for_client(scopes=[self._scope])
        token = result.get("access_token") if isinstance(result, dict) else None
        if not token:
            raise ConnectorError(401, f"no app token: {result.get('error_description', result)}")
        return str(token)


class TenantTokens:
    """App tokens for one scope in each customer tenant, made on first use per tenant."""

    def __init__(self, *, app_id: str, password: str, authority_host: str, scope: str) -> None:
        self._settings = {"app_id": app_id, "password": password, "authority_host": authority_host}
        self._scope = scope
        self._tokens: dict[str, AppToken] = {}
        self._lock = threading.Lock()

    def __call__(self, tenant: str) -> str:
        with self._lock:
            token = self._tokens.get(tenant)
            if token is None:
                token = self._tokens[tenant] = AppToken(
                    tenant_id=tenant, scope=self._scope, **self._settings
                )
        return token()


class Connector:
    """The Bot Connector API at one ``serviceUrl`` (taken from an authenticated activity)."""

    def __init__(self, token: Any, *, session: requests.Session | None = None) -> None:
        self._token = token
        self._session = session or requests.Session()

    def send(self, service_url: str, conversation_id: str, activity: dict[str, Any]) -> str:
        path = f"/v3/conversations/{_seg(conversation_id)}/activities"
        return str(self._call("POST", service_url, path, activity).get("id", ""))

    def reply(
        self, service_url: str, conversation_id: str, activity_id: str, activity: dict[str, Any]
    ) -> str:
        path = f"/v3/conversations/{_seg(conversation_id)}/activities/{_seg(activity_id)}"
        return str(self._call("POST", service_url, path, activity).get("id", ""))

    def update(
        self, service_url: str, conversation_id: str, activity_id: str, activity: dict[str, Any]
    ) -> None:
        path = f"/v3/conversations/{_seg(conversation_id)}/activities/{_seg(activity_id)}"
        self._call("PUT", service_url, path, {**activity, "id": activity_id})

    def create_conversation(self, service_url: str, parameters: dict[str, Any]) -> str:
        """A proactive 1:1 chat; returns its conversation id."""
        return str(self._call("POST", service_url, "/v3/conversations", parameters)["id"])

    def team_details(self, service_url: str, team_id: str) -> dict[str, Any]:
        """A team's details, with ``aadGroupId``: the team's id in Microsoft Graph."""
        found = self._call("GET", service_url, f"/v3/teams/{_seg(team_id)}", None)
        return dict(found) if isinstance(found, dict) else {}

    def members(self, service_url: str, conversation_id: str) -> list[dict[str, Any]]:
        path = f"/v3/conversations/{_seg(conversation_id)}/members"
        found = self._call("GET", service_url, path, None)
        return list(found) if isinstance(found, list) else []

    def _call(self, method: str, service_url: str, path: str, body: Any) -> Any:
        """One attempt. An answer asking again will not change (``REFUSALS``) raises
        ``Undeliverable``; a transient answer (429, 412, 502, 504) raises with ``retry_after``
        (the platform's ``Retry-After``, else a short default): the outbox comes back then,
        after looking for a post that went through; nothing sleeps here."""
        token = self._token()
        response = self._session.request(
            method,
            service_url.rstrip("/") + path,
            json=body,
            headers={"Authorization": f"Bearer {token}"} if token else {},
            timeout=TIMEOUT_SECONDS,
        )
        if response.status_code < 300:
            return response.json() if response.content else {}
        retryable = response.status_code in RETRY_STATUSES
        log.info("Bot Connector %s on %s", response.status_code, path)
        refusal = REFUSALS.get(response.status_code)
        if refusal is not None:
            raise Undeliverable(refusal, f"HTTP {response.status_code} {_code(response)}".strip())
        raise ConnectorError(
            response.status_code,
            response.text,
            retry_after=(_retry_after(response) or DEFAULT_RETRY_SECONDS) if retryable else None,
        )


def _code(response: requests.Response) -> str:
    """The Bot Connector's error code (``{"error": {"code": "MessageSizeTooBig"}}``)."""
    try:
        error = response.json().get("error")
    except ValueError:
        return ""
    return str(error.get("code") or "")[:100] if isinstance(error, dict) else ""


def _retry_after(response: requests.Response) -> float | None:
    return retry_after(response.headers.get("Retry-After"))


def _seg(value: str) -> str:
    """Conversation ids contain ``:``, ``@`` and ``;messageid=``: keep them as Teams does."""
    return quote(value, safe=":@;=")
