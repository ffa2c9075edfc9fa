"""Inbound activities -> core services. Only translation: the rules live in core."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from core.domain.common import Locale, Platform
from core.domain.errors import DomainError, NotFound
from core.domain.group import Group
from core.i18n import normalise_locale
from core.services import contributions, delivery, groups, meetings, queries
from core.services.commands import parse_command
from core.services.context import Actor, Context
from core.services.ports import Notification
from core.views import actions as a
from core.views.direct import refusal
from core.views.home import help_card, overview_card
from core.views.outgoing import prepare
from core.views.vocabulary import Card, Form
from integrations.teams import cards, forms
from integrations.teams.activities import Activity, invoke_of, reference_of
from integrations.teams.messenger import TeamsMessenger, channel_key

log = logging.getLogger("intervision.teams")

MEETING_VERBS = {
    a.MEETING_START,
    a.MEETING_ADVANCE,
    a.MEETING_EXTEND,
    a.MEETING_PAUSE,
    a.MEETING_CLOSE,
    a.MEETING_REPORT,
    a.MEETING_CHOOSE_CASE,
    a.MEETING_PASS,
}


class Turn:
    """One inbound activity with the refs core needs."""

    def __init__(self, activity: Activity, workspace_id: int, locale: Locale) -> None:
        self.activity = activity
        self.actor = Actor(workspace_id=workspace_id, person=activity.person)
        self.locale = locale


class TeamsBot:
    def __init__(self, ctx: Context, messenger: TeamsMessenger) -> None:
        self.ctx = ctx
        self.messenger = messenger

    # ------------------------------------------------------------------ entry

    def handle(self, activity: Activity) -> dict[str, Any] | None:
        """Returns the body of an invoke response, or None (HTTP 200, empty)."""
        if not activity.tenant or not activity.person:
            return None
        if not delivery.first_delivery(self.ctx, platform="teams", key=_event_key(activity)):
            return _invoke_ok() if activity.type == "invoke" else None
        workspace = groups.ensure_workspace(
            self.ctx, platform=Platform.TEAMS, external_id=activity.tenant
        )
        assert workspace.id is not None
        self.remember(workspace.id, activity)
        turn = Turn(activity, workspace.id, normalise_locale(activity.locale, workspace.locale))
        try:
            if activity.type == "message":
                self.on_message(turn)
            elif activity.type == "messageUpdate":
                self.on_edit(turn)
            elif activity.type == "invoke":
                return self.on_invoke(turn)
            elif activity.type == "conversationUpdate" and activity.channel:
                self.remember_members(workspace.id, activity.service_url, activity.channel)
        except DomainError as error:
            return self.refuse(turn, error)
        return None

    def remember(self, workspace_id: int, activity: Activity) -> None:
        bot_id = activity.recipient.id
        if activity.from_.aad_object_id:
            known = delivery.conversation_of(
                self.ctx, workspace_id=workspace_id, person=activity.person
            )
            delivery.remember_conversation(
                self.ctx,
                workspace_id=workspace_id,
                person=activity.person,
                data={**(known or {}), **reference_of(activity, bot_id)},
            )
        if activity.channel:
            delivery.remember_conversation(
                self.ctx,
                workspace_id=workspace_id,
                person=channel_key(activity.channel),
                data={
                    "service_url": activity.service_url,
                    "tenant_id": activity.tenant,
                    "conversation_id": activity.channel,
                    "team_id": (activity.channel_data.get("team") or {}).get("id"),
                    "bot_id": bot_id,
                },
            )

    def remember_members(self, workspace_id: int, service_url: str, channel: str) -> None:
        """Everyone in the team, so the bot can reach members who never wrote to it."""
        for member in self.messenger.connector.members(service_url, channel):
            person = member.get("aadObjectId")
            if not person:
                continue
            known = delivery.conversation_of(self.ctx, workspace_id=workspace_id, person=person)
            delivery.remember_conversation(
                self.ctx,
                workspace_id=workspace_id,
                person=person,
                data={
                    "service_url": service_url,
                    "tenant_id": member.get("tenantId"),
                    "user_id": member.get("id"),
                    "aad_object_id": person,
                    "name": member.get("name"),
                    **(known or {}),
                },
            )

    # --------------------------------------------------------------- messages

    def on_message(self, turn: Turn) -> None:
        activity = turn.activity
        root, channel = activity.thread_root, activity.channel
        if root and channel and root != activity.id:
            meeting_id = delivery.meeting_of_thread(self.ctx, channel=channel, ref=root)
            if meeting_id is not None:
                text = activity.plain_text
                if text:
                    contributions.contribute(
                        self.ctx,
                        actor=turn.actor,
                        meeting_id=meeting_id,
                        text=text,
                        source_ref=activity.id,
                    )
                return
        self.on_command(turn)

    def on_edit(self, turn: Turn) -> None:
        activity = turn.activity
        root, channel = activity.thread_root, activity.channel
        if not (root and channel):
            return
        meeting_id = delivery.meeting_of_thread(self.ctx, channel=channel, ref=root)
        if meeting_id is not None and activity.plain_text:
            contributions.edit_contribution(
                self.ctx,
                actor=turn.actor,
                meeting_id=meeting_id,
                text=activity.plain_text,
                source_ref=activity.id,
            )

    def on_command(self, turn: Turn) -> None:
        command = parse_command(turn.activity.plain_text)
        if command.locale_hint:
            turn.locale = command.locale_hint
        name = command.name
        if (
            turn.activity.personal
            and name == "help"
            and command.known is False
            and not command.rest
        ):
            name = "tasks"  # a first hello in personal chat: show the person's own page
        if name == "help":
            prefix = "" if turn.activity.personal else f"@{turn.activity.recipient.name or 'bot'}"
            self.answer(turn, help_card(turn.locale, prefix.strip()))
        elif name == "tasks":
            self.answer(turn, self.overview(turn))
        elif name == "group":
            form = forms.group_form(self.ctx, turn.locale, turn.activity.channel)
            self.answer_form(turn, form)
        elif name == "start":
            group = self.group_of(turn)
            if turn.activity.channel:
                self.remember_members(
                    turn.actor.workspace_id, turn.activity.service_url, turn.activity.channel
                )
            started = meetings.start_meeting(self.ctx, actor=turn.actor, group_id=group.id or 0)
            if started.already_running:
                self.answer_privately(turn, forms.notice("meeting.already_running", group.locale))
        elif name == "report":
            health = queries.group_health(
                self.ctx, actor=turn.actor, group_id=self.group_of(turn).id or 0
            )
            self.answer_privately(turn, forms.health(health, turn.locale))
        else:  # case, goals, schedule: a form, privately
            self.answer_form(turn, forms.form_for(self.ctx, name, turn.actor, self.group_of(turn)))

    # ---------------------------------------------------------------- invokes

    def on_invoke(self, turn: Turn) -> dict[str, Any]:
        invoke = invoke_of(turn.activity)
        if invoke is None:
            return _invoke_ok()
        value = str(invoke.data.get("value", ""))
        if invoke.verb in MEETING_VERBS:
            meeting_id = self.meeting_of(turn)
            forms.meeting_action(self.ctx, turn.actor, invoke.verb, meeting_id, value, turn)
            return self.meeting_card_response(turn, meeting_id)
        if invoke.verb in (a.CASE_OPEN_FORM, a.GOALS_OPEN_FORM, a.MEETING_CONTRIBUTE):
            form = forms.opened_form(self.ctx, invoke.verb, turn.actor, self.group_of(turn), turn)
            if turn.activity.personal:
                return _card_response(cards.render_form(form, locale=turn.locale))
            self.answer_form(turn, form)
            meeting_id = self.meeting_of(turn, required=False)
            return self.meeting_card_response(turn, meeting_id) if meeting_id else _invoke_ok()
        card = forms.submit(self.ctx, invoke.verb, turn.actor, invoke.data, turn)
        return _card_response(cards.render_card(card))

    def meeting_card_response(self, turn: Turn, meeting_id: int) -> dict[str, Any]:
        """The meeting's card as it is now: the clicker sees the change at once."""
        outgoing = prepare(
            self.ctx,
            Notification(
                topic="meeting.card", workspace_id=turn.actor.workspace_id, meeting_id=meeting_id
            ),
        )
        assert outgoing is not None
        activity = self.messenger.activity(turn.actor.workspace_id, outgoing.card)
        return _card_response(activity["attachments"][0]["content"])

    # ----------------------------------------------------------------- places

    def group_of(self, turn: Turn) -> Group:
        """The group of the channel; in personal chat the person's first group."""
        channel = turn.activity.channel
        if channel:
            group = groups.group_in_channel(
                self.ctx, workspace_id=turn.actor.workspace_id, channel=channel
            )
        else:
            mine = queries.overview(self.ctx, actor=turn.actor).groups
            if not mine:
                raise NotFound("group.not_found")
            group = mine[0]
        turn.locale = group.locale
        return group

    def meeting_of(self, turn: Turn, *, required: bool = True) -> int:
        """The meeting whose card was clicked (the invoke's ``replyToId``)."""
        channel, ref = turn.activity.channel, turn.activity.reply_to_id
        if channel and ref:
            meeting_id = delivery.meeting_of_thread(self.ctx, channel=channel, ref=ref)
            if meeting_id is not None:
                return meeting_id
        meeting = (
            queries.current_meeting_in(self.ctx, actor=turn.actor, channel=channel)
            if channel
            else None
        )
        if meeting is None or meeting.id is None:
            if required:
                raise NotFound("meeting.none")
            return 0
        return meeting.id

    # ---------------------------------------------------------------- answers

    def overview(self, turn: Turn) -> Card:
        view = queries.overview(self.ctx, actor=turn.actor)
        health = [
            queries.group_health(self.ctx, actor=turn.actor, group_id=g.id or 0)
            for g in view.managed
        ]
        return overview_card(view, turn.locale, health)

    def answer(self, turn: Turn, card: Card) -> None:
        """In the conversation the person wrote in (a command's answer)."""
        activity = self.messenger.activity(turn.actor.workspace_id, card)
        conversation = turn.activity.conversation.id
        if turn.activity.personal:
            self.messenger.connector.send(turn.activity.service_url, conversation, activity)
        else:
            self.answer_privately(turn, card)

    def answer_privately(self, turn: Turn, card: Card) -> None:
        activity = self.messenger.activity(turn.actor.workspace_id, card)
        if turn.activity.personal:
            self.messenger.connector.send(
                turn.activity.service_url, turn.activity.conversation.id, activity
            )
        else:
            self.messenger.direct(turn.actor.workspace_id, turn.actor.person, activity)

    def answer_form(self, turn: Turn, form: Form) -> None:
        card = cards.render_form(form, names=forms.known_names(self.ctx, turn), locale=turn.locale)
        activity = cards.message(card, form.title)
        if turn.activity.personal:
            self.messenger.connector.send(
                turn.activity.service_url, turn.activity.conversation.id, activity
            )
        else:
            self.messenger.direct(turn.actor.workspace_id, turn.actor.person, activity)

    def refuse(self, turn: Turn, error: DomainError) -> dict[str, Any] | None:
        """Never silence: the person hears why, privately."""
        log.info("Teams: refused %s for %s: %r", turn.activity.type, turn.actor.person, error)
        card = refusal(error, turn.locale)
        self.answer_privately(turn, card)
        if turn.activity.type == "invoke":
            return {
                "statusCode": 200,
                "type": "application/vnd.microsoft.activity.message",
                "value": card.summary,
            }
        return None


def _event_key(activity: Activity) -> str:
    if activity.type == "messageUpdate":  # every edit of a message is a new event
        digest = hashlib.sha256((activity.text or "").encode()).hexdigest()[:16]
        return f"edit:{activity.id}:{digest}"
    return activity.id or hashlib.sha256(activity.model_dump_json().encode()).hexdigest()


def _invoke_ok() -> dict[str, Any]:
    return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": ""}


def _card_response(card: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": 200, "type": cards.CONTENT_TYPE, "value": card}
