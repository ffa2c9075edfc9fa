"""The unit of work over SQLAlchemy: one connection, one transaction, every repository."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy import Connection, Engine

from core.services.ports import (
    CaseRepository,
    ConversationRefs,
    GoalRepository,
    GroupRepository,
    InboundEvents,
    MeetingPosts,
    MeetingRepository,
    Outbox,
    TaskRepository,
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


class SqlUnitOfWork:
    """One transaction. Leaving the ``with`` block without ``commit()`` rolls back.

    After ``commit()`` the unit of work stays usable: the next statement opens a new
    transaction, which is rolled back on exit unless committed in turn."""

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

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("use the unit of work in a 'with' block")
        return self._connection

    def __enter__(self) -> Self:
        connection = self.engine.connect()
        connection.begin()
        self._connection = connection
        self.workspaces = SqlWorkspaces(connection)
        self.groups = SqlGroups(connection)
        self.meetings = SqlMeetings(connection)
        self.cases = SqlCases(connection)
        self.goals = SqlGoals(connection)
        self.tasks = SqlTasks(connection)
        self.inbound = SqlInboundEvents(connection)
        self.outbox = SqlOutbox(connection)
        self.posts = SqlMeetingPosts(connection)
        self.conversations = SqlConversationRefs(connection)
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
        self.connection.commit()

    def rollback(self) -> None:
        self.connection.rollback()


def make_uow_factory(engine: Engine) -> Callable[[], SqlUnitOfWork]:
    """What ``core.services.context.Context.uow`` wants: a fresh unit of work per call."""

    def factory() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine)

    return factory


if TYPE_CHECKING:

    def _implements_the_port(uow: SqlUnitOfWork) -> UnitOfWork:
        """Lets mypy check that SqlUnitOfWork satisfies the UnitOfWork protocol."""
        return uow
