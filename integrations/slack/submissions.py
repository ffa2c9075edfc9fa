"""Modal submissions: read the inputs back (ids from core.views.actions), call the
service, and answer invalid input with ``response_action: errors`` on the right block."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from core.domain.errors import DomainError, InvalidInput
from core.domain.goals import Criterion
from core.domain.group import Cadence, Mode
from core.domain.method import ContributionKind
from core.i18n import error_text, normalise_locale, t
from core.services import contributions, groups, meetings, preparation
from core.services.context import Actor
from core.views import actions as a
from integrations.slack import screens
from integrations.slack.runtime import Runtime

Values = dict[str, Any]
Confirmation = tuple[str, dict[str, Any]] | None
Submit = Callable[[Runtime, Actor, dict[str, str], Values], Confirmation]
"""Runs the service; returns a catalogue key and its parameters to confirm privately."""

FIRST_INPUT = {
    a.FORM_CASE: a.INPUT_TITLE,
    a.FORM_GOAL: a.INPUT_GOAL,
    a.FORM_GROUP: a.INPUT_NAME,
    a.FORM_SCHEDULE: a.INPUT_WHEN,
    a.FORM_CONTRIBUTE: a.INPUT_TEXT,
}


def read_values(view: dict[str, Any]) -> Values:
    """``view.state.values`` as ``{input id: value}`` (text, option value(s), user(s),
    conversation, epoch seconds or ISO date)."""
    found: Values = {}
    for block_id, elements in (view.get("state") or {}).get("values", {}).items():
        for element in elements.values():
            found[block_id] = _value_of(element)
    return found


def _value_of(element: dict[str, Any]) -> Any:
    kind = element.get("type")
    if kind == "plain_text_input":
        return element.get("value") or ""
    if kind == "static_select":
        return (element.get("selected_option") or {}).get("value")
    if kind == "checkboxes":
        return [o["value"] for o in element.get("selected_options") or []]
    if kind == "multi_users_select":
        return list(element.get("selected_users") or [])
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "conversations_select":
        return element.get("selected_conversation")
    if kind == "channels_select":
        return element.get("selected_channel")
    if kind == "datetimepicker":
        return element.get("selected_date_time")
    if kind == "datepicker":
        return element.get("selected_date")
    return element.get("value")


def _case(rt: Runtime, actor: Actor, state: dict[str, str], v: Values) -> Confirmation:
    case = preparation.submit_case(
        rt.ctx,
        actor=actor,
        group_id=int(state["group_id"]),
        title=v.get(a.INPUT_TITLE, ""),
        help_question=v.get(a.INPUT_HELP_QUESTION, ""),
        description=v.get(a.INPUT_DESCRIPTION, ""),
        consent_to_report="yes" in (v.get(a.INPUT_CONSENT) or []),
    )
    return "case.submitted", {"title": case.title}


def _goal(rt: Runtime, actor: Actor, state: dict[str, str], v: Values) -> Confirmation:
    deadline = v.get(a.INPUT_DEADLINE)
    preparation.set_learning_goal(
        rt.ctx,
        actor=actor,
        group_id=int(state["group_id"]),
        text=v.get(a.INPUT_GOAL, ""),
        where_and_when=v.get(a.INPUT_WHERE_WHEN, ""),
        deadline=date.fromisoformat(deadline) if deadline else None,
        ticked=[Criterion(c) for c in v.get(a.INPUT_CRITERIA) or []],
        goal_id=state.get("goal_id"),
    )
    return "goal.saved", {}


def _group(rt: Runtime, actor: Actor, state: dict[str, str], v: Values) -> Confirmation:
    created = groups.create_group(
        rt.ctx,
        actor=actor,
        name=v.get(a.INPUT_NAME, ""),
        channel=v.get(a.INPUT_CHANNEL) or "",
        members=list(v.get(a.INPUT_MEMBERS) or []),
        facilitator=v.get(a.INPUT_FACILITATOR),
        method_id=v.get(a.INPUT_METHOD) or "incident",
        cadence=Cadence(v.get(a.INPUT_CADENCE) or Cadence.MONTHLY.value),
        mode=Mode(v.get(a.INPUT_MODE) or Mode.LIVE.value),
        locale=normalise_locale(v.get(a.INPUT_LOCALE)),
    )
    return "group.created", {"name": created.group.name}


def _schedule(rt: Runtime, actor: Actor, state: dict[str, str], v: Values) -> Confirmation:
    when = v.get(a.INPUT_WHEN)
    if when is None:
        raise InvalidInput("slack.when_required")
    at = datetime.fromtimestamp(int(when), UTC)
    if state.get("meeting_id"):
        meetings.reschedule_meeting(rt.ctx, actor=actor, meeting_id=int(state["meeting_id"]), at=at)
    else:
        meetings.schedule_meeting(
            rt.ctx,
            actor=actor,
            group_id=int(state["group_id"]),
            at=at,
            method_id=v.get(a.INPUT_METHOD),
        )
    return None


def _contribute(rt: Runtime, actor: Actor, state: dict[str, str], v: Values) -> Confirmation:
    kind = v.get(a.INPUT_KIND)
    contributions.contribute(
        rt.ctx,
        actor=actor,
        meeting_id=int(state["meeting_id"]),
        text=v.get(a.INPUT_TEXT, ""),
        kind=ContributionKind(kind) if kind else None,
    )
    return None


SUBMISSIONS: dict[str, Submit] = {
    a.FORM_CASE: _case,
    a.FORM_GOAL: _goal,
    a.FORM_GROUP: _group,
    a.FORM_SCHEDULE: _schedule,
    a.FORM_CONTRIBUTE: _contribute,
}


def register(bolt: App, rt: Runtime) -> None:
    for callback_id, run in SUBMISSIONS.items():
        bolt.view(callback_id)(_listener(rt, callback_id, run))


def _listener(rt: Runtime, callback_id: str, run: Submit) -> Callable[..., None]:
    def listener(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        team = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
        actor = rt.actor(team, user)
        state = json.loads(view.get("private_metadata") or "{}")
        values = read_values(view)
        try:
            confirmation = run(rt, actor, state, values)
        except DomainError as error:
            block = _block_of(callback_id, error, values)
            text = error_text(error, rt.locale(client, user))
            ack(response_action="errors", errors={block: text})
            return
        ack()
        if confirmation is not None:
            key, params = confirmation
            text = t(key, rt.locale(client, user), **params)
            rt.tell(client, channel=None, user=user, card=screens.line(text))

    return listener


def _block_of(callback_id: str, error: DomainError, values: Values) -> str:
    """The input the error is about (``field`` of an InvalidInput), else the form's first."""
    field = str(error.params.get("field", ""))
    if isinstance(error, InvalidInput) and field in values:
        return field
    return FIRST_INPUT[callback_id]
