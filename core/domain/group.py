"""An intervision group: a small fixed set of peers in a home channel."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from core.domain.common import (
    MAX_LONG_TEXT,
    MAX_TITLE,
    ChannelRef,
    Locale,
    PersonRef,
    clean_text,
)
from core.domain.errors import InvalidInput, NotPossibleNow

MIN_EXPECTED_MEMBERS = 4
MAX_EXPECTED_MEMBERS = 8
MAX_MEMBERS = 20


class Role(StrEnum):
    MEMBER = "member"
    FACILITATOR = "facilitator"
    MANAGER = "manager"


class Mode(StrEnum):
    LIVE = "live"
    ASYNC = "async"


class Cadence(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    FOUR_WEEKLY = "four_weekly"
    MONTHLY = "monthly"
    SIX_WEEKLY = "six_weekly"
    AD_HOC = "ad_hoc"


class Group(BaseModel):
    id: int | None = None
    workspace_id: int
    name: str
    channel: ChannelRef
    members: list[PersonRef] = Field(default_factory=list)
    """In the order they joined; the turn order rotates over this list."""
    facilitator: PersonRef | None = None
    managers: list[PersonRef] = Field(default_factory=list)
    rotating_chair: bool = False
    method_id: str = "incident"
    cadence: Cadence = Cadence.MONTHLY
    ground_rules: str = ""
    mode: Mode = Mode.LIVE
    locale: Locale = "nl"
    version: int = 0

    @classmethod
    def create(
        cls,
        *,
        workspace_id: int,
        name: str,
        channel: ChannelRef,
        members: list[PersonRef],
        facilitator: PersonRef | None = None,
        managers: list[PersonRef] | None = None,
        method_id: str = "incident",
        cadence: Cadence = Cadence.MONTHLY,
        mode: Mode = Mode.LIVE,
        locale: Locale = "nl",
        rotating_chair: bool = False,
        ground_rules: str = "",
    ) -> Group:
        unique = list(dict.fromkeys(m.strip() for m in members if m.strip()))
        if len(unique) > MAX_MEMBERS:
            raise InvalidInput("error.too_many_members", limit=MAX_MEMBERS)
        if not channel.strip():
            raise InvalidInput("error.text_required", field="channel")
        return cls(
            workspace_id=workspace_id,
            name=clean_text(name, field="name", limit=MAX_TITLE),
            channel=channel.strip(),
            members=unique,
            facilitator=facilitator or None,
            managers=list(dict.fromkeys(managers or [])),
            method_id=method_id,
            cadence=cadence,
            mode=mode,
            locale=locale,
            rotating_chair=rotating_chair,
            ground_rules=clean_text(
                ground_rules, field="ground_rules", limit=MAX_LONG_TEXT, required=False
            ),
        )

    def size_warning(self) -> str | None:
        """A catalogue key when the group is outside the 4-8 members intervision expects."""
        if len(self.members) < MIN_EXPECTED_MEMBERS:
            return "group.warning_small"
        if len(self.members) > MAX_EXPECTED_MEMBERS:
            return "group.warning_large"
        return None

    def roles_of(self, person: PersonRef) -> set[Role]:
        roles: set[Role] = set()
        if person in self.members:
            roles.add(Role.MEMBER)
        if person == self.facilitator:
            roles.add(Role.FACILITATOR)
        if person in self.managers:
            roles.add(Role.MANAGER)
        return roles

    def is_member(self, person: PersonRef) -> bool:
        return person in self.members

    def is_involved(self, person: PersonRef) -> bool:
        """Members and the facilitator share the group's confidential space."""
        return person in self.members or person == self.facilitator

    def add_member(self, person: PersonRef) -> None:
        if person in self.members:
            raise NotPossibleNow("group.already_member")
        if len(self.members) >= MAX_MEMBERS:
            raise InvalidInput("error.too_many_members", limit=MAX_MEMBERS)
        self.members.append(person)

    def remove_member(self, person: PersonRef) -> None:
        if person not in self.members:
            raise NotPossibleNow("group.not_a_member")
        self.members.remove(person)

    def set_facilitator(self, person: PersonRef | None) -> None:
        self.facilitator = person

    def forget(self, person: PersonRef) -> set[Role]:
        """The person is erased: they leave the group in every role; returns those roles."""
        roles = self.roles_of(person)
        self.members = [p for p in self.members if p != person]
        self.managers = [p for p in self.managers if p != person]
        if self.facilitator == person:
            self.facilitator = None
        return roles

    def chair_for(self, sequence: int) -> PersonRef | None:
        """The chair of the n-th meeting: rotating over members, else the facilitator."""
        if self.rotating_chair and self.members:
            return self.members[sequence % len(self.members)]
        return self.facilitator
