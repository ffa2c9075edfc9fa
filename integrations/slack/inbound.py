"""Reading Slack's payloads: who, where, which message, which inputs.

Pure functions over the JSON Slack sends (see the recorded payloads in
``tests/fixtures/slack``); nothing here decides what an interaction means.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Body = dict[str, Any]


def team_of(body: Body) -> str:
    """The workspace of a request: the team the app is installed in, found as Bolt finds
    it (``context.team_id``): in a Slack Connect channel the envelope's ``team_id`` is the
    host organisation, and our installation is ``authorizations[0].team_id``."""
    return str(_team_in(body) or "")


def _team_in(body: Body) -> Any:
    view = body.get("view")
    if isinstance(view, dict) and view.get("app_installed_team_id") is not None:
        return view["app_installed_team_id"]
    team = body.get("team")
    if team is not None:
        if isinstance(team, str):
            return team
        if "id" in team:
            return team.get("id")
    if body.get("authorizations"):
        return _team_in(body["authorizations"][0])
    if "team_id" in body:
        return body.get("team_id")
    for key in ("event", "user", "view"):
        if isinstance(body.get(key), dict):
            inner = body[key]
            return _team_in(inner) if key == "event" else inner.get("team_id")
    return None


def enterprise_of(body: Body) -> str | None:
    enterprise = body.get("enterprise")
    if isinstance(enterprise, dict):
        enterprise = enterprise.get("id")
    authorizations = body.get("authorizations") or [{}]
    found = enterprise or authorizations[0].get("enterprise_id") or body.get("enterprise_id")
    return str(found) if found else None


def user_of(body: Body) -> str:
    user = body.get("user")
    if isinstance(user, dict):
        user = user.get("id")
    return str(user or body.get("user_id") or "")


def channel_of(body: Body) -> str | None:
    channel = body.get("channel")
    if isinstance(channel, dict):
        channel = channel.get("id")
    channel = channel or (body.get("container") or {}).get("channel_id")
    return str(channel) if channel else None


def message_of(body: Body) -> str | None:
    """The message a button is on (``ts``), for the meeting it belongs to."""
    ts = (body.get("message") or {}).get("ts") or (body.get("container") or {}).get("message_ts")
    return str(ts) if ts else None


def form_state(view: dict[str, Any]) -> dict[str, str]:
    """What the modal carried (its ``private_metadata``); nothing when it is not ours."""
    try:
        found = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def form_values(view: dict[str, Any]) -> dict[str, Any]:
    """``view.state.values`` as the core's neutral ``{input id: value}``: text, option
    value(s), user(s), conversation, a moment as ISO 8601 (UTC), a date as ISO."""
    found: dict[str, Any] = {}
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
        epoch = element.get("selected_date_time")
        return datetime.fromtimestamp(int(epoch), UTC).isoformat() if epoch else None
    if kind == "datepicker":
        return element.get("selected_date")
    return element.get("value")


@dataclass(frozen=True)
class ThreadMessage:
    channel: str
    user: str
    text: str
    ts: str
    thread_ts: str
    edited: bool


def thread_message(event: dict[str, Any]) -> ThreadMessage | None:
    """A person's reply in a thread (or its edit), or None for anything else: channel
    messages, joins, bots (our own posts included), file shares."""
    subtype = event.get("subtype")
    if subtype == "message_changed":
        message, edited = event.get("message") or {}, True
    elif subtype is None:
        message, edited = event, False
    else:
        return None
    if message.get("bot_id") or message.get("subtype") or not message.get("user"):
        return None
    thread_ts, ts = message.get("thread_ts"), message.get("ts")
    if not thread_ts or not ts or thread_ts == ts:
        return None
    return ThreadMessage(
        channel=str(event.get("channel") or ""),
        user=str(message["user"]),
        text=str(message.get("text") or ""),
        ts=str(ts),
        thread_ts=str(thread_ts),
        edited=edited,
    )
