"""Reading Slack's payloads: what shape they must have, who, where, which message, which
inputs.

``check`` validates a request body against small pydantic models of the fields Bolt's
context and our listeners read (see the recorded payloads in ``tests/fixtures/slack``):
ids that look like Slack ids, timestamps that are timestamps, objects where objects belong.
``SlackGate`` answers 400 for a body that fails it, before Bolt parses anything, so the
readers below meet only well-formed payloads. Nothing here decides what an interaction
means.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

Body = dict[str, Any]

SlackId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{0,64}$")]
"""A Slack id (``T0TEAM0001``, ``U0MEMBER01``, ``C0GROUP001``): letters and digits."""
Ts = Annotated[str, Field(pattern=r"^[0-9]{1,12}(\.[0-9]{1,9})?$")]
"""A message timestamp (``1700000001.000001``): a message's id in its channel."""
Token = Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,128}$")]
"""A trigger id or an event id (short enough that a dedupe key made of one fits)."""
URL = Annotated[str, Field(max_length=2048, pattern=r"^https?://[\x21-\x7e]+$")]
Word = Annotated[str, Field(max_length=255)]
Epoch = Annotated[StrictInt, Field(ge=0, le=32503680000)]
"""A moment picked (``datetimepicker``): seconds since 1970, before the year 3000."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class Ref(_Model):
    """``{"id": ...}``: a team, channel, user or enterprise as an object."""

    id: SlackId | None = None
    team_id: SlackId | None = None
    enterprise_id: SlackId | None = None


NOT_NULL = ("event", "response_urls", "authorizations")
"""Keys Bolt reads without a null check (``body.get("event", {}).get(...)``)."""


class Scope(_Model):
    """The keys Bolt's context extraction (``slack_bolt.request.internals``) reads at every
    level it descends into: the body, ``authorizations[0]``, ``event`` and the message,
    previous message or item in it."""

    team: SlackId | Ref | None = None
    team_id: SlackId | None = None
    enterprise: SlackId | Ref | None = None
    enterprise_id: SlackId | None = None
    user: SlackId | Ref | None = None
    user_id: SlackId | None = None
    channel: SlackId | Ref | None = None
    channel_id: SlackId | None = None
    thread_ts: Ts | None = None
    authorizations: list[Scope] | None = None
    event: Event | None = None
    message: Message | None = None
    previous_message: Message | None = None
    item: Scope | None = None
    assistant_thread: Scope | None = None
    function_data: dict[str, Any] | None = None
    view: View | None = None

    @model_validator(mode="before")
    @classmethod
    def _present_means_not_null(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in NOT_NULL:
                if key in data and data[key] is None:
                    raise ValueError(f"{key} is null")
        return data


class Message(Scope):
    """A message as events and clicks carry it (``event.message``, ``previous_message``)."""

    type: Word | None = None
    subtype: Word | None = None
    user: SlackId | None = None
    team: SlackId | None = None
    channel: SlackId | None = None
    bot_id: SlackId | None = None
    text: str | None = None
    ts: Ts | None = None


class Event(Message):
    type: Word
    user_team: SlackId | None = None
    tab: Word | None = None
    event_ts: Ts | None = None


class Option(_Model):
    value: Word


class Element(_Model):
    """An input's state in a submitted modal (``view.state.values``)."""

    type: Word
    value: str | None = None
    selected_option: Option | None = None
    selected_options: list[Option] | None = None
    selected_users: list[SlackId] | None = None
    selected_user: SlackId | None = None
    selected_conversation: SlackId | None = None
    selected_channel: SlackId | None = None
    selected_date_time: Epoch | None = None
    selected_date: Annotated[str, Field(max_length=10)] | None = None


class State(_Model):
    values: dict[str, dict[str, Element]] = Field(default_factory=dict)


class View(_Model):
    id: SlackId | None = None
    type: Word | None = None
    team_id: SlackId | None = None
    app_installed_team_id: SlackId | None = None
    callback_id: Word = ""
    private_metadata: Annotated[str, Field(max_length=3000)] = ""
    state: State = Field(default_factory=State)


