"""A meeting's message is recorded before it is posted: ``ref`` is empty until the platform
answers, and ``key`` is what the message carries so that it can be found again when the
process died in between (no second post of the meeting's one message).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REF = 255


def upgrade() -> None:
    with op.batch_alter_table("meeting_posts") as batch:
        batch.alter_column("ref", existing_type=sa.String(REF), nullable=True)
        batch.add_column(sa.Column("key", sa.String(REF), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM meeting_posts WHERE ref IS NULL")
    with op.batch_alter_table("meeting_posts") as batch:
        batch.drop_column("key")
        batch.alter_column("ref", existing_type=sa.String(REF), nullable=False)
