"""Slack's requests -> the core's entry points -> the reply on a Slack surface.

Each listener only translates: who and where (``inbound``), the command text, the
button's action id and value, the modal's inputs, or the thread message; what that
means and what is allowed is decided in ``core.interactions``.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from core import interactions
from integrations.slack import blocks, inbound, text
from integrations.slack.runtime import Runtime, answer_deadline, log

SLASH_COMMANDS = ("/intervision", "/intervisie")
ANY = re.compile(r".+")
MEMBERSHIP_EVENTS = ("member_joined_channel", "member_left_channel")


def register(bolt: App, rt: Runtime) -> None:
    def on_command(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()  # slash commands are never delivered twice
        who = rt.who(
            client, team=inbound.team_of(body), user=body["user_id"], channel=body.get("channel_id")
        )
        slash = str(body.get("command") or SLASH_COMMANDS[0])
        typed = text.decode(str(body.get("text") or ""))
        reply = interactions.command(rt.ctx, who, typed, slash=slash)
        rt.show(
            client, who, reply, trigger_id=body.get("trigger_id"), respond=respond, invoked_as=slash
        )

    for name in SLASH_COMMANDS:
        bolt.command(name)(on_command)

    @bolt.action(ANY)
    def on_action(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        action = (body.get("actions") or [{}])[0]
        channel = inbound.channel_of(body)
        who = rt.who(
            client,
            team=inbound.team_of(body),
            user=inbound.user_of(body),
            channel=channel,
            message=inbound.message_of(body),
        )
        reply = interactions.action(
            rt.ctx,
            who,
            str(action.get("action_id", "")),
            str(action.get("value", "")),
            guard=_once(body),
        )
        rt.show(client, who, reply, trigger_id=body.get("trigger_id"), channel=channel)
        if (body.get("view") or {}).get("type") == "home":
            rt.publish_home(client, who, interactions.command(rt.ctx, who, "home"))

    @bolt.view(ANY)
    def on_submission(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        state = inbound.form_state(view)
        language = state.pop(blocks.LANGUAGE_KEY, None)
        who = rt.who(
            client, team=inbound.team_of(body), user=inbound.user_of(body), language=language
        )
        reply = interactions.submit(
            rt.ctx,
            who,
            str(view.get("callback_id", "")),
            state,
            inbound.form_values(view),
            guard=interactions.RequestGuard(
                "slack",
                key=inbound.submission_key(body),  # a replayed submission changes nothing
                deadline=answer_deadline(context),  # nothing lands after Slack gave up waiting
            ),
        )
        errors = interactions.field_errors(reply)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        rt.show(client, who, reply)

    @bolt.event("message")
    def on_message(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        message = inbound.thread_message(event)
        if message is None:
            return
        team = inbound.team_of(body)
        who = rt.who(
            client, team=team, user=message.user, channel=message.channel, message=message.thread_ts
        )
        said = text.decode(message.text, lambda user: rt.name(client, team, user))
        reply = interactions.thread_message(
            rt.ctx,
            who,
            said,
            source_ref=message.ts,
            edited=message.edited,
            deleted=message.deleted,
            guard=_once(body),
        )
        if reply is not None:
            log.debug("thread message %s in %s: %s", message.ts, message.channel, reply)
            rt.show(client, who, reply, channel=message.channel, thread_ts=message.thread_ts)

    def on_membership(body: dict[str, Any], event: dict[str, Any]) -> None:
        """Someone joined or left a channel: its group looks again at who can read it."""
        who = interactions.Who(
            interactions.Platform.SLACK,
            workspace=inbound.team_of(body),
            person=str(event.get("user") or ""),
            channel=str(event.get("channel") or "") or None,
        )
        if who.channel is not None:
            interactions.channel_changed(rt.ctx, who)

    for name in MEMBERSHIP_EVENTS:
        bolt.event(name)(on_membership)

    @bolt.event("app_home_opened")
    def on_home(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        who = rt.who(client, team=inbound.team_of(body), user=str(event["user"]))
        rt.publish_home(client, who, interactions.command(rt.ctx, who, "home"))


def _once(body: dict[str, Any]) -> interactions.RequestGuard:
    """Slack may deliver an event or a click again: its key is recorded with its effect."""
    return interactions.RequestGuard("slack", key=inbound.delivery_key(body))
