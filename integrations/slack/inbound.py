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


def delivery_key(body: Body) -> str | None:
    """The key of an inbound request that Slack might deliver twice: an event's
    ``team:event_id``, an interaction's ``team:trigger_id`` (or action_ts)."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"{body.get('team_id', '')}:{body['event_id']}"
    if body.get("type") == "block_actions":
        team = (body.get("team") or {}).get("id", "")
        actions = body.get("actions") or [{}]
        marker = body.get("trigger_id") or actions[0].get("action_ts")
        return f"{team}:action:{marker}" if marker else None
    return None


def team_of(body: Body) -> str:
    """The workspace of a request: the team the app is installed in."""
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    return str(team or (body.get("user") or {}).get("team_id") or "")


def user_of(body: Body) -> str:
    return str((body.get("user") or {}).get("id") or body.get("user_id") or "")


def channel_of(body: Body) -> str | None:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    return str(channel) if channel else None


def message_of(body: Body) -> str | None:
    """The message a button is on (``ts``), for the meeting it belongs to."""
    ts = (body.get("message") or {}).get("ts") or (body.get("container") or {}).get("message_ts")
    return str(ts) if ts else None


def submission_key(body: Body) -> str | None:
    """A form submission's key: the modal's id and its version (``hash``, which changes
    whenever the modal is updated). Slack sends a submission once; the same key again is a
    replay of the same signed request."""
    view = body.get("view") or {}
    if not (view.get("id") and view.get("hash")):
        return None
    return f"{team_of(body)}:view:{view['id']}:{view['hash']}"


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
