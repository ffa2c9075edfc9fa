"""Cases brought in by members."""

from __future__ import annotations

from sqlalchemy import insert, select, update

from core.domain.case import Case, CaseStatus
from core.domain.errors import NotFound
from core.storage.mapping import case_from, case_values
from core.storage.repositories.base import SqlRepository, new_id
from core.storage.tables import cases


class SqlCases(SqlRepository):
    def get(self, case_id: int) -> Case:
        row = self.connection.execute(select(cases).where(cases.c.id == case_id)).mappings().first()
        if row is None:
            raise NotFound("case.not_found")
        return case_from(row)

    def add(self, case: Case) -> Case:
        result = self.connection.execute(insert(cases).values(case_values(case)))
        case.id = new_id(result)
        self._saw(case)
        return case

    def save(self, case: Case) -> None:
        result = self.connection.execute(
            update(cases).where(cases.c.id == case.id).values(case_values(case))
        )
        if result.rowcount != 1:
            raise NotFound("case.not_found")
        self._saw(case)

    def for_group(self, group_id: int, statuses: tuple[CaseStatus, ...] = ()) -> list[Case]:
        """The group's cases in the order they were submitted, optionally of some statuses."""
        query = select(cases).where(cases.c.group_id == group_id)
        if statuses:
            query = query.where(cases.c.status.in_([status.value for status in statuses]))
        rows = self.connection.execute(query.order_by(cases.c.id)).mappings().all()
        return [case_from(row) for row in rows]
