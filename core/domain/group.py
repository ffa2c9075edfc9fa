"""An intervision group: a small fixed set of peers in a home channel."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from pydantic import Field

from core.domain.common import (
    MAX_LONG_TEXT,
    MAX_TITLE,
    ChannelRef,
    Locale,
    PersonRef,
    clean_text,
)
from core.domain.errors import InvalidInput, NotPossibleNow
from core.domain.events import (
    Aggregate,
    ChannelCleared,
    ChannelMembershipChanged,
    ChannelShared,
    ChannelUnknown,
    GroupCreated,
)
from core.domain.tasks import DUE_OFFSET, TaskKind

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


class ChannelStatus(StrEnum):
    """Whether the group's channel may show case content (DESIGN 6: only to the group)."""

    UNCHECKED = "unchecked"  # not looked at yet: nothing of a case is shown there
    PRIVATE = "private"  # only members and the facilitator are in it
    SHARED = "shared"  # others are in it too: cases stay out of it
    ACCEPTED = "accepted"  # others are in it, and the facilitator accepted exactly them


MAX_ASYNC_DAYS = 14
MAX_TASK_OFFSET_DAYS = 60
MINUTES_PER_DAY = 10
"""Async mode: a phase of the method's 10 minutes is open for a day (20 minutes: two)."""


def phase_days(minutes: int, days: int | None = None) -> int:
    """How many days an async phase is open: ``days`` when the group set it, else the
    method's minutes scaled (at least one day)."""
    return days or max(1, -(-minutes // MINUTES_PER_DAY))


class Group(Aggregate):
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
    async_days: int | None = Field(default=None, ge=1, le=MAX_ASYNC_DAYS)
    """Async mode: days each phase is open; None: the method's minutes scaled
    (``phase_days``)."""
    task_offsets: dict[str, int | None] = Field(default_factory=dict)
    """The group's own due times of preparation tasks: kind -> minutes from the meeting
    (negative: before), or None: no such task. Kinds not named keep ``DUE_OFFSET``."""
    async_waits: bool = False
    """Async mode: at a phase's deadline wait for the chair (True) or move on (False)."""
    locale: Locale = "nl"
    channel_status: ChannelStatus = ChannelStatus.UNCHECKED
    channel_outsiders: list[PersonRef] = Field(default_factory=list)
    """Who else the channel held when it was last looked at."""
    channel_accepted: list[PersonRef] = Field(default_factory=list)
    """The outsiders the facilitator accepted (more or others: shared again)."""
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
        created_by: PersonRef = "",
    ) -> Group:
        unique = list(dict.fromkeys(m.strip() for m in members if m.strip()))
        if len(unique) > MAX_MEMBERS:
            raise InvalidInput("error.too_many_members", limit=MAX_MEMBERS)
        if not channel.strip():
            raise InvalidInput("error.text_required", field="channel")
        group = cls(
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
        group._record(GroupCreated(by=created_by))
        return group

    # ------------------------------------------------------------------ its channel

    @property
    def shows_content(self) -> bool:
        """Whether case content may be posted in the group's channel."""
        return self.channel_status in (ChannelStatus.PRIVATE, ChannelStatus.ACCEPTED)

    def note_channel(self, present: set[PersonRef], *, tell: PersonRef | None = None) -> None:
        """Who the platform says is in the channel (looked at when the group is added and
        when a meeting starts). ``tell``: who asked, besides the facilitator."""
        outsiders = sorted(present - set(self.members) - {self.facilitator or ""})
        self.channel_outsiders = outsiders
        before = self.channel_status
        if not outsiders:
            self.channel_status = ChannelStatus.PRIVATE
        elif before is ChannelStatus.ACCEPTED and set(outsiders) <= set(self.channel_accepted):
            return
        else:
            self.channel_status = ChannelStatus.SHARED
        if self.channel_status is ChannelStatus.SHARED and (
            before is not ChannelStatus.SHARED or tell is not None
        ):
            told = tuple(dict.fromkeys(p for p in (tell, self.facilitator) if p))
            managers = sum(1 for p in outsiders if p in self.managers)
            self._record(ChannelShared(outsiders=len(outsiders), managers=managers, tell=told))
        elif self.channel_status is ChannelStatus.PRIVATE and before is not ChannelStatus.PRIVATE:
            self._record(ChannelCleared())

    def note_channel_unknown(self, *, tell: PersonRef | None = None) -> None:
        """The platform will not say who is in the channel: nothing of a case is shown
        there until it does, and the facilitator hears so each time it is looked at."""
        self.channel_status = ChannelStatus.UNCHECKED
        self._record(
            ChannelUnknown(tell=tuple(dict.fromkeys(p for p in (tell, self.facilitator) if p)))
        )

    def channel_membership_changed(self) -> None:
        """Someone joined or left the channel: it is looked at again (until then it shows
        what it showed; a platform tells of a change within seconds)."""
        self._record(ChannelMembershipChanged())

    def accept_channel(self) -> None:
        """The facilitator accepts the people now in the channel (not a manager: a manager
        may never read the group's cases)."""
        if self.channel_status is not ChannelStatus.SHARED:
            raise NotPossibleNow("group.channel_not_shared")
        if any(p in self.managers for p in self.channel_outsiders):
            raise NotPossibleNow("group.channel_has_manager")
        self.channel_status = ChannelStatus.ACCEPTED
        self.channel_accepted = list(self.channel_outsiders)
        self._record(ChannelCleared())

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

    def due_offset(self, kind: TaskKind) -> timedelta | None:
        """When a task of ``kind`` is due relative to a meeting; None: the group has none."""
        if kind.value not in self.task_offsets:
            return DUE_OFFSET[kind]
        minutes = self.task_offsets[kind.value]
        return None if minutes is None else timedelta(minutes=minutes)

    def set_task_offset(self, kind: TaskKind, minutes: int | None) -> None:
        """The group's own due time for ``kind`` (None: no such task); at most
        ``MAX_TASK_OFFSET_DAYS`` days from the meeting."""
        if minutes is not None and abs(minutes) > MAX_TASK_OFFSET_DAYS * 24 * 60:
            raise InvalidInput("group.task_offset", limit=MAX_TASK_OFFSET_DAYS)
        self.task_offsets = {**self.task_offsets, kind.value: minutes}

    def chair_for(self, sequence: int) -> PersonRef | None:
        """The chair of the n-th meeting: rotating over members, else the facilitator."""
        if self.rotating_chair and self.members:
            return self.members[sequence % len(self.members)]
        return self.facilitator
