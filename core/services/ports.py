"""What the services need from the outside world, as protocols.

``core.storage`` implements the unit of work over SQLAlchemy; unit tests use the
in-memory fakes in ``tests/support``. Each chat adapter implements ``Messenger``.
"""

from __future__ import annotations

import builtins
import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import TracebackType
from typing import Any, Protocol, Self

from pydantic import BaseModel, Field

from core.domain.availability import Availability
from core.domain.case import Case, CaseStatus
from core.domain.common import ChannelRef, PersonRef, Platform
from core.domain.events import Aggregate, DomainEvent
from core.domain.goals import LearningGoal
from core.domain.group import Group
from core.domain.meeting import Meeting
from core.domain.privacy import AuditEntry
from core.domain.tasks import PreparationTask
from core.domain.trajectory import Trajectory
from core.domain.workspace import Workspace
from core.views.vocabulary import Card, Form


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
    sequence: str | None = None
    """Notifications of one sequence (a meeting's thread) arrive in the order queued."""


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


@dataclass(frozen=True)
class MeetingFigures:
    """A group's meetings in numbers, never content (what its managers may see)."""

    held: int = 0
    """Meetings held to their end (evaluated or reported)."""
    planned: int = 0
    expected: int = 0
    """Participants summed over the meetings held."""
    present: int = 0
    """Of those, the ones who said something in the meeting."""
    score_sum: int = 0
    score_count: int = 0
    """Ratings given in the meetings held."""


class MeetingRepository(Protocol):
    def get(self, meeting_id: int, *, for_update: bool = False) -> Meeting:
        """``for_update``: the caller will change the meeting; others changing it at the
        same moment wait until this unit of work ends (so no change is lost)."""
        ...

    def add(self, meeting: Meeting) -> Meeting: ...
    def save(self, meeting: Meeting) -> None:
        """Saves the meeting with its rounds and contributions. Raises ``ConcurrentChange``
        when the stored version is not ``meeting.version``; on success it is one higher."""
        ...

    def for_group(self, group_id: int) -> list[Meeting]:
        """All meetings of a group, by sequence."""
        ...

    def schedule_of(self, group_ids: Collection[int]) -> list[Meeting]:
        """The groups' meetings by time, without their contributions (calendars, lists)."""
        ...

    def current(self, group_id: int) -> Meeting | None:
        """The group's meeting that is running, else the next planned one, else None."""
        ...

    def current_of(self, group_ids: Collection[int]) -> dict[int, Meeting]:
        """``current`` of each of the groups that has one, by group id (a constant number
        of queries, whatever the number of groups)."""
        ...

    def figures_of(self, group_ids: Collection[int]) -> dict[int, MeetingFigures]:
        """The figures of each group's meetings, by group id (every group asked for), in a
        constant number of queries whatever the number of groups and meetings."""
        ...

    def last_held(self, group_id: int, *, before: int) -> Meeting | None:
        """The group's latest meeting held to its end (evaluated or reported) with a
        sequence below ``before``, else None."""
        ...

    def next_sequence(self, group_id: int) -> int: ...


class CaseRepository(Protocol):
    def get(self, case_id: int) -> Case: ...
    def add(self, case: Case) -> Case: ...
    def save(self, case: Case) -> None: ...
    def for_group(self, group_id: int, statuses: tuple[CaseStatus, ...] = ()) -> list[Case]: ...


@dataclass(frozen=True)
class FeedOwner:
    """Whose calendar feed: one person's in a workspace, or one group's (never both)."""

    workspace_id: int
    person: PersonRef | None = None
    group_id: int | None = None


class TrajectoryRepository(Protocol):
    def add(self, trajectory: Trajectory) -> Trajectory: ...
    def get(self, trajectory_id: int) -> Trajectory: ...


class CalendarFeeds(Protocol):
    """The unguessable tokens of the calendar feeds: one per owner at a time."""

    def token_of(self, owner: FeedOwner) -> str | None: ...
    def add(self, owner: FeedOwner, token: str, *, now: datetime) -> None: ...
    def revoke(self, owner: FeedOwner) -> int:
        """Forget the owner's token (its link stops working); how many were forgotten."""
        ...

    def owner_of(self, token: str) -> FeedOwner | None: ...


@dataclass(frozen=True)
class Written:
    """What was last written of one calendar entry in a person's calendar on their
    platform: the platform's ref (None when it was removed there) and the entry's
    ``CalendarEntry.digest`` then."""

    ref: str | None
    digest: str


