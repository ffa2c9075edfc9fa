"""The ``Messenger`` port over Slack's Web API (``core.services.ports``).

Every post carries message metadata (``event_type`` ``intervision_post``) with the
delivery's key, so that ``find_post`` can find a message whose answer was lost.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.interactions import Platform, workspace_id
from core.services import delivery
from core.services.ports import Destination, Refusal, Undeliverable
from core.views import actions as a
from core.views.vocabulary import Button, Buttons, Card, Form, Text, spans
from integrations.http_headers import retry_after
from integrations.slack import blocks
from integrations.slack.runtime import Runtime

log = logging.getLogger("intervision.slack")

METADATA_TYPE = "intervision_post"
HISTORY_PAGES = 5
MEMBER_PAGES = 5
REFUSALS: dict[str, Refusal] = {
    **dict.fromkeys(
        (
            "channel_not_found",  # a private channel the app was not invited to, or gone
            "not_in_channel",  # still, after trying to join
            "method_not_supported_for_channel_type",  # joining a private channel
            "is_archived",
            "restricted_action",
            "restricted_action_read_only_channel",
            "restricted_action_thread_only_channel",
            "restricted_action_non_threadable_channel",
            "team_access_not_granted",
            "ekm_access_denied",
        ),
        Refusal.NO_ACCESS,
    ),
    **dict.fromkeys(
        ("msg_too_long", "msg_blocks_too_long", "metadata_too_large"), Refusal.TOO_LARGE
    ),
    **dict.fromkeys(
        ("user_not_found", "user_disabled", "user_not_visible", "cannot_dm_bot"),
        Refusal.UNREACHABLE,
    ),
    **dict.fromkeys(
        (
            "invalid_blocks",
            "invalid_blocks_format",
            "invalid_metadata_format",
            "invalid_metadata_schema",
            "no_text",
            "too_many_attachments",
            "message_not_found",
            "cant_update_message",
            "edit_window_closed",
            "invalid_auth",
            "not_authed",
            "account_inactive",
            "token_revoked",
            "missing_scope",
            "not_allowed_token_type",
        ),
        Refusal.REFUSED,
    ),
}
"""Slack Web API errors that asking again will not change (PLATFORMS.md: the permanent
posting errors), by what they mean for the people told."""


class SlackRetryLater(Exception):
    """Slack said "not now" (HTTP 429); the outbox comes back after ``retry_after`` s, and
    sends nothing else to that channel or person before then (``core.jobs.pacing``)."""

    rate_limited = True

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SlackMessenger:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._bot_users: dict[str, str] = {}

    def post(self, to: Destination, card: Card, *, key: str) -> str:
        assert to.channel is not None
        sent = self._post(to, to.channel, {**blocks.message(card), "metadata": _metadata(key)})
        return str(sent["ts"])

    def update(self, to: Destination, ref: str, card: Card) -> None:
        assert to.channel is not None
        self._call(to, "chat_update", channel=to.channel, ts=ref, **blocks.message(card))

    def reply(self, to: Destination, card: Card, *, key: str) -> str:
        assert to.channel is not None and to.thread is not None
        payload = {**blocks.message(card), "thread_ts": to.thread, "metadata": _metadata(key)}
        return str(self._post(to, to.channel, payload)["ts"])

    def send_privately(self, to: Destination, card: Card) -> str:
        sent = self._call(to, "chat_postMessage", channel=self._direct(to), **blocks.message(card))
        return str(sent["ts"])

    def open_form(self, to: Destination, form: Form) -> None:
        """A modal needs a click (Slack's trigger): a direct message with a button that
        opens the form."""
        value = json.dumps({"form": form.callback_id, **form.state}, separators=(",", ":"))
        button = Button(a.OPEN_OFFERED_FORM, form.title, value, "primary")
        card = Card(blocks=(Text(spans(form.title)), Buttons((button,))), summary=form.title)
        self.send_privately(to, card)

    def channel_members(self, to: Destination) -> set[str] | None:
        """``conversations.members``, every page, without this app's own bot user (other
        bots count: they can read the channel too). A channel closed to the app (a private
        one it was not invited to) is ``Undeliverable``; a missing permission is None."""
        assert to.channel is not None
        members: set[str] = set()
        cursor = None
        for _ in range(MEMBER_PAGES):
            try:
                page = self._call(
                    to,
                    "conversations_members",
                    channel=to.channel,
                    limit=200,
                    **({"cursor": cursor} if cursor else {}),
                )
            except Undeliverable as refused:
                if refused.refusal is Refusal.NO_ACCESS:
                    raise  # nothing can be posted there either: told as such
                log.warning("Slack will not say who is in %s: %s", to.channel, refused)
                return None
            members |= {str(m) for m in page.get("members") or []}
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        # Pages beyond MEMBER_PAGES change nothing: a group is far smaller than one page.
        return members - {self._bot_user(to)}

    def departed(self, to: Destination, people: Collection[str]) -> set[str]:
        """``users.info`` of each (asked now, not remembered): ``deleted: true`` is a
        deactivated account, ``user_not_found`` a removed one. A refusal to say (a missing
        scope) counts as still there."""
        gone: set[str] = set()
        for person in people:
            try:
                found = self._call(to, "users_info", user=person).get("user") or {}
            except Undeliverable as refused:
                if refused.detail == "user_not_found":
                    gone.add(person)
                else:
                    log.warning("Slack will not say whether %s is still there: %s", person, refused)
                continue
            if found.get("deleted") is True:
                gone.add(person)
        return gone

    def find_post(self, to: Destination, key: str, *, since: datetime) -> str | None:
        """The channel's history (``conversations.history``), or the thread's
        (``conversations.replies``), searched for the key in the messages' metadata."""
        assert to.channel is not None
        method, where = "conversations_history", {"channel": to.channel}
        if to.thread is not None:
            method, where = "conversations_replies", {"channel": to.channel, "ts": to.thread}
        cursor = None
        for _ in range(HISTORY_PAGES):
            found = self._call(
                to,
                method,
                **where,
                oldest=f"{since.timestamp():.6f}",
                include_all_metadata=True,
                limit=200,
                **({"cursor": cursor} if cursor else {}),
            )
            for message in found.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if metadata.get("event_type") == METADATA_TYPE and payload.get("key") == key:
                    return str(message["ts"])
            cursor = (found.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    # ------------------------------------------------------------------ helpers

    def _bot_user(self, to: Destination) -> str:
        """This app's bot user in ``to.workspace`` (``auth.test``, asked once per team)."""
        if to.workspace not in self._bot_users:
            self._bot_users[to.workspace] = str(self._call(to, "auth_test")["user_id"])
        return self._bot_users[to.workspace]

    def _client(self, to: Destination) -> WebClient:
        return self.runtime.client_for_team(to.workspace)

    def _call(self, to: Destination, method: str, **args: Any) -> Any:
        """One Web API call: a 429 raises ``SlackRetryLater``, an error asking again will
        not change ``Undeliverable``, anything else the SDK's error (retried)."""
        try:
            return getattr(self._client(to), method)(**args)
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                wait = retry_after(exc.response.headers.get("Retry-After"))
                seconds = 30.0 if wait is None else wait
                raise SlackRetryLater("rate limited by Slack", seconds) from exc
            error = str(exc.response.get("error") or "")
            if error in REFUSALS:
                raise Undeliverable(REFUSALS[error], error) from exc
            raise

    def _post(self, to: Destination, channel: str, payload: dict[str, Any]) -> Any:
        """chat.postMessage; on ``not_in_channel`` join the (public) channel, once."""
        try:
            return self._call(to, "chat_postMessage", channel=channel, **payload)
        except Undeliverable as refused:
            if refused.detail != "not_in_channel":
                raise
        log.info("joining %s to post there", channel)
        self._call(to, "conversations_join", channel=channel)
        return self._call(to, "chat_postMessage", channel=channel, **payload)

    def _direct(self, to: Destination) -> str:
        """The direct-message channel with ``to.person`` (opened once, then remembered)."""
        assert to.person is not None
        ctx = self.runtime.ctx
        workspace = workspace_id(ctx, Platform.SLACK, to.workspace)
        known = delivery.conversation_of(ctx, workspace_id=workspace, person=to.person)
        if known and known.get("channel"):
            return str(known["channel"])
        opened = self._call(to, "conversations_open", users=to.person)
        channel = str(opened["channel"]["id"])
        delivery.remember_conversation(
            ctx, workspace_id=workspace, person=to.person, data={"channel": channel}
        )
        return channel


def _metadata(key: str) -> dict[str, Any]:
    return {"event_type": METADATA_TYPE, "event_payload": {"key": key}}
