"""Delivers queued notifications to Teams: the meeting's one card (posted once, then
updated in place), replies in its thread, channel posts and proactive 1:1 messages."""

from __future__ import annotations

from typing import Any

from core.services import delivery
from core.services.context import Context
from core.services.ports import Notification
from core.views.outgoing import Outgoing, Target, prepare
from core.views.vocabulary import Card, ContextLine, Fields, Mention, Text
from integrations.teams import cards
from integrations.teams.connector import Connector


class NoConversation(Exception):
    """We have not heard from this channel or person yet: the worker tries again later."""

    retry_after = 300.0


def channel_key(channel: str) -> str:
    """Channel references are kept beside people's, under this key (decision 0001)."""
    return f"channel:{channel}"


def thread_of(channel: str, root: str) -> str:
    return f"{channel};messageid={root}"


class TeamsMessenger:
    def __init__(self, ctx: Context, connector: Connector, *, app_id: str) -> None:
        self.ctx = ctx
        self.connector = connector
        self.app_id = app_id

    def deliver(self, notification: Notification) -> None:
        outgoing = prepare(self.ctx, notification)
        if outgoing is not None:
            self.send(notification.workspace_id, outgoing)

    def send(self, workspace_id: int, out: Outgoing) -> None:
        activity = self.activity(workspace_id, out.card)
        if out.target is Target.DIRECT:
            assert out.person is not None
            self.direct(workspace_id, out.person, activity)
            return
        assert out.channel is not None
        service_url = self.channel_ref(workspace_id, out.channel)["service_url"]
        if out.target is Target.CHANNEL:
            self.connector.send(service_url, out.channel, activity)
            return
        assert out.meeting_id is not None
        post = delivery.post_of(self.ctx, meeting_id=out.meeting_id)
        if out.target is Target.MEETING_CARD and post is not None:
            self.connector.update(service_url, post.channel, post.ref, activity)
            return
        if out.target is Target.MEETING_CARD:
            ref = self.connector.send(service_url, out.channel, activity)
            delivery.remember_post(
                self.ctx, meeting_id=out.meeting_id, channel=out.channel, ref=ref
            )
            return
        if post is None:  # the card first, so the thread has a root
            self.deliver(
                Notification(
                    topic="meeting.card", workspace_id=workspace_id, meeting_id=out.meeting_id
                )
            )
            post = delivery.post_of(self.ctx, meeting_id=out.meeting_id)
            assert post is not None
        self.connector.send(service_url, thread_of(post.channel, post.ref), activity)

    def activity(self, workspace_id: int, card: Card) -> dict[str, Any]:
        names = self.names(workspace_id, card)
        return cards.message(cards.render_card(card, names=names), card.summary)

    def direct(self, workspace_id: int, person: str, activity: dict[str, Any]) -> None:
        """A proactive 1:1 message, in the person's chat with the bot (created if needed)."""
        ref = delivery.conversation_of(self.ctx, workspace_id=workspace_id, person=person)
        if ref is None:
            raise NoConversation(f"no conversation reference for {person}")
        conversation = ref.get("personal_conversation_id")
        if not conversation:
            conversation = self.connector.create_conversation(
                ref["service_url"],
                {
                    "bot": {"id": ref.get("bot_id") or f"28:{self.app_id}"},
                    "members": [{"id": ref.get("user_id") or person}],
                    "tenantId": ref.get("tenant_id"),
                    "channelData": {"tenant": {"id": ref.get("tenant_id")}},
                    "isGroup": False,
                },
            )
            delivery.remember_conversation(
                self.ctx,
                workspace_id=workspace_id,
                person=person,
                data={**ref, "personal_conversation_id": conversation},
            )
        self.connector.send(ref["service_url"], conversation, activity)

    def channel_ref(self, workspace_id: int, channel: str) -> dict[str, Any]:
        ref = delivery.conversation_of(
            self.ctx, workspace_id=workspace_id, person=channel_key(channel)
        )
        if ref is None:
            raise NoConversation(f"the bot has not been reached from channel {channel} yet")
        return ref

    def names(self, workspace_id: int, card: Card) -> dict[str, str]:
        """Display names of the people a card mentions, from their stored references."""
        people: set[str] = set()
        for block in card.blocks:
            parts = block.parts if isinstance(block, Text | ContextLine) else ()
            if isinstance(block, Fields):
                parts = tuple(p for f in block.items for p in f.value)
            people |= {p.person for p in parts if isinstance(p, Mention)}
        names: dict[str, str] = {}
        for person in sorted(people):
            ref = delivery.conversation_of(self.ctx, workspace_id=workspace_id, person=person)
            if ref and ref.get("name"):
                names[person] = str(ref["name"])
        return names