class CalendarEntries(Protocol):
    """Which calendar entries were written where (``CalendarPort``), per person."""

    def of(self, workspace_id: int, person: PersonRef) -> dict[str, Written]:
        """By entry key (``CalendarEntry.key``)."""
        ...

    def put(
        self, workspace_id: int, person: PersonRef, key: str, written: Written, *, now: datetime
    ) -> None: ...


class AvailabilityRepository(Protocol):
    def of(self, workspace_id: int, person: PersonRef) -> Availability:
        """The person's availability (the defaults when they never set it)."""
        ...

    def of_people(
        self, workspace_id: int, people: Collection[PersonRef]
    ) -> dict[PersonRef, Availability]: ...
    def save(self, said: Availability) -> None: ...
    def forget_person(self, workspace_id: int, person: PersonRef) -> int: ...


class GoalRepository(Protocol):
    def get(self, goal_id: str) -> LearningGoal: ...
    def for_person(
        self, workspace_id: int, person: PersonRef, group_id: int | None = None
    ) -> list[LearningGoal]:
        """The person's goals in the workspace, oldest first."""
        ...

    def people_with_goals(self, group_ids: Collection[int]) -> dict[int, set[PersonRef]]:
        """Who has a learning goal in each group, by group id (one query)."""
        ...

    def add(self, goal: LearningGoal) -> None: ...
    def save(self, goal: LearningGoal) -> None: ...


class TaskRepository(Protocol):
    def get(self, task_id: str) -> PreparationTask: ...
    def for_person(
        self, workspace_id: int, person: PersonRef, *, open_only: bool = True
    ) -> list[PreparationTask]:
        """The person's tasks in the workspace, soonest due first."""
        ...

    def for_meeting(self, meeting_id: int) -> list[PreparationTask]: ...
    def add(self, task: PreparationTask) -> None: ...
    def save(self, task: PreparationTask) -> None: ...


class InboundEvents(Protocol):
    def seen(self, platform: str, key: str) -> bool:
        """Whether the event's effect was stored already (read only)."""
        ...

    def first_time(self, platform: str, key: str, *, now: datetime) -> bool:
        """Record an inbound event key; False when it was seen before (a redelivery)."""
        ...

    def forget_before(self, before: datetime, *, limit: int) -> int:
        """Forget up to ``limit`` keys received before ``before``, oldest first (a platform
        redelivers within minutes, never days later); returns how many."""
        ...


class Outbox(Protocol):
    def add(self, notification: Notification, *, now: datetime, at: datetime | None = None) -> None:
        """Queue ``notification`` in this transaction, to be delivered from ``at`` (a
        reminder) or at once."""
        ...

    def forget_delivered(self, before: datetime, *, limit: int) -> int:
        """Forget up to ``limit`` rows delivered before ``before``, oldest first (pending and
        parked rows stay); returns how many."""
        ...

    def mark_delivered(self, outbox_id: int, *, now: datetime) -> None:
        """In this transaction: so that it commits together with the delivery's bookkeeping."""
        ...

    def pending_after(self, sequence: str, *, topic: str, after: int) -> list[int]:
        """Ids of the pending rows of ``topic`` in ``sequence`` queued after row ``after``."""
        ...

    def mark_covered(self, outbox_ids: list[int], *, now: datetime) -> int:
        """Mark the rows delivered that a delivery made now covers (still pending ones
        only); returns how many."""
        ...

    def park_sequence(self, sequence: str, *, error: str) -> int:
        """Park every pending row of ``sequence`` (the platform would refuse them too);
        returns how many."""
        ...

    def discard_parked(self, sequence: str) -> int:
        """Delete the parked rows of ``sequence`` (what an undone start left); how many."""
        ...

    def requeue_sequence(self, sequence: str, *, now: datetime) -> int:
        """Give every parked row of ``sequence`` a fresh set of attempts, due ``now``;
        returns how many."""
        ...


class MeetingPost(BaseModel):
    """Where a meeting's one message lives on its platform; its thread holds the rounds.

    ``ref`` is None while the post is under way (recorded before the platform is asked):
    after a crash in between, ``key`` finds the message on the platform instead of posting
    it a second time."""

    meeting_id: int
    channel: ChannelRef
    ref: str | None
    key: str | None = None
    created_at: datetime | None = None


class MeetingPosts(Protocol):
    def get(self, meeting_id: int) -> MeetingPost | None: ...
    def begin(self, meeting_id: int, channel: ChannelRef, *, key: str, now: datetime) -> None:
        """Record that the meeting's message is about to be posted (``ref`` still empty)."""
        ...

    def confirm(self, meeting_id: int, ref: str) -> None:
        """The platform's ref of the posted message."""
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
    def named(self, workspace_id: int) -> dict[PersonRef, str]:
        """Person -> display name, for everyone whose reference carries a ``name``."""
        ...


