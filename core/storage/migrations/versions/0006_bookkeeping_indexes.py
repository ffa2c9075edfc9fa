"""Indexes for forgetting old bookkeeping: inbound-event keys by when they came in, and
outbox rows by status and when they were delivered (``core.services.bookkeeping``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_events") as batch:
        batch.create_index("ix_inbound_events_received_at", ["received_at"])
    with op.batch_alter_table("outbox") as batch:
        batch.create_index("ix_outbox_status_delivered_at", ["status", "delivered_at"])


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_status_delivered_at")
    with op.batch_alter_table("inbound_events") as batch:
        batch.drop_index("ix_inbound_events_received_at")
