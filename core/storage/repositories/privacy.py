"""A person's data by workspace and person together, what retention finds due, and the
audit trail of both (see ``core.services.privacy``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Delete, Select, delete, exists, or_, select

from core.domain.common import PersonRef
from core.domain.goals import LearningGoal
from core.domain.meeting import FINISHED
from core.domain.privacy import AuditEntry
from core.domain.tasks import PreparationTask
from core.services.ports import OutboxRecord
from core.storage.mapping import goal_from, task_from
from core.storage.repositories.base import SqlRepository, new_id
from core.storage.repositories.messages import DELIVERED
from core.storage.tables import (
    audit,
    calendar_entries,
    cases,
    contributions,
    conversation_refs,
    groups,
    learning_goals,
    meetings,
    outbox,
    preparation_tasks,
    workspaces,
)


def _groups_in(workspace_id: int) -> Select[tuple[int]]:
    return select(groups.c.id).where(groups.c.workspace_id == workspace_id)


def _meetings_in(workspace_id: int) -> Select[tuple[int]]:
    return select(meetings.c.id).where(meetings.c.group_id.in_(_groups_in(workspace_id)))


def _goals(workspace_id: int, person: PersonRef) -> list[ColumnElement[bool]]:
    return [
        learning_goals.c.group_id.in_(_groups_in(workspace_id)),
        learning_goals.c.person == person,
    ]


def _tasks(workspace_id: int, person: PersonRef) -> list[ColumnElement[bool]]:
    return [
        preparation_tasks.c.meeting_id.in_(_meetings_in(workspace_id)),
        preparation_tasks.c.person == person,
    ]


def _addressed_to(workspace_id: int, person: PersonRef) -> list[ColumnElement[bool]]:
    """Rows for the person, or naming them as who started a meeting (``notify``)."""
    return [
        outbox.c.workspace_id == workspace_id,
        or_(
            outbox.c.payload["person"].as_string() == person,
            outbox.c.payload[("data", "started_by")].as_string() == person,
        ),
    ]


class SqlPrivacy(SqlRepository):
    def workspace_ids(self) -> list[int]:
        return list(
            self.connection.execute(select(workspaces.c.id).order_by(workspaces.c.id)).scalars()
        )

    def expired_meetings(
        self, workspace_id: int, *, ended_before: datetime, limit: int
    ) -> list[int]:
        text_left = exists().where(
            contributions.c.meeting_id == meetings.c.id, contributions.c.removed_at.is_(None)
        )
        case_left = exists().where(
            cases.c.id == meetings.c.case_id,
            cases.c.meeting_id == meetings.c.id,
            cases.c.removed_at.is_(None),
        )
        query = (
            select(meetings.c.id)
            .where(
                meetings.c.group_id.in_(_groups_in(workspace_id)),
                meetings.c.state.in_([state.value for state in FINISHED]),
                meetings.c.ended_at <= ended_before,
                or_(text_left, case_left),
            )
            .order_by(meetings.c.ended_at, meetings.c.id)
            .limit(limit)
        )
        return list(self.connection.execute(query).scalars())

    def delete_delivered(self, workspace_id: int, *, delivered_before: datetime, limit: int) -> int:
        due = (
            select(outbox.c.id)
            .where(
                outbox.c.workspace_id == workspace_id,
                outbox.c.status == DELIVERED,
                outbox.c.delivered_at <= delivered_before,
            )
            .order_by(outbox.c.id)
            .limit(limit)
        )
        return self._deleted(delete(outbox).where(outbox.c.id.in_(due)))

    def goals_of(self, workspace_id: int, person: PersonRef) -> list[LearningGoal]:
        query = select(learning_goals).where(*_goals(workspace_id, person))
        rows = self.connection.execute(
            query.order_by(learning_goals.c.created_at, learning_goals.c.id)
        ).mappings()
        return [goal_from(row) for row in rows]

    def tasks_of(self, workspace_id: int, person: PersonRef) -> list[PreparationTask]:
        query = select(preparation_tasks).where(*_tasks(workspace_id, person))
        rows = self.connection.execute(
            query.order_by(preparation_tasks.c.due_at, preparation_tasks.c.kind)
        ).mappings()
        return [task_from(row) for row in rows]

    def outbox_for(self, workspace_id: int, person: PersonRef) -> list[OutboxRecord]:
        query = select(outbox).where(*_addressed_to(workspace_id, person)).order_by(outbox.c.id)
        return [
            OutboxRecord(
                id=row.id,
                topic=row.topic,
                status=row.status,
                attempts=row.attempts,
                created_at=row.created_at,
                delivered_at=row.delivered_at,
                payload=row.payload,
            )
            for row in self.connection.execute(query)
        ]

    def delete_goals(self, workspace_id: int, person: PersonRef) -> int:
        return self._deleted(delete(learning_goals).where(*_goals(workspace_id, person)))

    def delete_tasks(self, workspace_id: int, person: PersonRef) -> int:
        return self._deleted(delete(preparation_tasks).where(*_tasks(workspace_id, person)))

    def delete_outbox(self, workspace_id: int, person: PersonRef) -> int:
        return self._deleted(delete(outbox).where(*_addressed_to(workspace_id, person)))

    def delete_conversation(self, workspace_id: int, person: PersonRef) -> int:
        """How to reach the person, privately and in their own calendar."""
        self._deleted(
            delete(calendar_entries).where(
                calendar_entries.c.workspace_id == workspace_id,
                calendar_entries.c.person == person,
            )
        )
        return self._deleted(
            delete(conversation_refs).where(
                conversation_refs.c.workspace_id == workspace_id,
                conversation_refs.c.person == person,
            )
        )

    def delete_cases(self, workspace_id: int, person: PersonRef, case_ids: list[int]) -> int:
        if not case_ids:
            return 0
        return self._deleted(
            delete(cases).where(
                cases.c.id.in_(case_ids),
                cases.c.owner == person,
                cases.c.group_id.in_(_groups_in(workspace_id)),
            )
        )

    def _deleted(self, statement: Delete) -> int:
        return int(self.connection.execute(statement).rowcount)


class SqlAudit(SqlRepository):
    def add(self, entry: AuditEntry) -> AuditEntry:
        values = entry.model_dump(exclude={"id"})
        values["action"] = entry.action.value
        entry.id = new_id(self.connection.execute(audit.insert().values(values)))
        return entry

    def latest(self, *, workspace_id: int | None = None, limit: int) -> list[AuditEntry]:
        query = select(audit).order_by(audit.c.id.desc()).limit(limit)
        if workspace_id is not None:
            query = query.where(audit.c.workspace_id == workspace_id)
        return [_entry(row) for row in self.connection.execute(query).mappings()]


def _entry(row: Any) -> AuditEntry:
    return AuditEntry.model_validate(dict(row))
