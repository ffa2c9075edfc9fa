"""Who and where an activity is from: the mapping from Teams' wire format to core refs.

The models type every field this adapter reads: an activity whose ids are not ids
(control characters, over 200 characters, an object where text belongs) fails
validation and is answered 400 at the edge (``integrations.teams.Endpoint``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from core.interactions import is_ref, strip_control
from integrations.teams.text import decode

_AT = re.compile(r"</?at[^>]*>", re.IGNORECASE)


def _ref(value: str) -> str:
    if value and not is_ref(value):
        raise ValueError("not an id: too long, or with spaces or control characters")
    return value


Ref = Annotated[str, AfterValidator(_ref)]
"""A Teams id (person, conversation, tenant, activity): empty when absent."""
Name = Annotated[str, AfterValidator(strip_control)]
"""A display name: whatever a person typed, without control characters."""
Word = Annotated[str, Field(max_length=64), AfterValidator(_ref)]
"""A short protocol word: an activity type, a channel id, an invoke name."""


def _hint(value: object) -> str | None:
    return value if isinstance(value, str) and len(value) <= 64 and is_ref(value) else None


Hint = Annotated[str | None, BeforeValidator(_hint)]
"""What a client says of its person (locale, time zone): dropped when it is not a word;
the core falls back to the person's or the workspace's own."""
URL = Annotated[str, Field(max_length=2048, pattern=r"^(https?://[\x21-\x7e]+)?$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Account(_Model):
    id: Ref = ""
    name: Name | None = None
    aad_object_id: Ref | None = Field(default=None, alias="aadObjectId")


class Conversation(_Model):
    id: Ref = ""
    conversation_type: Word | None = Field(default=None, alias="conversationType")
    tenant_id: Ref | None = Field(default=None, alias="tenantId")


class Named(_Model):
    """``{"id": ...}`` in ``channelData``: the tenant, the team, the channel."""

    id: Ref | None = None


class ChannelData(_Model):
    tenant: Named | None = None
    team: Named | None = None
    channel: Named | None = None


class Entity(_Model):
    """An entity of the activity; a ``mention`` names who its ``<at>`` text is."""

    type: str = ""
    text: str | None = None
    mentioned: Account | None = None


class Activity(_Model):
    """The fields of a Bot Framework activity this adapter reads (the rest is kept)."""

    type: Word
    id: Ref = ""
    name: Word | None = None
    channel_id: Word = Field(default="", alias="channelId")
    service_url: URL = Field(default="", alias="serviceUrl")
    from_: Account = Field(default_factory=Account, alias="from")
    recipient: Account = Field(default_factory=Account)
    conversation: Conversation = Field(default_factory=Conversation)
    text: str | None = None
    value: Any = None
    action: Word | None = None
    locale: Hint = None
    local_timezone: Hint = Field(default=None, alias="localTimezone")
    reply_to_id: Ref | None = Field(default=None, alias="replyToId")
    channel_data: ChannelData = Field(default_factory=ChannelData, alias="channelData")
    members_added: list[Account] = Field(default_factory=list, alias="membersAdded")
    members_removed: list[Account] = Field(default_factory=list, alias="membersRemoved")
    entities: list[Entity] = Field(default_factory=list)

    @property
    def tenant(self) -> str:
        tenant = self.channel_data.tenant
        return (tenant.id if tenant else None) or self.conversation.tenant_id or ""

    @property
    def tenants(self) -> set[str]:
        """Every tenant the activity names (``channelData`` and ``conversation`` should agree)."""
        named = (self.channel_data.tenant.id if self.channel_data.tenant else None,)
        return {t for t in (*named, self.conversation.tenant_id) if t}

    @property
    def team_id(self) -> str | None:
        team = self.channel_data.team
        return team.id if team else None

    @property
    def installs_the_bot(self) -> bool:
        """The app installed, or the bot added to a conversation: Teams vouches that the
        app is installed in this activity's tenant."""
        if self.type == "installationUpdate":
            return (self.action or "add").startswith("add")
        bot = self.recipient.id
        return self.type == "conversationUpdate" and any(m.id == bot for m in self.members_added)

    @property
    def person(self) -> str:
        """The Entra object id: the person ref core knows (DESIGN.md)."""
        return self.from_.aad_object_id or self.from_.id

    @property
    def channel(self) -> str | None:
        """The team channel (``19:…@thread.tacv2``) the activity came from, if any."""
        channel = self.channel_data.channel
        if channel and channel.id:
            return channel.id
        if self.conversation.conversation_type == "channel":
            return self.conversation.id.split(";")[0] or None
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
        """The message as the person read it (``integrations.teams.text``): without the
        bot's own ``<at>`` mention, colleagues' names kept, markup and entities decoded."""
        bot = {
            _AT.sub("", entity.text or "").strip()
            for entity in self.entities
            if entity.type == "mention"
            and entity.mentioned
            and entity.mentioned.id == self.recipient.id
        }
        if self.recipient.name:
            bot.add(self.recipient.name)
        return decode(self.text or "", bot_names=frozenset(bot))


@dataclass(frozen=True)
class Invoke:
    verb: str
    data: dict[str, Any]


def invoke_of(activity: Activity) -> Invoke | None:
    """The ``Action.Execute`` of an ``adaptiveCard/action`` invoke."""
    if activity.type != "invoke" or activity.name != "adaptiveCard/action":
        return None
    value = activity.value if isinstance(activity.value, dict) else {}
    found = value.get("action")
    action: dict[str, Any] = found if isinstance(found, dict) else {}
    raw = action.get("data")
    data: dict[str, Any] = dict(raw) if isinstance(raw, dict) else {}
    verb = action.get("verb")
    return Invoke(verb=verb if isinstance(verb, str) else "", data=data)


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
