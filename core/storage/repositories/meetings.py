"""Meetings: rounds and phases live in the meeting's row, contributions in rows of their own."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, delete, func, insert, select, update

from core.domain.contribution import Contribution
from core.domain.errors import NotFound
from core.domain.meeting import Meeting, MeetingState
from core.storage.mapping import (
    contribution_from,
    contribution_values,
    meeting_from,
    meeting_values,
)
from core.storage.repositories.base import SqlRepository, new_id, update_versioned
from core.storage.tables import contributions, meetings

ACTIVE = (
    MeetingState.OPEN_FOR_CASES,
    MeetingState.CASE_CHOSEN,
    MeetingState.IN_PHASE,
    MeetingState.CLOSING,
)


class SqlMeetings(SqlRepository):
    def get(self, meeting_id: int, *, for_update: bool = False) -> Meeting:
        """``for_update``: the meeting is about to change: wait until nobody else is changing
        it, then read it (PostgreSQL ``SELECT ... FOR UPDATE``; on SQLite the one writer's
        lock, taken before anything is read, so the read is never stale)."""
        query = select(meetings).where(meetings.c.id == meeting_id)
        if for_update:
            if self.connection.dialect.name == "sqlite":
                self.connection.execute(
                    update(meetings)
                    .where(meetings.c.id == meeting_id)
                    .values(version=meetings.c.version)
                )
            else:
                query = query.with_for_update()
        found = self._load(query)
        if not found:
            raise NotFound("meeting.not_found")
        return found[0]

    def add(self, meeting: Meeting) -> Meeting:
        result = self.connection.execute(
            insert(meetings).values(**meeting_values(meeting), version=meeting.version)
        )
        meeting.id = new_id(result)
        self._write_contributions(meeting, stored={})
        self._saw(meeting)
        return meeting

    def save(self, meeting: Meeting) -> None:
        """Saves the meeting with its rounds and contributions. Raises ``ConcurrentChange``
        when the stored version is not ``meeting.version``; on success it is one higher."""
        assert meeting.id is not None, "save() of a meeting that was never added"
        update_versioned(
            self.connection,
            meetings,
            row_id=meeting.id,
            version=meeting.version,
            values=meeting_values(meeting),
        )
        stored = {
            row.id: dict(row._mapping)
            for row in self.connection.execute(
                select(contributions).where(contributions.c.meeting_id == meeting.id)
            )
        }
        self._write_contributions(meeting, stored=stored)
        meeting.version += 1
        self._saw(meeting)

    def for_group(self, group_id: int) -> list[Meeting]:
        """All meetings of a group, by sequence."""
        return self._load(
            select(meetings).where(meetings.c.group_id == group_id).order_by(meetings.c.sequence)
        )

    def current(self, group_id: int) -> Meeting | None:
        """The group's meeting that is running, else the next planned one, else None."""
        of_group = select(meetings).where(meetings.c.group_id == group_id).limit(1)
        running = self._load(
            of_group.where(meetings.c.state.in_([state.value for state in ACTIVE])).order_by(
                meetings.c.sequence.desc()
            )
        )
        if running:
            return running[0]
        planned = self._load(
            of_group.where(meetings.c.state == MeetingState.PLANNED.value).order_by(
                meetings.c.scheduled_at, meetings.c.sequence
            )
        )
        return planned[0] if planned else None

    def last_held(self, group_id: int, *, before: int) -> Meeting | None:
        """The group's latest meeting held to its end with a sequence below ``before``."""
        held = (MeetingState.EVALUATED.value, MeetingState.REPORTED.value)
        found = self._load(
            select(meetings)
            .where(
                meetings.c.group_id == group_id,
                meetings.c.sequence < before,
                meetings.c.state.in_(held),
            )
            .order_by(meetings.c.sequence.desc())
            .limit(1)
        )
        return found[0] if found else None

    def next_sequence(self, group_id: int) -> int:
        highest = self.connection.execute(
            select(func.max(meetings.c.sequence)).where(meetings.c.group_id == group_id)
        ).scalar_one()
        return 0 if highest is None else int(highest) + 1

    # ---------------------------------------------------------------- helpers

    def _write_contributions(self, meeting: Meeting, *, stored: dict[str, dict[str, Any]]) -> None:
        """Insert new contributions, update changed ones, and delete the ones the meeting no
        longer has (withdrawn: deleted on the platform). Safe because ``save`` is
        versioned: a meeting loaded before another's change cannot get here."""
        assert meeting.id is not None
        new: list[dict[str, Any]] = []
        for position, contribution in enumerate(meeting.contributions):
            contribution.meeting_id = meeting.id
            values = {**contribution_values(contribution), "position": position}
            before = stored.get(contribution.id)
            if before is None:
                new.append(values)
            elif before != values:
                self.connection.execute(
                    update(contributions)
                    .where(contributions.c.id == contribution.id)
                    .values({k: v for k, v in values.items() if k != "id"})
                )
        if new:
            self.connection.execute(insert(contributions), new)
        gone = set(stored) - {c.id for c in meeting.contributions}
        if gone:
            self.connection.execute(delete(contributions).where(contributions.c.id.in_(gone)))

    def _load(self, query: Select[Any]) -> list[Meeting]:
        rows = self.connection.execute(query).mappings().all()
        if not rows:
            return []
        said = self._contributions_of([row["id"] for row in rows])
        return [meeting_from(row, said[row["id"]]) for row in rows]

    def _contributions_of(self, meeting_ids: Sequence[int]) -> dict[int, list[Contribution]]:
        by_meeting: dict[int, list[Contribution]] = defaultdict(list)
        rows: Sequence[Row[Any]] = self.connection.execute(
            select(contributions)
            .where(contributions.c.meeting_id.in_(meeting_ids))
            .order_by(contributions.c.meeting_id, contributions.c.position)
        ).all()
        for row in rows:
            by_meeting[row.meeting_id].append(contribution_from(row._mapping))
        return by_meeting
