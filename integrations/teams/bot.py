"""Inbound activities -> the core's entry points -> the invoke response, or a private
answer through the outbox. Only translation: what an activity means is decided in
``core.interactions``, and nothing here calls the Bot Connector (the outbox worker does,
with its retries, so no request waits on Microsoft)."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from core import interactions
from core.interactions import Platform, Reply, Who
from core.services import delivery
from core.services.context import Context
from integrations.teams import cards
from integrations.teams.activities import Activity, form_values, invoke_of, reference_of
from integrations.teams.messenger import TeamsMessenger, channel_key

log = logging.getLogger("intervision.teams")

FORMS = frozenset(interactions.FORMS)
"""Verbs of a form's submit button (its callback id), as opposed to a button's action id:
every form the core reads (``core.interactions.table``)."""


class TeamsBot:
    def __init__(self, ctx: Context, messenger: TeamsMessenger) -> None:
        self.ctx = ctx
        self.messenger = messenger

    def handle(self, activity: Activity) -> dict[str, Any] | None:
        """Returns the body of an invoke response, or None (HTTP 200, empty)."""
        if not activity.tenant or not activity.person:
            return None
        key = event_key(activity)
        if delivery.already_handled(self.ctx, platform="teams", key=key):
            return _invoke_ok() if activity.type == "invoke" else None
        workspace_id = interactions.workspace_id(self.ctx, Platform.TEAMS, activity.tenant)
        self.remember(workspace_id, activity)
        guard = interactions.RequestGuard("teams", key=key)  # recorded with the effect
        if activity.type == "invoke":
            return self.on_invoke(activity, guard)
        if activity.type in ("message", "messageUpdate"):
            self.on_message(activity, guard, edited=activity.type == "messageUpdate")
        if activity.type == "messageDelete" and activity.channel and activity.thread_root:
            # A reply deleted (Teams soft-deletes): its contribution is withdrawn.
            interactions.thread_message(
                self.ctx,
                _who(activity, message=activity.thread_root),
                "",
                source_ref=activity.id,
                deleted=True,
                guard=guard,
            )
        if activity.type == "conversationUpdate" and (
            activity.members_added or activity.members_removed
        ):
            # Someone joined or left a team or channel: a standard channel's readers are
            # its team's members, so every group in the tenant looks again.
            everywhere = Who(Platform.TEAMS, workspace=activity.tenant, person=activity.person)
            interactions.channel_changed(self.ctx, everywhere)
        return None

    # ------------------------------------------------------------------ messages

    def on_message(
        self, activity: Activity, guard: interactions.RequestGuard, *, edited: bool
    ) -> None:
        text = activity.plain_text
        root = activity.thread_root
        reply: Reply | None = None
        if root and activity.channel and root != activity.id and text:
            who = _who(activity, message=root)
            reply = interactions.thread_message(
                self.ctx, who, text, source_ref=activity.id, edited=edited, guard=guard
            )
        if reply is None and not edited:
            reply = interactions.command(self.ctx, _who(activity), text, guard=guard)
        if reply is not None and not reply.is_empty:
            interactions.send_later(
                self.ctx, _who(activity), reply, invoked_as=_invoked_as(activity), guard=guard
            )

    # ------------------------------------------------------------------ card buttons and forms

    def on_invoke(self, activity: Activity, guard: interactions.RequestGuard) -> dict[str, Any]:
        invoke = invoke_of(activity)
        if invoke is None:
            return _invoke_ok()
        who = _who(activity, message=activity.reply_to_id)
        if invoke.verb in FORMS:
            state = {k: str(v) for k, v in invoke.data.items() if isinstance(v, str | int)}
            values = form_values(invoke.data)
            reply = interactions.submit(self.ctx, who, invoke.verb, state, values, guard=guard)
        else:
            value = str(invoke.data.get("value") or "")
            reply = interactions.action(self.ctx, who, invoke.verb, value, guard=guard)
        return self.answer(activity, who, reply, guard, form_submitted=invoke.verb in FORMS)

    def answer(
        self,
        activity: Activity,
        who: Who,
        reply: Reply,
        guard: interactions.RequestGuard,
        *,
        form_submitted: bool,
    ) -> dict[str, Any]:
        """The invoke's response: only the clicker sees it. A refusal is a message that
        leaves the card (and what was typed in it) as it is; a form opened from a channel
        goes to the person's personal chat."""
        actor = interactions.actor_of(self.ctx, who)
        rendered = interactions.render(self.ctx, reply, actor=actor)
        card = rendered.as_one_card()
        if reply.refused:
            return _message(card.summary if card else "")
        if rendered.form is not None:
            if activity.personal:
                return _card(self.messenger.form(activity.tenant, rendered.form))
            interactions.send_later(self.ctx, who, reply, guard=guard)
        elif card is not None and (form_submitted or activity.personal):
            return _card(cards.render_card(card))
        elif card is not None:
            return _message(card.summary)
        if reply.meeting_id is not None and not activity.personal:
            meeting = interactions.meeting_now(self.ctx, reply.meeting_id, actor=actor)
            if meeting is not None:
                return _card(self.messenger.card(activity.tenant, meeting))
        return _invoke_ok()

    # ------------------------------------------------------------------ references

    def remember(self, workspace_id: int, activity: Activity) -> None:
        """How to reach this person (and this channel) later, from the activity itself."""
        if activity.from_.aad_object_id:
            known = delivery.conversation_of(
                self.ctx, workspace_id=workspace_id, person=activity.person
            )
            fresh = {**(known or {}), **reference_of(activity, activity.recipient.id)}
            if fresh != known:
                delivery.remember_conversation(
                    self.ctx, workspace_id=workspace_id, person=activity.person, data=fresh
                )
        if activity.channel:
            data = {
                "service_url": activity.service_url,
                "tenant_id": activity.tenant,
                "conversation_id": activity.channel,
                "team_id": activity.team_id,
                "bot_id": activity.recipient.id,
            }
            key = channel_key(activity.channel)
            known = delivery.conversation_of(self.ctx, workspace_id=workspace_id, person=key)
            if known != data:
                delivery.remember_conversation(
                    self.ctx, workspace_id=workspace_id, person=key, data=data
                )