class Container(_Model):
    type: Word | None = None
    message_ts: Ts | None = None
    channel_id: SlackId | None = None
    thread_ts: Ts | None = None


class Action(_Model):
    action_id: Word
    block_id: Word | None = None
    type: Word | None = None
    value: Annotated[str, Field(max_length=2000)] | None = None
    action_ts: Ts | None = None


class ResponseUrl(_Model):
    response_url: URL | None = None


class Payload(Scope):
    """Every request Slack sends, whatever its kind: the fields Bolt's context (team,
    enterprise, user, channel, thread, response URL) and our listeners read, typed; what a
    kind needs (a command's user, a click's action, a submission's view) required."""

    type: Word | None = None
    command: Word | None = None
    text: str | None = None
    context_team_id: SlackId | None = None
    context_enterprise_id: SlackId | None = None
    is_ext_shared_channel: bool | str | None = None
    event_id: Token | None = None
    container: Container | None = None
    actions: list[Action] | None = None
    trigger_id: Token | None = None
    response_url: URL | None = None
    response_urls: list[ResponseUrl] | None = None

    @model_validator(mode="after")
    def _what_each_kind_needs(self) -> Payload:
        if self.command is not None and not (self.user_id and self.team_id):
            raise ValueError("a slash command names its user_id and team_id")
        if self.type == "block_actions" and not (self.actions and _id_of(self.user)):
            raise ValueError("a click names its user and its action")
        if self.type in ("view_submission", "view_closed") and not (
            self.view and _id_of(self.user)
        ):
            raise ValueError("a submission names its user and its view")
        if self.type == "event_callback" and self.event is None:
            raise ValueError("an event callback carries its event")
        if self.event is not None and self.event.type == "app_home_opened" and not self.event.user:
            raise ValueError("app_home_opened names its user")
        return self


def _id_of(value: str | Ref | None) -> str | None:
    return value.id if isinstance(value, Ref) else value


def check(body: object) -> Payload:
    """``body`` as a ``Payload``, or ``ValueError`` (a pydantic ``ValidationError`` is one)
    saying what is wrong with it."""
    if not isinstance(body, dict):
        raise ValueError("the body is not an object")
    return Payload.model_validate(body)


def problem(error: Exception) -> str:
    """The reason to log for a refused body: the first field and what is wrong with it."""
    errors = getattr(error, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "body"
        return f"{where}: {first.get('msg', 'invalid')}"[:300]
    return str(error)[:300]


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
    except (ValueError, RecursionError):
        return {}
    if not isinstance(found, dict):
        return {}
    kept = {k: v for k, v in found.items() if isinstance(v, str | int) and not isinstance(v, bool)}
    return {str(k): str(v) for k, v in kept.items()}


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


REPLY_SUBTYPES = (None, "thread_broadcast")
"""A person's reply in a thread: plain, or also sent to the channel ("Also send to
#channel": PLATFORMS.md, count it)."""


@dataclass(frozen=True)
class ThreadMessage:
    channel: str
    user: str
    text: str
    ts: str
    thread_ts: str
    edited: bool
    deleted: bool = False


def thread_message(event: dict[str, Any]) -> ThreadMessage | None:
    """A person's reply in a thread, also one sent to the channel as well (or its edit, or
    its deletion: ``message_deleted`` names it in ``previous_message``), or None for
    anything else: channel messages, joins, bots (our own posts included), file shares."""
    subtype = event.get("subtype")
    deleted = subtype == "message_deleted"
    if deleted:
        message, edited = event.get("previous_message") or {}, False
    elif subtype == "message_changed":
        message, edited = event.get("message") or {}, True
    elif subtype in REPLY_SUBTYPES:
        message, edited = event, False
    else:
        return None
    if message.get("bot_id") or message.get("subtype") not in REPLY_SUBTYPES:
        return None
    if not message.get("user"):
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
        deleted=deleted,
    )
