"""Meetings: rounds and phases live in the meeting's row, contributions in rows of their own."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, Row, Select, delete, func, insert, select, update

from core.domain.contribution import Contribution
from core.domain.errors import NotFound
from core.domain.events import Aggregate
from core.domain.meeting import Meeting, MeetingState
from core.domain.method import ContributionKind
from core.services.ports import MeetingFigures
from core.storage.mapping import (
    contribution_from,
    contribution_values,
    meeting_from,
    meeting_values,
)
from core.storage.repositories.base import SqlRepository, new_id, update_versioned
from core.storage.tables import contributions, meetings

HELD = (MeetingState.EVALUATED, MeetingState.REPORTED)
ACTIVE = (
    MeetingState.OPEN_FOR_CASES,
    MeetingState.CASE_CHOSEN,
    MeetingState.IN_PHASE,
    MeetingState.CLOSING,
)


class SqlMeetings(SqlRepository):
    """A meeting's contributions are remembered as read (or last written) in the unit of
    work, so that saving it writes only what changed without reading them again."""

    def __init__(self, connection: Connection, seen: list[Aggregate]) -> None:
        super().__init__(connection, seen)
        self._stored: dict[int, dict[str, dict[str, Any]]] = {}
        """Meeting id -> contribution id -> its row as stored."""

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
        stored = self._stored.get(meeting.id)
        if stored is None:  # not read in this unit of work
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

    def schedule_of(self, group_ids: Collection[int]) -> list[Meeting]:
        """The groups' meetings by time, WITHOUT their contributions (one query): for
        calendars and lists, which show when, not what was said."""
        if not group_ids:
            return []
        rows = self.connection.execute(
            select(meetings)
            .where(meetings.c.group_id.in_(list(group_ids)))
            .order_by(meetings.c.scheduled_at, meetings.c.id)
        ).mappings()
        return [meeting_from(row, ()) for row in rows]

    def current(self, group_id: int) -> Meeting | None:
        """The group's meeting that is running, else the next planned one, else None."""
        return self.current_of([group_id]).get(group_id)

    def current_of(self, group_ids: Collection[int]) -> dict[int, Meeting]:
        """``current`` of each group: its running meeting, else its next planned one."""
        if not group_ids:
            return {}
        wanted = [state.value for state in (*ACTIVE, MeetingState.PLANNED)]
        found = self._load(
            select(meetings).where(
                meetings.c.group_id.in_(list(group_ids)), meetings.c.state.in_(wanted)
            )
        )
        current: dict[int, Meeting] = {}
        for meeting in sorted(found, key=_precedence):
            current.setdefault(meeting.group_id, meeting)
        return current

    def figures_of(self, group_ids: Collection[int]) -> dict[int, MeetingFigures]:
        """Three queries: the meetings' states and participants (no contributions), who
        spoke in each meeting held, and the ratings summed per group."""
        ids = list(group_ids)
        figures: dict[int, Counter[str]] = {group_id: Counter() for group_id in ids}
        if not ids:
            return {}
        held = [state.value for state in HELD]
        counted = [*held, MeetingState.PLANNED.value]
        rows = self.connection.execute(
            select(
                meetings.c.id, meetings.c.group_id, meetings.c.state, meetings.c.participants
            ).where(meetings.c.group_id.in_(ids), meetings.c.state.in_(counted))
        ).all()
        participants: dict[int, set[str]] = {}
        group_of: dict[int, int] = {}
        for meeting_id, group_id, state, people in rows:
            tally = figures[group_id]
            if state == MeetingState.PLANNED.value:
                tally["planned"] += 1
                continue
            tally["held"] += 1
            tally["expected"] += len(people)
            participants[meeting_id] = set(people)
            group_of[meeting_id] = group_id
        held_ids = (
            select(meetings.c.id)
            .where(meetings.c.group_id.in_(ids), meetings.c.state.in_(held))
            .scalar_subquery()
        )
        spoke = self.connection.execute(
            select(contributions.c.meeting_id, contributions.c.author)
            .where(contributions.c.meeting_id.in_(held_ids))
            .distinct()
        )
        for meeting_id, author in spoke:
            if author in participants.get(meeting_id, ()):
                figures[group_of[meeting_id]]["present"] += 1
        rated = self.connection.execute(
            select(meetings.c.group_id, func.sum(contributions.c.score), func.count())
            .join(meetings, meetings.c.id == contributions.c.meeting_id)
            .where(
                contributions.c.meeting_id.in_(held_ids),
                contributions.c.kind == ContributionKind.RATING.value,
                contributions.c.score.is_not(None),
                contributions.c.score > 0,
            )
            .group_by(meetings.c.group_id)
        )
        for group_id, total, count in rated:
            figures[group_id].update(score_sum=int(total), score_count=int(count))
        return {group_id: MeetingFigures(**tally) for group_id, tally in figures.items()}

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
        written: dict[str, dict[str, Any]] = {}
        for position, contribution in enumerate(meeting.contributions):
            contribution.meeting_id = meeting.id
            values = {**contribution_values(contribution), "position": position}
            written[contribution.id] = values
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
        self._stored[meeting.id] = written

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
        for meeting_id in meeting_ids:
            self._stored[meeting_id] = {}
        for row in rows:
            by_meeting[row.meeting_id].append(contribution_from(row._mapping))
            self._stored[row.meeting_id][row.id] = dict(row._mapping)
        return by_meeting


def _precedence(meeting: Meeting) -> tuple[int, float, int]:
    """A group's current meeting first: a running one (the latest), else the next planned."""
    if meeting.state is not MeetingState.PLANNED:
        return (0, 0.0, -meeting.sequence)
    return (1, meeting.scheduled_at.timestamp(), meeting.sequence)
