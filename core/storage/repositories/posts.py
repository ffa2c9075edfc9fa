"""Where meetings' messages live on the platforms, and how to reach people privately."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from core.services.ports import MeetingPost
from core.storage.repositories.base import SqlRepository
from core.storage.tables import conversation_refs, meeting_posts


class SqlMeetingPosts(SqlRepository):
    def get(self, meeting_id: int) -> MeetingPost | None:
        row = self.connection.execute(
            select(meeting_posts).where(meeting_posts.c.meeting_id == meeting_id)
        ).first()
        return _post(row) if row else None

    def begin(self, meeting_id: int, channel: str, *, key: str, now: datetime) -> None:
        self.connection.execute(
            delete(meeting_posts).where(meeting_posts.c.meeting_id == meeting_id)
        )
        self.connection.execute(
            insert(meeting_posts).values(
                meeting_id=meeting_id, channel=channel, ref=None, key=key, created_at=now
            )
        )

    def confirm(self, meeting_id: int, ref: str) -> None:
        self.connection.execute(
            update(meeting_posts).where(meeting_posts.c.meeting_id == meeting_id).values(ref=ref)
        )

    def find(self, channel: str, ref: str) -> MeetingPost | None:
        row = self.connection.execute(
            select(meeting_posts).where(
                meeting_posts.c.channel == channel, meeting_posts.c.ref == ref
            )
        ).first()
        return _post(row) if row else None


def _post(row: Row[Any]) -> MeetingPost:
    return MeetingPost(
        meeting_id=row.meeting_id,
        channel=row.channel,
        ref=row.ref,
        key=row.key,
        created_at=row.created_at,
    )


class SqlConversationRefs(SqlRepository):
    def get(self, workspace_id: int, person: str) -> dict[str, Any] | None:
        row = self.connection.execute(
            select(conversation_refs.c.data).where(
                conversation_refs.c.workspace_id == workspace_id,
                conversation_refs.c.person == person,
            )
        ).first()
        return dict(row.data) if row else None

    def named(self, workspace_id: int) -> dict[str, str]:
        rows = self.connection.execute(
            select(conversation_refs.c.person, conversation_refs.c.data).where(
                conversation_refs.c.workspace_id == workspace_id
            )
        )
        return {
            row.person: str(row.data["name"])
            for row in rows
            if isinstance(row.data, dict) and row.data.get("name")
        }

    def put(self, workspace_id: int, person: str, data: dict[str, Any], *, now: datetime) -> None:
        """Insert or replace in one statement: two activities from one person at the same
        moment (Teams' installationUpdate + conversationUpdate) must not collide."""
        values = {"workspace_id": workspace_id, "person": person, "data": data, "updated_at": now}
        dialect = self.connection.dialect.name
        if dialect in ("postgresql", "sqlite"):
            module = postgresql if dialect == "postgresql" else sqlite
            statement = module.insert(conversation_refs).values(values)
            self.connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[conversation_refs.c.workspace_id, conversation_refs.c.person],
                    set_={
                        "data": statement.excluded.data,
                        "updated_at": statement.excluded.updated_at,
                    },
                )
            )
            return
        self.connection.execute(  # pragma: no cover - only SQLite and PostgreSQL are supported
            delete(conversation_refs).where(
                conversation_refs.c.workspace_id == workspace_id,
                conversation_refs.c.person == person,
            )
        )
        self.connection.execute(insert(conversation_refs).values(values))  # pragma: no cover
