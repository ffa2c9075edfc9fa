"""Privacy: a retention period per workspace, the marks of removed texts on contributions
and cases, and the audit trail of purges, exports and erasures.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REF = 255
MARKED = ("contributions", "cases")


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.add_column(sa.Column("retention_days", sa.Integer(), nullable=True))
    for table in MARKED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("removed_at", sa.DateTime(timezone=False), nullable=True))
            batch.add_column(sa.Column("removed_after_days", sa.Integer(), nullable=True))
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("requested_by", sa.String(REF), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(REF), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column(
            "detail", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit"),
        sa.CheckConstraint("action IN ('purge', 'export', 'erase')", name="ck_audit_action"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_workspace_id_id", "audit", ["workspace_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_workspace_id_id", table_name="audit")
    op.drop_table("audit")
    for table in MARKED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("removed_after_days")
            batch.drop_column("removed_at")
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_column("retention_days")