class OutboxRecord(BaseModel):
    """An outbox row as stored, delivered or not (what an export shows of it)."""

    id: int
    topic: str
    status: str
    attempts: int
    created_at: datetime
    delivered_at: datetime | None
    payload: dict[str, Any]


class PrivacyRecords(Protocol):
    """A person's data for export and erasure, always looked up by workspace AND person
    together (a user id is unique only within its workspace), and what retention finds due."""

    def workspace_ids(self) -> list[int]: ...
    def expired_meetings(
        self, workspace_id: int, *, ended_before: datetime, limit: int
    ) -> list[int]:
        """Finished meetings of the workspace that ended at or before ``ended_before`` and
        still hold a text (a contribution's, or the case discussed in them); oldest first."""
        ...

    def delete_delivered(self, workspace_id: int, *, delivered_before: datetime, limit: int) -> int:
        """Forget up to ``limit`` outbox rows of the workspace delivered at or before
        ``delivered_before`` (their payloads may quote texts); returns how many."""
        ...

    def goals_of(self, workspace_id: int, person: PersonRef) -> list[LearningGoal]: ...
    def tasks_of(self, workspace_id: int, person: PersonRef) -> list[PreparationTask]: ...
    def outbox_for(self, workspace_id: int, person: PersonRef) -> list[OutboxRecord]:
        """Outbox rows addressed to the person (private messages and replies)."""
        ...

    def delete_goals(self, workspace_id: int, person: PersonRef) -> int: ...
    def delete_tasks(self, workspace_id: int, person: PersonRef) -> int: ...
    def delete_outbox(self, workspace_id: int, person: PersonRef) -> int: ...
    def delete_conversation(self, workspace_id: int, person: PersonRef) -> int: ...
    def delete_cases(self, workspace_id: int, person: PersonRef, case_ids: list[int]) -> int:
        """Delete those of ``case_ids`` that the person brought in the workspace."""
        ...


class AuditLog(Protocol):
    def add(self, entry: AuditEntry) -> AuditEntry: ...
    def latest(self, *, workspace_id: int | None = None, limit: int) -> list[AuditEntry]:
        """The newest entries first (of one workspace, if given)."""
        ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the ``with`` block without ``commit()`` rolls back.

    ``commit()`` first collects the events of every aggregate saved in this unit of work
    and hands them to the publisher, which writes their notifications to the outbox in
    the same transaction (``core.services.notify``)."""

    workspaces: WorkspaceRepository
    groups: GroupRepository
    meetings: MeetingRepository
    cases: CaseRepository
    goals: GoalRepository
    tasks: TaskRepository
    trajectories: TrajectoryRepository
    calendars: CalendarFeeds
    entries: CalendarEntries
    availability: AvailabilityRepository
    inbound: InboundEvents
    outbox: Outbox
    posts: MeetingPosts
    conversations: ConversationRefs
    privacy: PrivacyRecords
    audit: AuditLog

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


Publisher = Callable[[UnitOfWork, Aggregate, list[DomainEvent]], int]
"""Turns an aggregate's events into outbox rows inside the committing unit of work;
returns how many notifications it queued."""


# ------------------------------------------------------------------ messenger


@dataclass(frozen=True)
class Destination:
    """Where a message goes on a platform, in the platform's own refs."""

    workspace: str
    """The platform's id of the workspace (Slack team id, Microsoft tenant id)."""
    channel: ChannelRef | None = None
    person: PersonRef | None = None
    """For a private message: the person it is for."""
    thread: str | None = None
    """For a reply in a thread: the ref of the thread's root message."""


class Refusal(StrEnum):
    """Why a platform refused a delivery for good."""

    NO_ACCESS = "no_access"
    """The channel is gone, archived, or closed to the app (it was never added to it)."""
    TOO_LARGE = "too_large"
    """Over the platform's size limit for one message."""
    UNREACHABLE = "unreachable"
    """The person cannot be reached privately (left, deactivated, blocked the app)."""
    REFUSED = "refused"
    """Any other refusal that asking again will not change (a malformed message, a
    revoked token)."""


class Undeliverable(Exception):
    """The platform refused a delivery for good: the outbox parks it at once (``permanent``)
    and the people who can act are told (``core.jobs.delivery``). ``detail`` is the
    platform's own answer (a Slack error code, a Bot Connector status), for logs and
    ``intervision outbox list``."""

    permanent = True

    def __init__(self, refusal: Refusal, detail: str) -> None:
        super().__init__(f"{refusal.value}: {detail}")
        self.refusal = refusal
        self.detail = detail


