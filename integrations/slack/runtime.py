"""What every Slack listener shares: web clients, the workspace of a team, the person's
language, and private explanations (refusals) — never silence."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from core.domain.common import Locale, Platform
from core.domain.errors import DomainError
from core.i18n import normalise_locale
from core.services import groups
from core.services.context import Actor, Context
from core.views.direct import refusal
from core.views.vocabulary import Card
from integrations.settings import Settings
from integrations.slack import blocks

log = logging.getLogger("intervision.slack")
PLATFORM = "slack"


def web_client(settings: Settings, token: str | None) -> WebClient:
    """Every WebClient we build: SLACK_API_URL as base URL, and 429s retried once after
    their Retry-After."""
    base_url = settings.SLACK_API_URL
    if not base_url.endswith("/"):
        base_url += "/"
    client = WebClient(token=token, base_url=base_url, timeout=15)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    return client


@dataclass
class Runtime:
    ctx: Context
    settings: Settings
    client_for_team: Callable[[str], WebClient]
    """The bot's client in a team (single workspace: the one bot token)."""
    _workspaces: dict[str, int] = field(default_factory=dict)
    _teams: dict[int, str] = field(default_factory=dict)

    def workspace_id(self, team_id: str) -> int:
        known = self._workspaces.get(team_id)
        if known is None:
            workspace = groups.ensure_workspace(
                self.ctx, platform=Platform.SLACK, external_id=team_id
            )
            assert workspace.id is not None
            known = self._workspaces[team_id] = workspace.id
            self._teams[known] = team_id
        return known

    def actor(self, team_id: str, user: str) -> Actor:
        return Actor(workspace_id=self.workspace_id(team_id), person=user)

    def client_for_workspace(self, workspace_id: int) -> WebClient:
        team = self._teams.get(workspace_id)
        if team is None:
            with self.ctx.uow() as uow:
                team = uow.workspaces.get(workspace_id).external_id
            self._teams[workspace_id] = team
        return self.client_for_team(team)

    def locale(
        self, client: WebClient, user: str, *, hint: Locale | None = None, fallback: Locale = "nl"
    ) -> Locale:
        """The language the person typed in, else their Slack locale, else ``fallback``."""
        if hint is not None:
            return hint
        try:
            info = client.users_info(user=user, include_locale=True)
        except SlackApiError as exc:
            log.info("users.info for %s failed: %s", user, exc.response.get("error"))
            return fallback
        found = (info.get("user") or {}).get("locale")
        return normalise_locale(found, fallback) if found else fallback

    def tell(
        self,
        client: WebClient,
        *,
        channel: str | None,
        user: str,
        card: Card,
        thread_ts: str | None = None,
    ) -> None:
        """A private message: ephemeral where we have a channel, else a direct message."""
        payload = blocks.message(card)
        if channel:
            extra: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
            try:
                client.chat_postEphemeral(channel=channel, user=user, **payload, **extra)
                return
            except SlackApiError as exc:
                log.info(
                    "ephemeral in %s failed (%s): sending a DM", channel, exc.response.get("error")
                )
        client.chat_postMessage(channel=user, **payload)

    def refuse(
        self,
        client: WebClient,
        *,
        error: DomainError,
        locale: Locale,
        channel: str | None,
        user: str,
        thread_ts: str | None = None,
    ) -> None:
        self.tell(
            client, channel=channel, user=user, card=refusal(error, locale), thread_ts=thread_ts
        )
