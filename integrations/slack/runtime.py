"""What every Slack listener shares: web clients per team, who a person is (language and
time zone from ``users.info``, remembered for an hour), and showing a core reply on the
right Slack surface (ephemeral, direct message, modal, App Home)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.interactions import Platform, Reply, Who, actor_of, render
from core.services.context import Context
from integrations.settings import Settings
from integrations.slack import blocks

log = logging.getLogger("intervision.slack")

PEOPLE_SECONDS = 3600.0
"""How long a person's language and time zone from ``users.info`` are trusted."""
MAX_PEOPLE = 10_000
ANSWER_WITHIN_SECONDS = 2.5
"""Slack waits 3 s for the answer to a form, then tells the person it failed: what is not
finished this long after the request came in is not committed at all."""
RECEIVED_AT = "intervision_received_at"


def stamp_arrival(req: BoltRequest, resp: BoltResponse, next: Callable[[], Any]) -> Any:
    """Middleware, first of ours: when the request came in (``answer_deadline``)."""
    req.context[RECEIVED_AT] = time.monotonic()
    return next()


def answer_deadline(context: Mapping[str, Any]) -> float:
    """When the answer to this request must be ready (``time.monotonic()``)."""
    received = context.get(RECEIVED_AT)
    start = received if isinstance(received, float) else time.monotonic()
    return start + ANSWER_WITHIN_SECONDS


def web_client(settings: Settings, token: str | None) -> WebClient:
    """Every WebClient we build has SLACK_API_URL as its base URL. It never sleeps out a
    rate limit itself: a 429 reaches the caller (the outbox retries after Retry-After)."""
    base_url = settings.SLACK_API_URL
    if not base_url.endswith("/"):
        base_url += "/"
    return WebClient(token=token, base_url=base_url, timeout=15)


@dataclass
class Runtime:
    ctx: Context
    settings: Settings
    client_for_team: Callable[[str], WebClient]
    """The bot's client in a team (single workspace: the one bot token)."""
    _people: dict[tuple[str, str], tuple[float, str | None, str | None, str | None]] = field(
        default_factory=dict
    )
    """(team, user) -> (when asked, locale, time zone, display name), from ``users.info``."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ------------------------------------------------------------------ who

    def who(
        self,
        client: WebClient,
        *,
        team: str,
        user: str,
        channel: str | None = None,
        message: str | None = None,
        language: str | None = None,
    ) -> Who:
        """``language`` known already (a form's): no ``users.info`` call, which would
        otherwise come before a modal's answer to Slack."""
        zone = None
        if language is None:
            language, zone = self.person(client, team, user)
        return Who(
            platform=Platform.SLACK,
            workspace=team,
            person=user,
            channel=channel if channel and not is_direct(channel) else None,
            message=message,
            language=language,
            zone=zone,
        )

    def person(self, client: WebClient, team: str, user: str) -> tuple[str | None, str | None]:
        """(locale, time zone) of a person, as Slack knows them (either may be missing)."""
        _, locale, zone, _ = self._known(client, team, user)
        return locale, zone

    def name(self, client: WebClient, team: str, user: str) -> str | None:
        """How Slack shows a person (their display name, else their full name)."""
        return self._known(client, team, user)[3]

    def _known(
        self, client: WebClient, team: str, user: str
    ) -> tuple[float, str | None, str | None, str | None]:
        """``users.info`` of a person, asked once per ``PEOPLE_SECONDS``."""
        key = (team, user)
        with self._lock:
            known = self._people.get(key)
        if known is not None and time.monotonic() - known[0] < PEOPLE_SECONDS:
            return known
        try:
            found = client.users_info(user=user, include_locale=True).get("user") or {}
        except SlackApiError as exc:
            log.info("users.info for %s failed: %s", user, exc.response.get("error"))
            return (0.0, None, None, None)
        profile = found.get("profile") or {}
        shown = profile.get("display_name") or profile.get("real_name") or found.get("real_name")
        known = (time.monotonic(), found.get("locale"), found.get("tz"), shown or None)
        with self._lock:
            if len(self._people) >= MAX_PEOPLE:
                self._people.clear()
            self._people[key] = known
        return known

    # ------------------------------------------------------------------ answers

    def show(
        self,
        client: WebClient,
        who: Who,
        reply: Reply,
        *,
        trigger_id: str | None = None,
        respond: Callable[..., Any] | None = None,
        channel: str | None = None,
        thread_ts: str | None = None,
        invoked_as: str = "",
    ) -> None:
        """Show a reply to the person who acted: a form as a modal (``trigger_id``), the rest
        privately — through ``respond`` (a slash command), as an ephemeral message in
        ``channel`` (in the thread of ``thread_ts``), else as a direct message."""
        if reply.is_empty:
            return
        rendered = render(self.ctx, reply, actor=actor_of(self.ctx, who), invoked_as=invoked_as)
        if rendered.form is not None and trigger_id:
            try:
                client.views_open(trigger_id=trigger_id, view=blocks.modal(rendered.form))
            except SlackApiError as exc:
                log.warning("views.open failed: %s", exc.response.get("error"))
        card = rendered.as_one_card()
        if card is None:
            return
        payload = blocks.message(card)
        if respond is not None:
            respond(response_type="ephemeral", replace_original=False, **payload)
            return
        if channel and not is_direct(channel):
            extra: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
            try:
                client.chat_postEphemeral(channel=channel, user=who.person, **payload, **extra)
                return
            except SlackApiError as exc:
                error = exc.response.get("error")
                log.info("ephemeral in %s failed (%s): sending a DM", channel, error)
        client.chat_postMessage(channel=who.person, **payload)

    def publish_home(self, client: WebClient, who: Who, reply: Reply) -> None:
        rendered = render(self.ctx, reply, actor=actor_of(self.ctx, who))
        card = rendered.as_one_card()
        if card is not None:
            client.views_publish(user_id=who.person, view=blocks.home_view(card))


def is_direct(channel: str) -> bool:
    """A direct message conversation with the app (``D…``): no group lives there."""
    return channel.startswith("D")