def _who(activity: Activity, *, message: str | None = None) -> Who:
    return Who(
        platform=Platform.TEAMS,
        workspace=activity.tenant,
        person=activity.person,
        channel=activity.channel,
        message=message,
        language=activity.locale,
        zone=activity.local_timezone,
    )


def _invoked_as(activity: Activity) -> str:
    return "" if activity.personal else f"@{activity.recipient.name or 'Intervision'}"


def event_key(activity: Activity) -> str:
    """Activity ids are unique within a conversation only; every edit of a message is an
    event of its own, and so is its deletion (which carries the message's id). Each id
    over 100 characters is shortened to its hash, so that the key fits the 255 characters
    it is stored in."""
    conversation, activity_id = _short(activity.conversation.id), _short(activity.id)
    if activity.type == "messageUpdate":
        digest = _digest(activity.text or "")[:16]
        return f"{conversation}:edit:{activity_id}:{digest}"
    if activity.type == "messageDelete":
        return f"{conversation}:delete:{activity_id}"
    if activity.id:
        return f"{conversation}:{activity_id}"
    return _digest(json.dumps(activity.model_dump(mode="json"), sort_keys=True))


def _digest(text: str) -> str:
    """JSON may carry a lone surrogate (``"\\ud800"``), which is no UTF-8: hashed as is."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _short(ref: str) -> str:
    return ref if len(ref) <= 100 else "#" + hashlib.sha256(ref.encode()).hexdigest()[:40]


def _invoke_ok() -> dict[str, Any]:
    return _message("")


def _message(text: str) -> dict[str, Any]:
    return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}


def _card(card: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": 200, "type": cards.CONTENT_TYPE, "value": card}
