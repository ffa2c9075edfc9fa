"""``/intervision`` and ``/intervisie``: parse, ack at once, then do the work."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from core.domain.common import Locale
from core.domain.errors import DomainError
from core.domain.meeting import MeetingState
from core.i18n import t
from core.services import groups, lookups, meetings, queries
from core.services.commands import parse_command
from core.services.context import Actor
from core.views import forms
from core.views.direct import notice, refusal
from core.views.home import help_card
from core.views.report import meeting_report
from core.views.vocabulary import Card
from integrations.slack import blocks, screens
from integrations.slack.runtime import Runtime

COMMANDS = ("/intervision", "/intervisie")
DUTCH_COMMAND = "/intervisie"


def register(bolt: App, rt: Runtime) -> None:
    def on_command(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        handle_command(rt, body, client, respond)

    for name in COMMANDS:
        bolt.command(name)(on_command)


def handle_command(rt: Runtime, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
    command = parse_command(body.get("text", ""))
    user, channel = body["user_id"], body["channel_id"]
    actor = rt.actor(body["team_id"], user)
    hint: Locale | None = "nl" if body.get("command") == DUTCH_COMMAND else command.locale_hint
    fallback = _group_locale(rt, actor, channel)
    locale = rt.locale(client, user, hint=hint, fallback=fallback)

    def reply(card: Card) -> None:
        respond(response_type="ephemeral", replace_original=False, **blocks.message(card))

    try:
        if not command.known:
            word = command.rest.split(" ")[0]
            reply(screens.unknown_command(word, locale, body.get("command", COMMANDS[0])))
        elif command.name == "help":
            reply(help_card(locale, body.get("command", COMMANDS[0])))
        elif command.name == "tasks":
            reply(screens.task_list(queries.overview(rt.ctx, actor=actor).tasks, locale))
        elif command.name == "group":
            lookups.require_may_create_groups(rt.ctx, actor=actor)
            _open(client, body, blocks.modal(forms.group_form(rt.ctx.methods, locale, channel)))
        else:
            group = groups.group_in_channel(
                rt.ctx, workspace_id=actor.workspace_id, channel=channel
            )
            if command.name == "start":
                started = meetings.start_meeting(rt.ctx, actor=actor, group_id=group.id or 0)
                if started.already_running:
                    reply(notice("meeting.already_running", locale))
            elif command.name == "case":
                _open(client, body, blocks.modal(forms.case_form(group, locale)))
            elif command.name == "goals":
                mine = [
                    g for g in queries.overview(rt.ctx, actor=actor).goals if g.group_id == group.id
                ]
                latest = mine[-1] if mine and not command.asks_for_new else None
                form = forms.goal_form(group, locale, latest)
                _open(client, body, blocks.modal(form))
            elif command.name == "schedule":
                planned = queries.current_meeting_in(rt.ctx, actor=actor, channel=channel)
                if planned is not None and planned.state is not MeetingState.PLANNED:
                    planned = None
                form = forms.schedule_form(group, rt.ctx.methods, locale, meeting=planned)
                _open(client, body, blocks.modal(form))
            elif command.name == "report":
                reply(_report(rt, actor, group.id or 0, locale))
    except DomainError as error:
        reply(refusal(error, locale))


def _report(rt: Runtime, actor: Actor, group_id: int, locale: Locale) -> Card:
    meeting_id = lookups.last_finished_meeting(rt.ctx, actor=actor, group_id=group_id)
    if meeting_id is None:
        return screens.line(t("slack.no_report", locale))
    snapshot = queries.meeting_snapshot(rt.ctx, meeting_id=meeting_id, viewer=actor)
    return meeting_report(snapshot)


def _open(client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _group_locale(rt: Runtime, actor: Actor, channel: str) -> Locale:
    try:
        return groups.group_in_channel(
            rt.ctx, workspace_id=actor.workspace_id, channel=channel
        ).locale
    except DomainError:
        with rt.ctx.uow() as uow:
            return uow.workspaces.get(actor.workspace_id).locale
