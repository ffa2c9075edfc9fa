"""Trajectories, the tokens of the calendar feeds, and people's availability for reminders."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from core.domain.availability import Availability
from core.domain.common import PersonRef
from core.domain.errors import NotFound
from core.domain.trajectory import Trajectory
from core.services.ports import FeedOwner, Written
from core.storage.repositories.base import SqlRepository, new_id
from core.storage.tables import availability, calendar_entries, calendar_feeds, trajectories

LOCAL = "%Y-%m-%dT%H:%M"


class SqlTrajectories(SqlRepository):
    def add(self, trajectory: Trajectory) -> Trajectory:
        result = self.connection.execute(insert(trajectories).values(_values(trajectory)))
        trajectory.id = new_id(result)
        return trajectory

    def get(self, trajectory_id: int) -> Trajectory:
        row = (
            self.connection.execute(select(trajectories).where(trajectories.c.id == trajectory_id))
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound("trajectory.not_found")
        return Trajectory.model_validate(
            {**row, "first": datetime.strptime(row["first_local"], LOCAL)}
        )


def _values(trajectory: Trajectory) -> dict[str, Any]:
    return {
        "group_id": trajectory.group_id,
        "first_local": trajectory.first.strftime(LOCAL),
        "time_zone": trajectory.time_zone,
        "rule": trajectory.rule,
        "count": trajectory.count,
        "until": trajectory.until,
        "method_id": trajectory.method_id,
        "planned_at": trajectory.planned_at,
    }


class SqlCalendarFeeds(SqlRepository):
    def token_of(self, owner: FeedOwner) -> str | None:
        row = self.connection.execute(
            select(calendar_feeds.c.token).where(*_owned_by(owner))
        ).first()
        return None if row is None else str(row.token)

    def add(self, owner: FeedOwner, token: str, *, now: datetime) -> None:
        self.connection.execute(
            insert(calendar_feeds).values(
                token=token,
                workspace_id=owner.workspace_id,
                person=owner.person,
                group_id=owner.group_id,
                created_at=now,
            )
        )

    def revoke(self, owner: FeedOwner) -> int:
        return self.connection.execute(delete(calendar_feeds).where(*_owned_by(owner))).rowcount

    def owner_of(self, token: str) -> FeedOwner | None:
        row = self.connection.execute(
            select(calendar_feeds).where(calendar_feeds.c.token == token)
        ).first()
        if row is None:
            return None
        return FeedOwner(workspace_id=row.workspace_id, person=row.person, group_id=row.group_id)

    def forget_person(self, workspace_id: int, person: PersonRef) -> int:
        return self.revoke(FeedOwner(workspace_id=workspace_id, person=person))


def _owned_by(owner: FeedOwner) -> list[Any]:
    c = calendar_feeds.c
    return [
        c.workspace_id == owner.workspace_id,
        c.person.is_(None) if owner.person is None else c.person == owner.person,
        c.group_id.is_(None) if owner.group_id is None else c.group_id == owner.group_id,
    ]


class SqlAvailability(SqlRepository):
    def of(self, workspace_id: int, person: PersonRef) -> Availability:
        """The person's availability (the defaults when they never set it)."""
        return self.of_people(workspace_id, [person])[person]

    def of_people(
        self, workspace_id: int, people: Collection[PersonRef]
    ) -> dict[PersonRef, Availability]:
        """Each person's availability, in one query."""
        found = {
            row.person: Availability.model_validate(dict(row._mapping))
            for row in self.connection.execute(
                select(availability).where(
                    availability.c.workspace_id == workspace_id,
                    availability.c.person.in_(list(people)),
                )
            )
        }
        return {
            p: found.get(p) or Availability(workspace_id=workspace_id, person=p) for p in people
        }

    def save(self, said: Availability) -> None:
        values = said.model_dump()
        keys = {"workspace_id": said.workspace_id, "person": said.person}
        updated = self.connection.execute(
            update(availability)
            .where(
                availability.c.workspace_id == said.workspace_id,
                availability.c.person == said.person,
            )
            .values({k: v for k, v in values.items() if k not in keys})
        )
        if updated.rowcount == 0:
            self.connection.execute(insert(availability).values(values))

    def forget_person(self, workspace_id: int, person: PersonRef) -> int:
        return self.connection.execute(
            delete(availability).where(
                availability.c.workspace_id == workspace_id, availability.c.person == person
            )
        ).rowcount


class SqlCalendarEntries(SqlRepository):
    def of(self, workspace_id: int, person: PersonRef) -> dict[str, Written]:
        rows = self.connection.execute(
            select(calendar_entries.c.key, calendar_entries.c.ref, calendar_entries.c.digest).where(
                calendar_entries.c.workspace_id == workspace_id,
                calendar_entries.c.person == person,
            )
        )
        return {row.key: Written(ref=row.ref, digest=row.digest) for row in rows}

    def put(
        self, workspace_id: int, person: PersonRef, key: str, written: Written, *, now: datetime
    ) -> None:
        where = (
            calendar_entries.c.workspace_id == workspace_id,
            calendar_entries.c.person == person,
            calendar_entries.c.key == key,
        )
        values = {"ref": written.ref, "digest": written.digest, "updated_at": now}
        # One person's entries are written by one delivery at a time (their outbox sequence).
        if self.connection.execute(update(calendar_entries).where(*where).values(values)).rowcount:
            return
        self.connection.execute(
            insert(calendar_entries).values(
                workspace_id=workspace_id, person=person, key=key, **values
            )
        )
