"""Inbound event keys (idempotency) and the outbox (notifications to deliver after commit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Insert, delete, exists, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from core.services.ports import Notification
from core.storage.mapping import notification_payload
from core.storage.repositories.base import SqlRepository
from core.storage.tables import inbound_events, outbox

PENDING, DELIVERED, PARKED = "pending", "delivered", "parked"
MAX_ERROR_LENGTH = 2000
"""How much of a failure's description a row keeps (``last_error``)."""


class SqlInboundEvents(SqlRepository):
    def seen(self, platform: str, key: str) -> bool:
        found = self.connection.execute(
            select(
                exists().where(inbound_events.c.platform == platform, inbound_events.c.key == key)
            )
        )
        return bool(found.scalar_one())

    def first_time(self, platform: str, key: str, *, now: datetime) -> bool:
        """Record an inbound event key; False when it was seen before (a redelivery).

        ``INSERT ... ON CONFLICT DO NOTHING RETURNING``: a duplicate is no error, so the
        surrounding transaction stays usable on PostgreSQL, and returns no row."""
        values = {"platform": platform, "key": key, "received_at": now}
        dialect = self.connection.dialect.name
        statement: Insert
        if dialect == "postgresql":
            statement = postgresql.insert(inbound_events).values(values).on_conflict_do_nothing()
        elif dialect == "sqlite":  # RETURNING needs SQLite 3.35 (2021)
            statement = sqlite.insert(inbound_events).values(values).on_conflict_do_nothing()
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            seen = select(
                exists().where(inbound_events.c.platform == platform, inbound_events.c.key == key)
            )
            if self.connection.execute(seen).scalar_one():
                return False
            statement = insert(inbound_events).values(values)
        inserted = self.connection.execute(statement.returning(inbound_events.c.key))
        return inserted.first() is not None

    def forget_before(self, before: datetime, *, limit: int) -> int:
        due = (
            select(inbound_events.c.platform, inbound_events.c.key)
            .where(inbound_events.c.received_at < before)
            .order_by(inbound_events.c.received_at)
            .limit(limit)
        )
        rows = self.connection.execute(due).all()
        if not rows:
            return 0
        forgotten = self.connection.execute(
            delete(inbound_events).where(
                tuple_(inbound_events.c.platform, inbound_events.c.key).in_(
                    [(platform, key) for platform, key in rows]
                )
            )
        )
        return int(forgotten.rowcount)


class SqlOutbox(SqlRepository):
    added = 0
    """Rows added in this unit of work since its last commit (the worker is woken for them)."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._queued: list[dict[str, Any]] = []

    def add(self, notification: Notification, *, now: datetime, at: datetime | None = None) -> None:
        """Queue the notification in the current transaction: it exists only if that commits
        (written with the others of the unit of work, in order, by ``flush``); it is due
        ``at`` (a reminder), or at once."""
        self.added += 1
        self._queued.append(
            {
                "topic": notification.topic,
                "workspace_id": notification.workspace_id,
                "payload": notification_payload(notification),
                "sequence": notification.sequence,
                "status": PENDING,
                "attempts": 0,
                "available_at": at or now,
                "created_at": now,
            }
        )

    def flush(self) -> None:
        """Write what was queued in one statement, rows in the order they were added (the
        unit of work calls this before it commits, and every other step here first)."""
        queued, self._queued = self._queued, []
        if queued:
            self.connection.execute(insert(outbox), queued)

    def forget_delivered(self, before: datetime, *, limit: int) -> int:
        self.flush()
        due = (
            select(outbox.c.id)
            .where(outbox.c.status == DELIVERED, outbox.c.delivered_at < before)
            .order_by(outbox.c.id)
            .limit(limit)
        )
        ids = list(self.connection.execute(due).scalars())
        if not ids:
            return 0
        return int(self.connection.execute(delete(outbox).where(outbox.c.id.in_(ids))).rowcount)

    def mark_delivered(self, outbox_id: int, *, now: datetime) -> None:
        self.flush()
        self.connection.execute(
            update(outbox)
            .where(outbox.c.id == outbox_id)
            .values(status=DELIVERED, delivered_at=now, locked_until=None, last_error=None)
        )

    def pending_after(self, sequence: str, *, topic: str, after: int) -> list[int]:
        self.flush()
        query = (
            select(outbox.c.id)
            .where(
                outbox.c.sequence == sequence,
                outbox.c.status == PENDING,
                outbox.c.topic == topic,
                outbox.c.id > after,
            )
            .order_by(outbox.c.id)
        )
        return list(self.connection.execute(query).scalars())

    def mark_covered(self, outbox_ids: list[int], *, now: datetime) -> int:
        self.flush()
        if not outbox_ids:
            return 0
        covered = self.connection.execute(
            update(outbox)
            .where(outbox.c.id.in_(outbox_ids), outbox.c.status == PENDING)
            .values(status=DELIVERED, delivered_at=now, locked_until=None, last_error=None)
        )
        return int(covered.rowcount)

    def park_sequence(self, sequence: str, *, error: str) -> int:
        self.flush()
        parked = self.connection.execute(
            update(outbox)
            .where(outbox.c.sequence == sequence, outbox.c.status == PENDING)
            .values(status=PARKED, locked_until=None, last_error=error[:MAX_ERROR_LENGTH])
        )
        return int(parked.rowcount)

    def requeue_sequence(self, sequence: str, *, now: datetime) -> int:
        self.flush()
        requeued = self.connection.execute(
            update(outbox)
            .where(outbox.c.sequence == sequence, outbox.c.status == PARKED)
            .values(status=PENDING, attempts=0, available_at=now, locked_until=None)
        )
        self.added += int(requeued.rowcount)  # the worker is woken for them
        return int(requeued.rowcount)

    def discard_parked(self, sequence: str) -> int:
        self.flush()
        discarded = self.connection.execute(
            delete(outbox).where(outbox.c.sequence == sequence, outbox.c.status == PARKED)
        )
        return int(discarded.rowcount)
