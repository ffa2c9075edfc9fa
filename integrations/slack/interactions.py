"""Buttons on the meeting's card and on the App Home: each calls its service; what follows
appears through the outbox. A refusal is explained privately."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from core.domain.errors import DomainError, NotFound, NotPossibleNow
from core.services import contributions, delivery, meetings, preparation, queries
from core.services.context import Actor
from core.views import actions as a
from core.views import forms
from integrations.slack import blocks
from integrations.slack.runtime import Runtime
from integrations.slack.threads import publish_home

MeetingAction = Callable[[Runtime, Actor, int, str, dict[str, Any], WebClient], None]


def _advance(rt: Runtime, actor: Actor, meeting_id: int, value: str, *_: Any) -> None:
    meetings.advance_phase(rt.ctx, actor=actor, meeting_id=meeting_id, expected_position=value)


def _start(rt: Runtime, actor: Actor, meeting_id: int, value: str, *_: Any) -> None:
    snapshot = queries.meeting_snapshot(rt.ctx, meeting_id=meeting_id, viewer=actor)
    meetings.start_meeting(rt.ctx, actor=actor, group_id=snapshot.group.id or 0)


def _extend(rt: Runtime, actor: Actor, meeting_id: int, *_: Any) -> None:
    meetings.extend_phase(rt.ctx, actor=actor, meeting_id=meeting_id)


def _pause(rt: Runtime, actor: Actor, meeting_id: int, *_: Any) -> None:
    meetings.pause_meeting(rt.ctx, actor=actor, meeting_id=meeting_id)


def _close(rt: Runtime, actor: Actor, meeting_id: int, *_: Any) -> None:
    meetings.close_meeting(rt.ctx, actor=actor, meeting_id=meeting_id)


def _report(rt: Runtime, actor: Actor, meeting_id: int, *_: Any) -> None:
    meetings.publish_report(rt.ctx, actor=actor, meeting_id=meeting_id)


def _choose(rt: Runtime, actor: Actor, meeting_id: int, value: str, *_: Any) -> None:
    if not value.isdigit():
        raise NotFound("case.not_found")
    meetings.choose_case(rt.ctx, actor=actor, meeting_id=meeting_id, case_id=int(value))


def _pass(rt: Runtime, actor: Actor, meeting_id: int, *_: Any) -> None:
    contributions.pass_turn(rt.ctx, actor=actor, meeting_id=meeting_id)


def _contribute_form(
    rt: Runtime, actor: Actor, meeting_id: int, value: str, body: dict[str, Any], client: WebClient
) -> None:
    snapshot = queries.meeting_snapshot(rt.ctx, meeting_id=meeting_id, viewer=actor)
    meeting, phase = snapshot.meeting, snapshot.meeting.phase
    if phase is None or value != meeting.position:
        raise NotPossibleNow("meeting.no_open_round")
    locale = rt.locale(client, actor.person, fallback=snapshot.group.locale)
    form = forms.contribute_form(
        meeting, phase, locale, as_case_owner=actor.person == meeting.case_owner
    )
    client.views_open(trigger_id=body["trigger_id"], view=blocks.modal(form))


def _case_form(
    rt: Runtime, actor: Actor, meeting_id: int, value: str, body: dict[str, Any], client: WebClient
) -> None:
    snapshot = queries.meeting_snapshot(rt.ctx, meeting_id=meeting_id, viewer=actor)
    locale = rt.locale(client, actor.person, fallback=snapshot.group.locale)
    form = forms.case_form(snapshot.group, locale)
    client.views_open(trigger_id=body["trigger_id"], view=blocks.modal(form))


MEETING_ACTIONS: dict[str, MeetingAction] = {
    a.MEETING_START: _start,
    a.MEETING_ADVANCE: _advance,
    a.MEETING_EXTEND: _extend,
    a.MEETING_PAUSE: _pause,
    a.MEETING_CLOSE: _close,
    a.MEETING_REPORT: _report,
    a.MEETING_CHOOSE_CASE: _choose,
    a.MEETING_PASS: _pass,
    a.MEETING_CONTRIBUTE: _contribute_form,
    a.CASE_OPEN_FORM: _case_form,
}


def register(bolt: App, rt: Runtime) -> None:
    for action_id, run in MEETING_ACTIONS.items():
        bolt.action(action_id)(_meeting_listener(rt, run))

    @bolt.action(a.TASK_DONE)
    def on_task_done(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        team, user = _who(body)
        actor = rt.actor(team, user)
        try:
            preparation.complete_task(rt.ctx, actor=actor, task_id=_value(body))
        except DomainError as error:
            rt.refuse(client, error=error, locale=rt.locale(client, user), channel=None, user=user)
        if body.get("view", {}).get("type") == "home":
            publish_home(rt, team, user, client)

    @bolt.action(a.GOALS_OPEN_FORM)
    def on_goals(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        team, user = _who(body)
        actor = rt.actor(team, user)
        view = queries.overview(rt.ctx, actor=actor)
        if not view.groups:
            return
        group = view.groups[0]
        mine = [g for g in view.goals if g.group_id == group.id]
        locale = rt.locale(client, user, fallback=group.locale)
        form = forms.goal_form(group, locale, mine[-1] if mine else None)
        client.views_open(trigger_id=body["trigger_id"], view=blocks.modal(form))


def _meeting_listener(rt: Runtime, run: MeetingAction) -> Callable[..., None]:
    def listener(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        team, user = _who(body)
        actor = rt.actor(team, user)
        channel = (body.get("channel") or {}).get("id")
        ts = (body.get("message") or {}).get("ts") or (body.get("container") or {}).get(
            "message_ts"
        )
        meeting_id = (
            delivery.meeting_of_thread(rt.ctx, channel=channel, ref=ts) if channel and ts else None
        )
        try:
            if meeting_id is None:
                raise NotFound("meeting.not_found")
            run(rt, actor, meeting_id, _value(body), body, client)
        except DomainError as error:
            locale = rt.locale(client, user)
            rt.refuse(client, error=error, locale=locale, channel=channel, user=user)

    return listener


def _who(body: dict[str, Any]) -> tuple[str, str]:
    user = body.get("user") or {}
    team = (body.get("team") or {}).get("id") or user.get("team_id") or ""
    return str(team), str(user.get("id", ""))


def _value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value", ""))
