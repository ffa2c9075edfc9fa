"""Where meetings' messages live on the platforms, and how to reach people privately."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from core.services.ports import MeetingPost
from core.storage.repositories.base import SqlRepository
from core.storage.tables import conversation_refs, meeting_posts


class SqlMeetingPosts(SqlRepository):
    def get(self, meeting_id: int) -> MeetingPost | None:
        row = self.connection.execute(
            select(meeting_posts).where(meeting_posts.c.meeting_id == meeting_id)
        ).first()
        return (
            MeetingPost(meeting_id=row.meeting_id, channel=row.channel, ref=row.ref)
            if row
            else None
        )

    def put(self, post: MeetingPost, *, now: datetime) -> None:
        self.connection.execute(
            delete(meeting_posts).where(meeting_posts.c.meeting_id == post.meeting_id)
        )
        self.connection.execute(
            insert(meeting_posts).values(
                meeting_id=post.meeting_id, channel=post.channel, ref=post.ref, created_at=now
            )
        )

    def find(self, channel: str, ref: str) -> MeetingPost | None:
        row = self.connection.execute(
            select(meeting_posts).where(
                meeting_posts.c.channel == channel, meeting_posts.c.ref == ref
            )
        ).first()
        return (
            MeetingPost(meeting_id=row.meeting_id, channel=row.channel, ref=row.ref)
            if row
            else None
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