class Messenger(Protocol):
    """What a chat platform does for the core; every adapter implements it.

    Each call either succeeds or raises: ``Undeliverable`` when the platform refused for
    good (parked at once, and told); a platform error with a ``retry_after`` attribute
    (seconds) is retried no sooner than that by the outbox; any other is retried with
    backoff and parked after repeated failures."""

    def post(self, to: Destination, card: Card, *, key: str) -> str:
        """A new message in ``to.channel``; returns its ref. It carries ``key`` in a way
        ``find_post`` can see (message metadata), invisible to people."""
        ...

    def update(self, to: Destination, ref: str, card: Card) -> None:
        """Replace the message ``ref`` in ``to.channel``."""
        ...

    def reply(self, to: Destination, card: Card, *, key: str) -> str:
        """A reply in the thread of ``to.thread`` in ``to.channel``; returns its ref. Like
        ``post``, it carries ``key`` for ``find_post``."""
        ...

    def send_privately(self, to: Destination, card: Card) -> str:
        """A message only ``to.person`` sees (a direct message, a personal chat)."""
        ...

    def open_form(self, to: Destination, form: Form) -> None:
        """Put ``form`` before ``to.person`` (a dialog, or a private message with the form)."""
        ...

    def channel_members(self, to: Destination) -> set[PersonRef] | None:
        """Everyone in ``to.channel`` now, as person refs (our own bot left out); None when
        the platform refuses to say for good (a missing permission); ``Undeliverable`` when
        the channel is closed to the app. A passing failure raises, and the outbox asks
        again."""
        ...

    def departed(self, to: Destination, people: Collection[PersonRef]) -> set[PersonRef]:
        """Of ``people`` in ``to.workspace``, those whose account the platform says is gone
        (deactivated, deleted); one it will not say about counts as still there."""
        ...

    def find_post(self, to: Destination, key: str, *, since: datetime) -> str | None:
        """The ref of a message posted with ``key`` at or after ``since`` in ``to.channel``
        (in the thread of ``to.thread`` when given), or None: how a post that was sent but
        not recorded (a crash, a time-out after the platform took it) is found again."""
        ...


# ------------------------------------------------------------------ calendars


class EntryKind(StrEnum):
    EVENT = "event"
    """A meeting: an event in the person's calendar, with an online meeting to join."""
    TASK = "task"
    """A preparation task: a task with a due date in the person's task list."""


class EntryState(StrEnum):
    OPEN = "open"
    DONE = "done"
    """A task done."""
    GONE = "gone"
    """Called off (a meeting cancelled, a task skipped or no longer needed): removed."""


@dataclass(frozen=True)
class CalendarEntry:
    """One thing in a person's calendar, as the core decides it (``core.views.calendar``):
    when and which group, never what of a case. Times are local wall-clock times in
    ``zone`` (naive)."""

    key: str
    """Stable: ``meeting-12``, ``task-<id>``."""
    kind: EntryKind
    subject: str
    body: str
    start: datetime
    """An event's start; a task's due time."""
    end: datetime | None
    zone: str
    state: EntryState = EntryState.OPEN
    meeting_key: str | None = None
    """A task's meeting entry (what it links back to)."""

    @property
    def digest(self) -> str:
        """Changes when anything written of the entry changes."""
        seed = "\x1f".join(
            [
                self.kind.value,
                self.subject,
                self.body,
                self.start.isoformat(),
                self.end.isoformat() if self.end else "",
                self.zone,
                self.state.value,
            ]
        )
        return hashlib.sha256(seed.encode()).hexdigest()[:32]


class CalendarPort(Protocol):
    """Writes entries into a person's own calendar and task list on their platform
    (Microsoft Graph: an Outlook event, a To Do task). Errors as ``Messenger``'s: a
    ``rate_limited`` one with ``retry_after`` waits without counting an attempt,
    ``Undeliverable`` parks."""

    def write(
        self,
        to: Destination,
        entry: CalendarEntry,
        *,
        ref: str | None,
        linked: str | None = None,
    ) -> str | None:
        """Create the entry in ``to.person``'s calendar (``ref`` None) or change the one
        written before (``ref``), or remove it (``EntryState.GONE``); ``linked`` is the ref
        of the meeting entry a task belongs to. Returns the entry's ref now (opaque, for
        the next write), None when it is not there (removed, also by its owner)."""
        ...
