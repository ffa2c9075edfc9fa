"""Groups, with their members and managers in order."""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, RowMapping, Select, delete, insert, or_, select

from core.domain.common import ChannelRef, PersonRef
from core.domain.errors import NotFound
from core.domain.events import Aggregate
from core.domain.group import Group
from core.storage.mapping import group_from, group_people_values, group_values
from core.storage.repositories.base import SqlRepository, new_id, update_versioned
from core.storage.tables import group_people, groups


class SqlGroups(SqlRepository):
    """Each group read in a unit of work is one object there (an identity map): what a
    service changed is what the publisher reads, without reading it again."""

    def __init__(self, connection: Connection, seen: builtins.list[Aggregate]) -> None:
        super().__init__(connection, seen)
        self._loaded: dict[int, Group] = {}

    def get(self, group_id: int) -> Group:
        """The group (read once per unit of work: later calls return the same object)."""
        if group_id in self._loaded:
            return self._loaded[group_id]
        found = self._load(select(groups).where(groups.c.id == group_id))
        if not found:
            raise NotFound("group.not_found")
        return found[0]

    def by_channel(self, workspace_id: int, channel: ChannelRef) -> Group | None:
        found = self._load(
            select(groups).where(groups.c.workspace_id == workspace_id, groups.c.channel == channel)
        )
        return found[0] if found else None

    def list(self, workspace_id: int | None = None) -> builtins.list[Group]:
        query = select(groups)
        if workspace_id is not None:
            query = query.where(groups.c.workspace_id == workspace_id)
        return self._load(query)

    def for_person(self, workspace_id: int, person: PersonRef) -> builtins.list[Group]:
        """Groups where the person is a member, the facilitator or a manager."""
        involved = select(group_people.c.group_id).where(group_people.c.person == person)
        return self._load(
            select(groups).where(
                groups.c.workspace_id == workspace_id,
                or_(groups.c.facilitator == person, groups.c.id.in_(involved)),
            )
        )

    def add(self, group: Group) -> Group:
        result = self.connection.execute(
            insert(groups).values(
                **group_values(group), version=group.version, created_at=datetime.now(UTC)
            )
        )
        group.id = new_id(result)
        self._write_people(group)
        self._saw(group)
        self._loaded[group.id] = group
        return group

    def save(self, group: Group) -> None:
        """Raises ``ConcurrentChange`` when the stored version is not ``group.version``."""
        assert group.id is not None, "save() of a group that was never added"
        update_versioned(
            self.connection,
            groups,
            row_id=group.id,
            version=group.version,
            values=group_values(group),
        )
        self.connection.execute(delete(group_people).where(group_people.c.group_id == group.id))
        self._write_people(group)
        group.version += 1
        self._saw(group)

    def _write_people(self, group: Group) -> None:
        rows = group_people_values(group)
        if rows:
            self.connection.execute(insert(group_people), rows)

    def _load(self, query: Select[tuple[object, ...]]) -> builtins.list[Group]:
        rows = self.connection.execute(query.order_by(groups.c.id)).mappings().all()
        if not rows:
            return []
        people: dict[int, builtins.list[RowMapping]] = defaultdict(builtins.list)
        for person in self._people_of([row["id"] for row in rows]):
            people[person["group_id"]].append(person)
        return [
            self._loaded.setdefault(row["id"], group_from(row, people[row["id"]])) for row in rows
        ]

    def _people_of(self, group_ids: Sequence[int]) -> Sequence[RowMapping]:
        query = (
            select(group_people)
            .where(group_people.c.group_id.in_(group_ids))
            .order_by(group_people.c.group_id, group_people.c.role, group_people.c.position)
        )
        return self.connection.execute(query).mappings().all()
