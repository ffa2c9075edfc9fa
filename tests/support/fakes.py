"""In-memory fakes of the core's ports, for unit tests of domain and services.

They keep the storage semantics that matter to the services: copies on load (no
shared objects), ids assigned on add, versions checked on save, nothing kept
without commit.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from core.domain.availability import Availability
from core.domain.case import Case, CaseStatus
from core.domain.errors import ConcurrentChange, NotFound
from core.domain.events import Aggregate
from core.domain.goals import LearningGoal
from core.domain.group import Group
from core.domain.meeting import Meeting, MeetingState
from core.domain.method import ContributionKind
from core.domain.tasks import PreparationTask, TaskStatus
from core.domain.workspace import Workspace
from core.services.ports import MeetingFigures, MeetingPost, Notification, Publisher


@dataclass
class FakeClock:
    current: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def tick(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass
class Store:
    workspaces: dict[int, Workspace] = field(default_factory=dict)
    groups: dict[int, Group] = field(default_factory=dict)
    meetings: dict[int, Meeting] = field(default_factory=dict)
    cases: dict[int, Case] = field(default_factory=dict)
    goals: dict[str, LearningGoal] = field(default_factory=dict)
    tasks: dict[str, PreparationTask] = field(default_factory=dict)
    inbound: set[tuple[str, str]] = field(default_factory=set)
    outbox: list[Notification] = field(default_factory=list)
    delivered: set[int] = field(default_factory=set)
    posts: dict[int, MeetingPost] = field(default_factory=dict)
    conversations: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    availability: dict[tuple[int, str], Availability] = field(default_factory=dict)
    due_later: dict[int, datetime] = field(default_factory=dict)
    """Outbox index -> when a notification queued for later (a reminder) is due."""
    ids: Any = field(default_factory=lambda: itertools.count(1))


def _get(table: dict[Any, Any], key: Any, what: str) -> Any:
    if key not in table:
        raise NotFound(f"{what}.not_found")
    return table[key].model_copy(deep=True)


class _Repo:
    def __init__(
        self, data: Store, shared: Store | None = None, seen: list[Aggregate] | None = None
    ) -> None:
        self.data = data
        self.shared = shared or data
        """The committed store: versions are checked against it, as a database would."""
        self.seen = seen if seen is not None else []
        """Aggregates added or saved: their events are published on commit."""

    def _saw(self, aggregate: Aggregate) -> None:
        if not any(item is aggregate for item in self.seen):
            self.seen.append(aggregate)


class FakeWorkspaces(_Repo):
    def get(self, workspace_id: int) -> Workspace:
        return _get(self.data.workspaces, workspace_id, "workspace")

    def find(self, platform: str, external_id: str) -> Workspace | None:
        for ws in self.data.workspaces.values():
            if ws.platform == platform and ws.external_id == external_id:
                return ws.model_copy(deep=True)
        return None

    def add(self, workspace: Workspace) -> Workspace:
        workspace.id = next(self.data.ids)
        self.data.workspaces[workspace.id] = workspace.model_copy(deep=True)
        return workspace

    def save(self, workspace: Workspace) -> None:
        assert workspace.id is not None
        self.data.workspaces[workspace.id] = workspace.model_copy(deep=True)


def _stored(item: Any) -> Any:
    """What a database row keeps of an aggregate: its state, never its pending events."""
    row = item.model_copy(deep=True)
    if isinstance(row, Aggregate):
        row.collect_events()
    return row


def _save_versioned(table: dict[int, Any], committed: dict[int, Any], item: Any) -> None:
    stored = table.get(item.id)
    latest = committed.get(item.id, stored)
    if stored is None or stored.version != item.version or latest.version != item.version:
        raise ConcurrentChange("error.concurrent_change")
    item.version += 1
    table[item.id] = _stored(item)


class FakeGroups(_Repo):
    def get(self, group_id: int) -> Group:
        return _get(self.data.groups, group_id, "group")

    def by_channel(self, workspace_id: int, channel: str) -> Group | None:
        for g in self.data.groups.values():
            if g.workspace_id == workspace_id and g.channel == channel:
                return g.model_copy(deep=True)
        return None

    def list(self, workspace_id: int | None = None) -> list[Group]:
        return [
            g.model_copy(deep=True)
            for g in self.data.groups.values()
            if workspace_id is None or g.workspace_id == workspace_id
        ]

    def for_person(self, workspace_id: int, person: str) -> list[Group]:
        return [g for g in self.list(workspace_id) if g.roles_of(person)]

    def add(self, group: Group) -> Group:
        group.id = next(self.data.ids)
        self.data.groups[group.id] = _stored(group)
        self._saw(group)
        return group

    def save(self, group: Group) -> None:
        _save_versioned(self.data.groups, self.shared.groups, group)
        self._saw(group)


class FakeMeetings(_Repo):
    def get(self, meeting_id: int, *, for_update: bool = False) -> Meeting:
        return _get(self.data.meetings, meeting_id, "meeting")

    def add(self, meeting: Meeting) -> Meeting:
        meeting.id = next(self.data.ids)
        self.data.meetings[meeting.id] = _stored(meeting)
        self._saw(meeting)
        return meeting

    def schedule_of(self, group_ids: Iterable[int]) -> list[Meeting]:
        wanted = set(group_ids)
        found = [
            m.model_copy(update={"contributions": []}, deep=True)
            for m in self.data.meetings.values()
            if m.group_id in wanted
        ]
        return sorted(found, key=lambda m: (m.scheduled_at, m.id or 0))

    def save(self, meeting: Meeting) -> None:
        for contribution in meeting.contributions:
            contribution.meeting_id = meeting.id or 0
        _save_versioned(self.data.meetings, self.shared.meetings, meeting)
        self._saw(meeting)

    def for_group(self, group_id: int) -> list[Meeting]:
        found = [m for m in self.data.meetings.values() if m.group_id == group_id]
        return [m.model_copy(deep=True) for m in sorted(found, key=lambda m: m.sequence)]

    def current(self, group_id: int) -> Meeting | None:
        meetings = self.for_group(group_id)
        active = (
            MeetingState.OPEN_FOR_CASES,
            MeetingState.CASE_CHOSEN,
            MeetingState.IN_PHASE,
            MeetingState.CLOSING,
        )
        running = [m for m in meetings if m.state in active]
        if running:
            return running[-1]
        planned = sorted(
            (m for m in meetings if m.state is MeetingState.PLANNED), key=lambda m: m.scheduled_at
        )
        return planned[0] if planned else None

    def figures_of(self, group_ids: Collection[int]) -> dict[int, MeetingFigures]:
        figures = {}
        for group_id in group_ids:
            meetings = self.for_group(group_id)
            held = [
                m for m in meetings if m.state in (MeetingState.EVALUATED, MeetingState.REPORTED)
            ]
            scores = [
                c.score
                for m in held
                for c in m.contributions
                if c.kind is ContributionKind.RATING and c.score
            ]
            figures[group_id] = MeetingFigures(
                held=len(held),
                planned=sum(1 for m in meetings if m.state is MeetingState.PLANNED),
                expected=sum(len(m.participants) for m in held),
                present=sum(
                    len({c.author for c in m.contributions} & set(m.participants)) for m in held
                ),
                score_sum=sum(scores),
                score_count=len(scores),
            )
        return figures

    def current_of(self, group_ids: Collection[int]) -> dict[int, Meeting]:
        found = {group_id: self.current(group_id) for group_id in group_ids}
        return {group_id: meeting for group_id, meeting in found.items() if meeting}

    def last_held(self, group_id: int, *, before: int) -> Meeting | None:
        held = (MeetingState.EVALUATED, MeetingState.REPORTED)
        found = [m for m in self.for_group(group_id) if m.sequence < before and m.state in held]
        return found[-1] if found else None

    def next_sequence(self, group_id: int) -> int:
        return len([m for m in self.data.meetings.values() if m.group_id == group_id])


class FakeCases(_Repo):
    def get(self, case_id: int) -> Case:
        return _get(self.data.cases, case_id, "case")

    def add(self, case: Case) -> Case:
        case.id = next(self.data.ids)
        self.data.cases[case.id] = _stored(case)
        self._saw(case)
        return case

    def save(self, case: Case) -> None:
        assert case.id is not None
        self.data.cases[case.id] = _stored(case)
        self._saw(case)

    def for_group(self, group_id: int, statuses: tuple[CaseStatus, ...] = ()) -> list[Case]:
        return [
            c.model_copy(deep=True)
            for c in self.data.cases.values()
            if c.group_id == group_id and (not statuses or c.status in statuses)
        ]


class FakeGoals(_Repo):
    def get(self, goal_id: str) -> LearningGoal:
        return _get(self.data.goals, goal_id, "goal")

    def for_person(
        self, workspace_id: int, person: str, group_id: int | None = None
    ) -> list[LearningGoal]:
        return [
            g.model_copy(deep=True)
            for g in self.data.goals.values()
            if g.person == person
            and (group_id is None or g.group_id == group_id)
            and self.data.groups[g.group_id].workspace_id == workspace_id
        ]

    def people_with_goals(self, group_ids: Collection[int]) -> dict[int, set[str]]:
        found: dict[int, set[str]] = {group_id: set() for group_id in group_ids}
        for goal in self.data.goals.values():
            if goal.group_id in found:
                found[goal.group_id].add(goal.person)
        return found

    def add(self, goal: LearningGoal) -> None:
        self.data.goals[goal.id] = goal.model_copy(deep=True)

    save = add


class FakeTasks(_Repo):
    def get(self, task_id: str) -> PreparationTask:
        return _get(self.data.tasks, task_id, "task")

    def for_person(
        self, workspace_id: int, person: str, *, open_only: bool = True
    ) -> list[PreparationTask]:
        def workspace_of(task: PreparationTask) -> int:
            meeting = self.data.meetings[task.meeting_id]
            return self.data.groups[meeting.group_id].workspace_id

        return sorted(
            (
                t.model_copy(deep=True)
                for t in self.data.tasks.values()
                if t.person == person
                and (not open_only or t.status is TaskStatus.OPEN)
                and workspace_of(t) == workspace_id
            ),
            key=lambda t: t.due_at,
        )

    def for_meeting(self, meeting_id: int) -> list[PreparationTask]:
        return [
            t.model_copy(deep=True) for t in self.data.tasks.values() if t.meeting_id == meeting_id
        ]

    def add(self, task: PreparationTask) -> None:
        self.data.tasks[task.id] = task.model_copy(deep=True)

    save = add


class FakeAvailability(_Repo):
    def of(self, workspace_id: int, person: str) -> Availability:
        return self.of_people(workspace_id, [person])[person]

    def of_people(self, workspace_id: int, people: Iterable[str]) -> dict[str, Availability]:
        return {
            p: self.data.availability.get(
                (workspace_id, p), Availability(workspace_id=workspace_id, person=p)
            ).model_copy()
            for p in people
        }

    def save(self, said: Availability) -> None:
        self.data.availability[(said.workspace_id, said.person)] = said.model_copy()

    def forget_person(self, workspace_id: int, person: str) -> int:
        return 1 if self.data.availability.pop((workspace_id, person), None) else 0


class FakeInbound(_Repo):
    def seen(self, platform: str, key: str) -> bool:
        return (platform, key) in self.data.inbound

    def first_time(self, platform: str, key: str, *, now: datetime) -> bool:
        if (platform, key) in self.data.inbound:
            return False
        self.data.inbound.add((platform, key))
        return True

    def forget_before(self, before: datetime, *, limit: int) -> int:
        return 0  # bookkeeping is the SQL storage's (tests/integration/test_bookkeeping.py)


class FakeOutbox(_Repo):
    def add(self, notification: Notification, *, now: datetime, at: datetime | None = None) -> None:
        self.data.outbox.append(notification)
        if at is not None:
            self.data.due_later[len(self.data.outbox) - 1] = at

    def mark_delivered(self, outbox_id: int, *, now: datetime) -> None:
        self.data.delivered.add(outbox_id)

    def park_sequence(self, sequence: str, *, error: str) -> int:
        return 0  # delivery is the SQL outbox's (tests/integration/test_outbox.py)

    def requeue_sequence(self, sequence: str, *, now: datetime) -> int:
        return 0

    def discard_parked(self, sequence: str) -> int:
        return 0

    def forget_delivered(self, before: datetime, *, limit: int) -> int:
        return 0

    def pending_after(self, sequence: str, *, topic: str, after: int) -> list[int]:
        return []

    def mark_covered(self, outbox_ids: list[int], *, now: datetime) -> int:
        return 0


class FakePosts(_Repo):
    def get(self, meeting_id: int) -> MeetingPost | None:
        return self.data.posts.get(meeting_id)

    def begin(self, meeting_id: int, channel: str, *, key: str, now: datetime) -> None:
        self.data.posts[meeting_id] = MeetingPost(
            meeting_id=meeting_id, channel=channel, ref=None, key=key, created_at=now
        )

    def confirm(self, meeting_id: int, ref: str) -> None:
        self.data.posts[meeting_id] = self.data.posts[meeting_id].model_copy(update={"ref": ref})

    def find(self, channel: str, ref: str) -> MeetingPost | None:
        return next(
            (p for p in self.data.posts.values() if p.channel == channel and p.ref == ref), None
        )


class FakeConversations(_Repo):
    def get(self, workspace_id: int, person: str) -> dict[str, Any] | None:
        return self.data.conversations.get((workspace_id, person))

    def put(self, workspace_id: int, person: str, data: dict[str, Any], *, now: datetime) -> None:
        self.data.conversations[(workspace_id, person)] = dict(data)

    def named(self, workspace_id: int) -> dict[str, str]:
        return {
            person: str(data["name"])
            for (ws, person), data in self.data.conversations.items()
            if ws == workspace_id and data.get("name")
        }


class FakeUnitOfWork:
    """Works on a copy of the store; ``commit`` publishes the saved aggregates' events (as
    the real unit of work does) and makes the copy the store."""

    def __init__(self, store: Store, publish: Publisher | None = None) -> None:
        self.store = store
        self.publish = publish
        self.committed = False
        self.seen: list[Aggregate] = []

    def __enter__(self) -> Self:
        self.working = copy.deepcopy(self.store)
        self.seen = []
        self.workspaces = FakeWorkspaces(self.working)
        self.groups = FakeGroups(self.working, self.store, self.seen)
        self.meetings = FakeMeetings(self.working, self.store, self.seen)
        self.cases = FakeCases(self.working, seen=self.seen)
        self.goals = FakeGoals(self.working)
        self.tasks = FakeTasks(self.working)
        self.inbound = FakeInbound(self.working)
        self.outbox = FakeOutbox(self.working)
        self.posts = FakePosts(self.working)
        self.conversations = FakeConversations(self.working)
        self.availability = FakeAvailability(self.working)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        for aggregate in self.seen:
            events = aggregate.collect_events()
            if events and self.publish is not None:
                self.publish(self, aggregate, events)  # type: ignore[arg-type]
        self.seen.clear()
        self.store.__dict__.update(self.working.__dict__)
        self.working = copy.deepcopy(self.store)
        self._rebind()
        self.committed = True

    def _rebind(self) -> None:
        for repo in (
            self.workspaces,
            self.groups,
            self.meetings,
            self.cases,
            self.goals,
            self.tasks,
            self.inbound,
            self.outbox,
            self.posts,
            self.conversations,
            self.availability,
        ):
            repo.data = self.working

    def rollback(self) -> None:
        self.seen.clear()
        self.working = copy.deepcopy(self.store)
        self._rebind()
