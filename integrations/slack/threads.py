"""Events: replies in a meeting's thread become contributions (edits follow), and the App
Home shows a person's own page."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from core.domain.errors import DomainError, NotFound
from core.services import contributions, delivery, queries
from core.views.home import overview_card
from integrations.slack import blocks
from integrations.slack.runtime import Runtime, log

IGNORED_SUBTYPES_EXCEPT_EDIT = "message_changed"


def register(bolt: App, rt: Runtime) -> None:
    @bolt.event("message")
    def on_message(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        handle_message(rt, body.get("team_id", ""), event, client)

    @bolt.event("app_home_opened")
    def on_home(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            publish_home(rt, body.get("team_id", ""), event["user"], client)


def handle_message(rt: Runtime, team_id: str, event: dict[str, Any], client: WebClient) -> None:
    subtype = event.get("subtype")
    if subtype == IGNORED_SUBTYPES_EXCEPT_EDIT:
        message = event.get("message") or {}
        edited = True
    elif subtype is None:
        message, edited = event, False
    else:
        return  # joins, bot messages, deletions, file shares: not contributions
    if message.get("bot_id") or message.get("subtype") or not message.get("user"):
        return
    thread_ts, ts = message.get("thread_ts"), message.get("ts")
    channel = event.get("channel", "")
    if not thread_ts or not ts or thread_ts == ts:
        return
    meeting_id = delivery.meeting_of_thread(rt.ctx, channel=channel, ref=str(thread_ts))
    if meeting_id is None:
        return
    user = str(message["user"])
    actor = rt.actor(team_id or message.get("team", ""), user)
    text = str(message.get("text") or "")
    try:
        if edited:
            contributions.edit_contribution(
                rt.ctx, actor=actor, meeting_id=meeting_id, text=text, source_ref=str(ts)
            )
        else:
            contributions.contribute(
                rt.ctx, actor=actor, meeting_id=meeting_id, text=text, source_ref=str(ts)
            )
    except NotFound as error:
        if edited and error.key == "contribution.not_found":
            return  # an edit of a message that never counted (it was refused before)
        _refuse(rt, client, error, meeting_id, channel, user, str(thread_ts))
    except DomainError as error:
        _refuse(rt, client, error, meeting_id, channel, user, str(thread_ts))


def _refuse(
    rt: Runtime,
    client: WebClient,
    error: DomainError,
    meeting_id: int,
    channel: str,
    user: str,
    thread_ts: str,
) -> None:
    snapshot = queries.meeting_snapshot(rt.ctx, meeting_id=meeting_id, viewer=None)
    locale = rt.locale(client, user, fallback=snapshot.group.locale)
    log.info("thread reply refused for %s: %s", user, error.key)
    rt.refuse(client, error=error, locale=locale, channel=channel, user=user, thread_ts=thread_ts)


def publish_home(rt: Runtime, team_id: str, user: str, client: WebClient) -> None:
    actor = rt.actor(team_id, user)
    with rt.ctx.uow() as uow:
        fallback = uow.workspaces.get(actor.workspace_id).locale
    locale = rt.locale(client, user, fallback=fallback)
    view = queries.overview(rt.ctx, actor=actor)
    health = [queries.group_health(rt.ctx, actor=actor, group_id=g.id or 0) for g in view.managed]
    card = overview_card(view, locale, health)
    client.views_publish(user_id=user, view=blocks.home_view(card))
