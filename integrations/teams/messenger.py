"""The ``Messenger`` port over the Bot Connector (``core.services.ports``): channel posts
and their threads, in-place updates, and proactive 1:1 messages.

Conversation references are learnt from the activities people send (``bot.remember``).
A person who never wrote to the bot is found in the team's roster, read here (in the
outbox worker), never inside an inbound request.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from datetime import datetime
from typing import Any

from core import interactions
from core.interactions import Platform
from core.services import delivery
from core.services.context import Context
from core.services.ports import Destination, Refusal, Undeliverable
from core.views.vocabulary import Card, ContextLine, Fields, Form, Mention, Text
from integrations.teams import cards
from integrations.teams.connector import Connector
from integrations.teams.graph import Graph

log = logging.getLogger("intervision.teams")


class NoConversation(Exception):
    """We have not heard from this channel or person yet: the worker tries again later."""

    retry_after = 300.0


def channel_key(channel: str) -> str:
    """Channel references are kept beside people's, under this key (decision 0006)."""
    return f"channel:{channel}"


def thread_of(channel: str, root: str) -> str:
    return f"{channel};messageid={root}"


def marker(key: str) -> str:
    return f"intervision-{key}"


def _carries(content: object, wanted: str) -> bool:
    """Whether a card (Graph gives its JSON as a string) has an element with id ``wanted``."""
    try:
        card = json.loads(content) if isinstance(content, str) else content
    except ValueError:
        return False
    body = card.get("body") if isinstance(card, dict) else None
    return any(isinstance(item, dict) and item.get("id") == wanted for item in body or [])


