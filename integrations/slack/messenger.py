"""Delivers queued notifications to Slack: the meeting's one message (posted once, then
updated in place), replies in its thread, private messages, and reports."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.services import delivery
from core.services.ports import Notification
from core.views.outgoing import Outgoing, Target, prepare
from integrations.slack import blocks
from integrations.slack.runtime import Runtime

log = logging.getLogger("intervision.slack")


class SlackRetryLater(Exception):
    """Slack said "not now" (HTTP 429) or the thread's root is not posted yet; the outbox
    worker honours ``retry_after`` (seconds)."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SlackMessenger:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def deliver(self, notification: Notification) -> None:
        outgoing = prepare(self.runtime.ctx, notification)
        if outgoing is None:
            return
        client = self.runtime.client_for_workspace(notification.workspace_id)
        try:
            self._send(client, outgoing, notification)
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                retry_after = float(exc.response.headers.get("Retry-After", "30") or 30)
                raise SlackRetryLater("rate limited by Slack", retry_after) from exc
            raise

    def _send(self, client: WebClient, out: Outgoing, notification: Notification) -> None:
        ctx = self.runtime.ctx
        payload = blocks.message(out.card)
        if out.target is Target.MEETING_CARD:
            assert out.meeting_id is not None and out.channel is not None
            post = delivery.post_of(ctx, meeting_id=out.meeting_id)
            if post is None:
                sent = _post(client, out.channel, payload)
                delivery.remember_post(
                    ctx, meeting_id=out.meeting_id, channel=out.channel, ref=str(sent["ts"])
                )
            else:
                client.chat_update(channel=post.channel, ts=post.ref, **payload)
        elif out.target is Target.MEETING_THREAD:
            assert out.meeting_id is not None
            post = delivery.post_of(ctx, meeting_id=out.meeting_id)
            if post is None:
                raise SlackRetryLater("the meeting's message is not posted yet", 5.0)
            _post(client, post.channel, {**payload, "thread_ts": post.ref})
        elif out.target is Target.DIRECT:
            assert out.person is not None
            _post(
                client, self._direct_channel(client, notification.workspace_id, out.person), payload
            )
        else:
            assert out.channel is not None
            _post(client, out.channel, payload)

    def _direct_channel(self, client: WebClient, workspace_id: int, person: str) -> str:
        ctx = self.runtime.ctx
        known = delivery.conversation_of(ctx, workspace_id=workspace_id, person=person)
        if known and known.get("channel"):
            return str(known["channel"])
        opened = client.conversations_open(users=person)
        channel = str(opened["channel"]["id"])
        delivery.remember_conversation(
            ctx, workspace_id=workspace_id, person=person, data={"channel": channel}
        )
        return channel


def _post(client: WebClient, channel: str, payload: dict[str, Any]) -> Any:
    """chat.postMessage; on ``not_in_channel`` join the channel and try once more."""
    try:
        return client.chat_postMessage(channel=channel, **payload)
    except SlackApiError as exc:
        if exc.response.get("error") != "not_in_channel":
            raise
        log.info("joining %s to post there", channel)
        client.conversations_join(channel=channel)
        return client.chat_postMessage(channel=channel, **payload)
