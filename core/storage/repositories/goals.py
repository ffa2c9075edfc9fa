"""Learning goals, per person and group."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import insert, select, update

from core.domain.common import PersonRef
from core.domain.errors import NotFound
from core.domain.goals import LearningGoal
from core.storage.mapping import goal_from, goal_values
from core.storage.repositories.base import SqlRepository
from core.storage.tables import groups, learning_goals


class SqlGoals(SqlRepository):
    def get(self, goal_id: str) -> LearningGoal:
        row = (
            self.connection.execute(select(learning_goals).where(learning_goals.c.id == goal_id))
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound("goal.not_found")
        return goal_from(row)

    def people_with_goals(self, group_ids: Collection[int]) -> dict[int, set[PersonRef]]:
        found: dict[int, set[PersonRef]] = {group_id: set() for group_id in group_ids}
        if not group_ids:
            return found
        rows = self.connection.execute(
            select(learning_goals.c.group_id, learning_goals.c.person)
            .where(learning_goals.c.group_id.in_(list(group_ids)))
            .distinct()
        )
        for group_id, person in rows:
            found[group_id].add(person)
        return found

    def for_person(
        self, workspace_id: int, person: PersonRef, group_id: int | None = None
    ) -> list[LearningGoal]:
        """The person's goals in the workspace (a person ref means nothing outside it),
        oldest first."""
        query = (
            select(learning_goals)
            .join(groups, groups.c.id == learning_goals.c.group_id)
            .where(groups.c.workspace_id == workspace_id, learning_goals.c.person == person)
        )
        if group_id is not None:
            query = query.where(learning_goals.c.group_id == group_id)
        rows = (
            self.connection.execute(
                query.order_by(learning_goals.c.created_at, learning_goals.c.id)
            )
            .mappings()
            .all()
        )
        return [goal_from(row) for row in rows]

    def add(self, goal: LearningGoal) -> None:
        self.connection.execute(insert(learning_goals).values(goal_values(goal)))

    def save(self, goal: LearningGoal) -> None:
        values = goal_values(goal)
        del values["id"]
        result = self.connection.execute(
            update(learning_goals).where(learning_goals.c.id == goal.id).values(values)
        )
        if result.rowcount != 1:
            raise NotFound("goal.not_found")
