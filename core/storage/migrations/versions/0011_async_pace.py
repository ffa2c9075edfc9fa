"""Async meetings: a group's days per phase and whether it waits for its chair at a
deadline; a meeting's days per phase (NULL: a live meeting). A group's own due times of
preparation tasks (NULL: the defaults).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(sa.Column("async_days", sa.Integer, nullable=True))
        batch.add_column(
            sa.Column(
                "task_offsets",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                nullable=True,
            )
        )
        batch.add_column(
            sa.Column("async_waits", sa.Boolean, nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("phase_days", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("phase_days")
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("task_offsets")
        batch.drop_column("async_waits")
        batch.drop_column("async_days")
