"""Whether a group's channel may show case content: who else was in it when it was last
looked at, and whom the facilitator accepted.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(
            sa.Column("channel_status", sa.String(16), nullable=False, server_default="unchecked")
        )
        batch.add_column(
            sa.Column("channel_outsiders", _json(), nullable=False, server_default="[]")
        )
        batch.add_column(
            sa.Column("channel_accepted", _json(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("channel_accepted")
        batch.drop_column("channel_outsiders")
        batch.drop_column("channel_status")
