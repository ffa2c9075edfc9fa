"""Outbox rows that must arrive in order (a meeting's thread) share a ``sequence``: a row
is delivered only when no earlier row of its sequence is still pending.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("sequence", sa.String(64), nullable=True))
        batch.create_index("ix_outbox_sequence_status_id", ["sequence", "status", "id"])


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_sequence_status_id")
        batch.drop_column("sequence")
