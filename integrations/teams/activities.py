"""Who and where an activity is from: the mapping from Teams' wire format to core refs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

_MENTION = re.compile(r"<at[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


class Account(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    id: str = ""
    name: str | None = None
    aad_object_id: str | None = Field(default=None, alias="aadObjectId")


class Conversation(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    id: str = ""
    conversation_type: str | None = Field(default=None, alias="conversationType")
    tenant_id: str | None = Field(default=None, alias="tenantId")


class Activity(BaseModel):
    """The fields of a Bot Framework activity this adapter reads (the rest is kept)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    type: str
    id: str = ""
    name: str | None = None
    channel_id: str = Field(default="", alias="channelId")
    service_url: str = Field(default="", alias="serviceUrl")
    from_: Account = Field(default_factory=Account, alias="from")
    recipient: Account = Field(default_factory=Account)
    conversation: Conversation = Field(default_factory=Conversation)
    text: str | None = None
    value: Any = None
    locale: str | None = None
    local_timezone: str | None = Field(default=None, alias="localTimezone")
    reply_to_id: str | None = Field(default=None, alias="replyToId")
    channel_data: dict[str, Any] = Field(default_factory=dict, alias="channelData")
    members_added: list[Account] = Field(default_factory=list, alias="membersAdded")
    members_removed: list[Account] = Field(default_factory=list, alias="membersRemoved")

    @property
    def tenant(self) -> str:
        tenant = self.channel_data.get("tenant") or {}
        return str(tenant.get("id") or self.conversation.tenant_id or "")

    @property
    def person(self) -> str:
        """The Entra object id: the person ref core knows (DESIGN.md)."""
        return self.from_.aad_object_id or self.from_.id

    @property
    def channel(self) -> str | None:
        """The team channel (``19:…@thread.tacv2``) the activity came from, if any."""
        channel = self.channel_data.get("channel") or {}
        if channel.get("id"):
            return str(channel["id"])
        if self.conversation.conversation_type == "channel":
            return self.conversation.id.split(";")[0]
        return None

    @property
    def personal(self) -> bool:
        return self.conversation.conversation_type in (None, "personal")

    @property
    def thread_root(self) -> str | None:
        """The root message id when the activity is in a channel thread."""
        _, marker, root = self.conversation.id.partition(";messageid=")
        return root or None if marker else None

    @property
    def plain_text(self) -> str:
        """The message without the bot's ``<at>`` mention and without markup."""
        text = _MENTION.sub(" ", self.text or "")
        return " ".join(_TAGS.sub(" ", text).replace("&nbsp;", " ").split())


@dataclass(frozen=True)
class Invoke:
    verb: str
    data: dict[str, Any]


def invoke_of(activity: Activity) -> Invoke | None:
    """The ``Action.Execute`` of an ``adaptiveCard/action`` invoke."""
    if activity.type != "invoke" or activity.name != "adaptiveCard/action":
        return None
    value = activity.value if isinstance(activity.value, dict) else {}
    action = value.get("action") or {}
    raw = action.get("data")
    data: dict[str, Any] = dict(raw) if isinstance(raw, dict) else {}
    return Invoke(verb=str(action.get("verb") or ""), data=data)


def reference_of(activity: Activity, bot_id: str) -> dict[str, Any]:
    """What we keep to reach this person privately later."""
    data: dict[str, Any] = {
        "service_url": activity.service_url,
        "tenant_id": activity.tenant,
        "user_id": activity.from_.id,
        "aad_object_id": activity.from_.aad_object_id,
        "name": activity.from_.name,
        "bot_id": activity.recipient.id or bot_id,
    }
    if activity.personal:
        data["personal_conversation_id"] = activity.conversation.id
    return data


DATE_SUFFIX, TIME_SUFFIX = "__date", "__time"
"""A moment is two inputs on a card (``Input.Date`` and ``Input.Time``): ``<id>__date``."""


def form_values(data: dict[str, Any]) -> dict[str, Any]:
    """A submitted card's inputs as the core reads them: a moment's date and time joined
    into ISO 8601 without an offset (the person's own time zone)."""
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name.endswith(DATE_SUFFIX):
            base = name.removesuffix(DATE_SUFFIX)
            clock = str(data.get(base + TIME_SUFFIX) or "09:00")
            values[base] = f"{value}T{clock}" if value else ""
        elif not name.endswith(TIME_SUFFIX):
            values[name] = value
    return values
