"""The unit of work over SQLAlchemy: one connection, one transaction, every repository."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy import Connection, Engine

from core.domain.events import Aggregate
from core.services.ports import (
    AuditLog,
    AvailabilityRepository,
    CalendarEntries,
    CalendarFeeds,
    CaseRepository,
    ConversationRefs,
    GoalRepository,
    GroupRepository,
    InboundEvents,
    MeetingPosts,
    MeetingRepository,
    Outbox,
    PrivacyRecords,
    Publisher,
    TaskRepository,
    TrajectoryRepository,
    UnitOfWork,
    WorkspaceRepository,
)
from core.storage.repositories import (
    SqlCases,
    SqlConversationRefs,
    SqlGoals,
    SqlGroups,
    SqlInboundEvents,
    SqlMeetingPosts,
    SqlMeetings,
    SqlOutbox,
    SqlTasks,
    SqlWorkspaces,
)
from core.storage.repositories.privacy import SqlAudit, SqlPrivacy
from core.storage.repositories.trajectories import (
    SqlAvailability,
    SqlCalendarEntries,
    SqlCalendarFeeds,
    SqlTrajectories,
)
from core.storage.wakeups import announce


class SqlUnitOfWork:
    """One transaction. Leaving the ``with`` block without ``commit()`` rolls back.

    ``commit()`` hands the events of every aggregate added or saved here to ``publish``
    (which writes their notifications to the outbox, in this transaction), commits, and
    calls ``after_commit`` when the outbox got rows (it wakes the outbox worker).

    After ``commit()`` the unit of work stays usable: the next statement opens a new
    transaction, which is rolled back on exit unless committed in turn."""

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

    def __init__(
        self,
        engine: Engine,
        publish: Publisher | None = None,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        self.engine = engine
        self._publish = publish
        self._after_commit = after_commit
        self._connection: Connection | None = None
        self._seen: list[Aggregate] = []

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("use the unit of work in a 'with' block")
        return self._connection

    def __enter__(self) -> Self:
        connection = self.engine.connect()
        connection.begin()
        self._connection = connection
        self._seen = []
        self.workspaces = SqlWorkspaces(connection)
        self.groups = SqlGroups(connection, self._seen)
        self.meetings = SqlMeetings(connection, self._seen)
        self.cases = SqlCases(connection, self._seen)
        self.goals = SqlGoals(connection)
        self.tasks = SqlTasks(connection)
        self.trajectories = SqlTrajectories(connection)
        self.calendars = SqlCalendarFeeds(connection)
        self.entries = SqlCalendarEntries(connection)
        self.availability = SqlAvailability(connection)
        self.inbound = SqlInboundEvents(connection)
        self.outbox = self._outbox = SqlOutbox(connection)
        self.posts = SqlMeetingPosts(connection)
        self.conversations = SqlConversationRefs(connection)
        self.privacy = SqlPrivacy(connection)
        self.audit = SqlAudit(connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.rollback()
        finally:
            connection.close()

    def commit(self) -> None:
        for aggregate in self._seen:
            events = aggregate.collect_events()
            if events and self._publish is not None:
                self._publish(self, aggregate, events)
        self._seen.clear()
        self._outbox.flush()
        if self._outbox.added:
            announce(self.connection)  # other processes' workers hear of it on commit
        self.connection.commit()
        queued, self._outbox.added = self._outbox.added, 0
        if queued and self._after_commit is not None:
            self._after_commit()

    def rollback(self) -> None:
        self._seen.clear()
        self.connection.rollback()


def make_uow_factory(
    engine: Engine,
    publish: Publisher | None = None,
    after_commit: Callable[[], None] | None = None,
) -> Callable[[], SqlUnitOfWork]:
    """What ``core.services.context.Context.uow`` wants: a fresh unit of work per call.
    Without ``publish`` the aggregates' events are dropped on commit (storage tests)."""

    def factory() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, publish, after_commit)

    return factory


if TYPE_CHECKING:

    def _implements_the_port(uow: SqlUnitOfWork) -> UnitOfWork:
        """Lets mypy check that SqlUnitOfWork satisfies the UnitOfWork protocol."""
        return uow
