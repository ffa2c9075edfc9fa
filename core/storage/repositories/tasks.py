"""Preparation tasks, per person and meeting."""

from __future__ import annotations

from sqlalchemy import insert, select, update

from core.domain.common import PersonRef
from core.domain.errors import NotFound
from core.domain.tasks import PreparationTask, TaskStatus
from core.storage.mapping import task_from, task_values
from core.storage.repositories.base import SqlRepository
from core.storage.tables import groups, meetings, preparation_tasks

_ORDER = (preparation_tasks.c.due_at, preparation_tasks.c.person, preparation_tasks.c.kind)


class SqlTasks(SqlRepository):
    def get(self, task_id: str) -> PreparationTask:
        row = (
            self.connection.execute(
                select(preparation_tasks).where(preparation_tasks.c.id == task_id)
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound("task.not_found")
        return task_from(row)

    def for_person(
        self, workspace_id: int, person: PersonRef, *, open_only: bool = True
    ) -> list[PreparationTask]:
        """The person's tasks in the workspace (a person ref means nothing outside it),
        soonest due first."""
        query = (
            select(preparation_tasks)
            .join(meetings, meetings.c.id == preparation_tasks.c.meeting_id)
            .join(groups, groups.c.id == meetings.c.group_id)
            .where(groups.c.workspace_id == workspace_id, preparation_tasks.c.person == person)
        )
        if open_only:
            query = query.where(preparation_tasks.c.status == TaskStatus.OPEN.value)
        rows = self.connection.execute(query.order_by(*_ORDER)).mappings().all()
        return [task_from(row) for row in rows]

    def for_meeting(self, meeting_id: int) -> list[PreparationTask]:
        query = select(preparation_tasks).where(preparation_tasks.c.meeting_id == meeting_id)
        rows = self.connection.execute(query.order_by(*_ORDER)).mappings().all()
        return [task_from(row) for row in rows]

    def add(self, task: PreparationTask) -> None:
        self.connection.execute(insert(preparation_tasks).values(task_values(task)))

    def save(self, task: PreparationTask) -> None:
        values = task_values(task)
        del values["id"]
        result = self.connection.execute(
            update(preparation_tasks).where(preparation_tasks.c.id == task.id).values(values)
        )
        if result.rowcount != 1:
            raise NotFound("task.not_found")