class TeamsMessenger:
    def __init__(
        self, ctx: Context, connector: Connector, *, app_id: str, graph: Graph | None = None
    ) -> None:
        self.ctx = ctx
        self.connector = connector
        self.app_id = app_id
        self.graph = graph
        """Microsoft Graph, to find a post whose answer was lost (None: no app password)."""

    # ------------------------------------------------------------------ the port

    def post(self, to: Destination, card: Card, *, key: str) -> str:
        """The card's first element carries ``key`` as its id (invisible; Graph shows it)."""
        assert to.channel is not None
        service_url = self._channel(to)["service_url"]
        return self.connector.send(service_url, to.channel, self._keyed(to.workspace, card, key))

    def update(self, to: Destination, ref: str, card: Card) -> None:
        assert to.channel is not None
        service_url = self._channel(to)["service_url"]
        self.connector.update(service_url, to.channel, ref, self._activity(to.workspace, card))

    def reply(self, to: Destination, card: Card, *, key: str) -> str:
        assert to.channel is not None and to.thread is not None
        service_url = self._channel(to)["service_url"]
        thread = thread_of(to.channel, to.thread)
        return self.connector.send(service_url, thread, self._keyed(to.workspace, card, key))

    def send_privately(self, to: Destination, card: Card) -> str:
        return self._direct(to, self._activity(to.workspace, card))

    def open_form(self, to: Destination, form: Form) -> None:
        """The form as a card in the person's personal chat with the bot."""
        self._direct(to, cards.message(self.form(to.workspace, form), form.title))

    def channel_members(self, to: Destination) -> set[str] | None:
        """The channel's roster (``GET /v3/conversations/{id}/members``: the team's members
        for a standard channel, the channel's own for a private one), as Entra object ids."""
        channel = self._channel(to)
        try:
            roster = self.connector.members(channel["service_url"], str(to.channel))
        except Undeliverable as refused:
            if refused.refusal is Refusal.NO_ACCESS:
                raise  # the app is not in the team: nothing can be posted there either
            log.warning("Microsoft Teams will not say who is in %s: %s", to.channel, refused)
            return None
        return {str(m["aadObjectId"]) for m in roster if m.get("aadObjectId")}

    def departed(self, to: Destination, people: Collection[str]) -> set[str]:
        """Nobody, by this question: the channel's roster (``channel_members``) is what
        tells, as a deleted account leaves its teams. An account only blocked from signing
        in stays listed; seeing that would take Graph's ``User.Read.All``, which the app
        does not ask for."""
        return set()

    def find_post(self, to: Destination, key: str, *, since: datetime) -> str | None:
        """The Bot Connector cannot list a channel's messages; Microsoft Graph can (the
        team's id in Graph comes from the Bot Connector's team details)."""
        assert to.channel is not None
        if self.graph is None:
            log.warning("Microsoft Teams: no app password, so no Graph to find %s", key)
            return None
        channel = self._channel(to)
        team = channel.get("team_id")
        if not team:
            return None
        group = self.connector.team_details(channel["service_url"], str(team)).get("aadGroupId")
        if not group:
            return None
        wanted = marker(key)
        messages = self.graph.channel_messages(
            to.workspace, group, to.channel, since=since, replies_to=to.thread
        )
        for message in messages:
            for attachment in message.get("attachments") or []:
                if _carries(attachment.get("content"), wanted):
                    return str(message["id"])
        return None

    # ------------------------------------------------------------------ rendering

    def card(self, tenant: str, card: Card) -> dict[str, Any]:
        """An Adaptive Card with real mentions of the people it names."""
        return cards.render_card(card, names=self.names(tenant, card.blocks))

    def form(self, tenant: str, form: Form) -> dict[str, Any]:
        """A form as a card; its people pickers offer everyone the bot knows by name."""
        known = delivery.people_named(self.ctx, workspace_id=self._workspace(tenant))
        return cards.render_form(form, names=known)

    def _activity(self, tenant: str, card: Card) -> dict[str, Any]:
        return cards.message(self.card(tenant, card), card.summary)

    def _keyed(self, tenant: str, card: Card, key: str) -> dict[str, Any]:
        activity = self._activity(tenant, card)
        body = activity["attachments"][0]["content"]["body"]
        if body:
            body[0]["id"] = marker(key)
        return activity

    def names(self, tenant: str, blocks: tuple[Any, ...]) -> dict[str, str]:
        """Display names of the people shown, from their stored references."""
        people: set[str] = set()
        for block in blocks:
            parts = block.parts if isinstance(block, Text | ContextLine) else ()
            if isinstance(block, Fields):
                parts = tuple(p for f in block.items for p in f.value)
            people |= {p.person for p in parts if isinstance(p, Mention)}
        workspace = self._workspace(tenant)
        names: dict[str, str] = {}
        for person in sorted(people):
            ref = delivery.conversation_of(self.ctx, workspace_id=workspace, person=person)
            if ref and ref.get("name"):
                names[person] = str(ref["name"])
        return names

    # ------------------------------------------------------------------ references

    def _workspace(self, tenant: str) -> int:
        return interactions.workspace_id(self.ctx, Platform.TEAMS, tenant)

    def _channel(self, to: Destination) -> dict[str, Any]:
        assert to.channel is not None
        ref = delivery.conversation_of(
            self.ctx, workspace_id=self._workspace(to.workspace), person=channel_key(to.channel)
        )
        if ref is None:
            raise NoConversation(f"the bot has not been reached from channel {to.channel} yet")
        return ref

    def _direct(self, to: Destination, activity: dict[str, Any]) -> str:
        """A proactive 1:1 message, in the person's chat with the bot (created if needed)."""
        assert to.person is not None
        workspace = self._workspace(to.workspace)
        ref = delivery.conversation_of(self.ctx, workspace_id=workspace, person=to.person)
        if ref is None and to.channel is not None:
            ref = self._from_roster(workspace, to)
        if ref is None:
            raise NoConversation(f"no conversation reference for {to.person}")
        conversation = ref.get("personal_conversation_id")
        if not conversation:
            conversation = self.connector.create_conversation(
                ref["service_url"],
                {
                    "bot": {"id": ref.get("bot_id") or f"28:{self.app_id}"},
                    "members": [{"id": ref.get("user_id") or to.person}],
                    "tenantId": ref.get("tenant_id"),
                    "channelData": {"tenant": {"id": ref.get("tenant_id")}},
                    "isGroup": False,
                },
            )
            delivery.remember_conversation(
                self.ctx,
                workspace_id=workspace,
                person=to.person,
                data={**ref, "personal_conversation_id": conversation},
            )
        return self.connector.send(ref["service_url"], conversation, activity)

    def _from_roster(self, workspace: int, to: Destination) -> dict[str, Any] | None:
        """Everyone in the channel's team, so that the bot reaches members who never wrote
        to it; returns ``to.person``'s reference if the roster has them."""
        channel = self._channel(to)
        log.info("Microsoft Teams: reading the roster of %s for %s", to.channel, to.person)
        found = None
        for member in self.connector.members(channel["service_url"], str(to.channel)):
            person = member.get("aadObjectId")
            if not person:
                continue
            known = delivery.conversation_of(self.ctx, workspace_id=workspace, person=person)
            data = {
                "service_url": channel["service_url"],
                "tenant_id": member.get("tenantId") or channel.get("tenant_id"),
                "user_id": member.get("id"),
                "aad_object_id": person,
                "name": member.get("name"),
                "bot_id": channel.get("bot_id"),
                **(known or {}),
            }
            if data != known:
                delivery.remember_conversation(
                    self.ctx, workspace_id=workspace, person=person, data=data
                )
            if person == to.person:
                found = data
        return found
