"""What the services need from the outside world, as protocols.

``core.storage`` implements the unit of work over SQLAlchemy; unit tests use the
in-memory fakes in ``tests/support``. Adapters implement ``Messenger``.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from pydantic import BaseModel, Field

from core.domain.case import Case, CaseStatus
from core.domain.common import ChannelRef, PersonRef, Platform
from core.domain.goals import LearningGoal
from core.domain.group import Group
from core.domain.meeting import Meeting
from core.domain.tasks import PreparationTask
from core.domain.workspace import Workspace


class Notification(BaseModel):
    """An outgoing message to deliver after commit (the outbox row's content).

    ``topic`` says what to render: ``meeting.card`` (update the meeting's one message),
    ``meeting.thread`` (post in its thread), ``person.direct`` (a private message)."""

    topic: str
    workspace_id: int
    group_id: int | None = None
    meeting_id: int | None = None
    person: PersonRef | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class WorkspaceRepository(Protocol):
    def get(self, workspace_id: int) -> Workspace: ...
    def find(self, platform: Platform, external_id: str) -> Workspace | None: ...
    def add(self, workspace: Workspace) -> Workspace: ...
    def save(self, workspace: Workspace) -> None: ...


class GroupRepository(Protocol):
    def get(self, group_id: int) -> Group: ...
    def by_channel(self, workspace_id: int, channel: ChannelRef) -> Group | None: ...
    def list(self, workspace_id: int | None = None) -> list[Group]: ...
    def for_person(self, workspace_id: int, person: PersonRef) -> builtins.list[Group]:
        """Groups where the person is a member, the facilitator or a manager."""
        ...

    def add(self, group: Group) -> Group: ...
    def save(self, group: Group) -> None:
        """Raises ``ConcurrentChange`` when the stored version is not ``group.version``;
        on success the version is one higher."""
        ...


class MeetingRepository(Protocol):
    def get(self, meeting_id: int) -> Meeting: ...
    def add(self, meeting: Meeting) -> Meeting: ...
    def save(self, meeting: Meeting) -> None:
        """Saves the meeting with its rounds and contributions. Raises ``ConcurrentChange``
        when the stored version is not ``meeting.version``; on success it is one higher."""
        ...

    def for_group(self, group_id: int) -> list[Meeting]:
        """All meetings of a group, by sequence."""
        ...

    def current(self, group_id: int) -> Meeting | None:
        """The group's meeting that is running, else the next planned one, else None."""
        ...

    def next_sequence(self, group_id: int) -> int: ...


class CaseRepository(Protocol):
    def get(self, case_id: int) -> Case: ...
    def add(self, case: Case) -> Case: ...
    def save(self, case: Case) -> None: ...
    def for_group(self, group_id: int, statuses: tuple[CaseStatus, ...] = ()) -> list[Case]: ...


class GoalRepository(Protocol):
    def get(self, goal_id: str) -> LearningGoal: ...
    def for_person(self, person: PersonRef, group_id: int | None = None) -> list[LearningGoal]: ...
    def add(self, goal: LearningGoal) -> None: ...
    def save(self, goal: LearningGoal) -> None: ...


class TaskRepository(Protocol):
    def get(self, task_id: str) -> PreparationTask: ...
    def for_person(self, person: PersonRef, *, open_only: bool = True) -> list[PreparationTask]: ...
    def for_meeting(self, meeting_id: int) -> list[PreparationTask]: ...
    def add(self, task: PreparationTask) -> None: ...
    def save(self, task: PreparationTask) -> None: ...


class InboundEvents(Protocol):
    def first_time(self, platform: str, key: str, *, now: datetime) -> bool:
        """Record an inbound event key; False when it was seen before (a redelivery)."""
        ...


class Outbox(Protocol):
    def add(self, notification: Notification, *, now: datetime) -> None: ...


class MeetingPost(BaseModel):
    """Where a meeting's one message lives on its platform; its thread holds the rounds."""

    meeting_id: int
    channel: ChannelRef
    ref: str


class MeetingPosts(Protocol):
    def get(self, meeting_id: int) -> MeetingPost | None: ...
    def put(self, post: MeetingPost, *, now: datetime) -> None:
        """Insert or replace the post of ``post.meeting_id``."""
        ...

    def find(self, channel: ChannelRef, ref: str) -> MeetingPost | None:
        """The meeting whose message (thread root) is ``ref`` in ``channel``."""
        ...


class ConversationRefs(Protocol):
    """How to reach a person privately (a Teams conversation reference, a Slack DM)."""

    def get(self, workspace_id: int, person: PersonRef) -> dict[str, Any] | None: ...
    def put(
        self, workspace_id: int, person: PersonRef, data: dict[str, Any], *, now: datetime
    ) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the ``with`` block without ``commit()`` rolls back."""

    workspaces: WorkspaceRepository
    groups: GroupRepository
    meetings: MeetingRepository
    cases: CaseRepository
    goals: GoalRepository
    tasks: TaskRepository
    inbound: InboundEvents
    outbox: Outbox
    posts: MeetingPosts
    conversations: ConversationRefs

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
