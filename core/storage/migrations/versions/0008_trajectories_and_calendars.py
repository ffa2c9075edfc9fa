"""Trajectories (a group's planned series of meetings), each meeting's trajectory and
revision (a calendar's SEQUENCE), the calendar feeds' tokens, and each person's
availability for reminders (quiet hours, days away).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trajectories",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("group_id", sa.Integer, nullable=False),
        sa.Column("first_local", sa.String(16), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("count", sa.Integer, nullable=True),
        sa.Column("until", sa.Date, nullable=True),
        sa.Column("method_id", sa.String(64), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=False), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_trajectories"),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_trajectories_group_id_groups"
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_trajectories_group_id", "trajectories", ["group_id"])
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("trajectory_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("revision", sa.Integer, nullable=False, server_default="0"))
        batch.create_foreign_key(
            "fk_meetings_trajectory_id_trajectories", "trajectories", ["trajectory_id"], ["id"]
        )
    op.create_table(
        "calendar_feeds",
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("workspace_id", sa.Integer, nullable=False),
        sa.Column("person", sa.String(255), nullable=True),
        sa.Column("group_id", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
        sa.PrimaryKeyConstraint("token", name="pk_calendar_feeds"),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name="fk_calendar_feeds_workspace_id_workspaces"
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_calendar_feeds_group_id_groups"
        ),
        sa.CheckConstraint(
            "(person IS NULL) <> (group_id IS NULL)", name="ck_calendar_feeds_one_owner"
        ),
        sa.UniqueConstraint(
            "workspace_id",
            "person",
            "group_id",
            name="uq_calendar_feeds_workspace_id_person_group_id",
        ),
    )
    op.create_table(
        "availability",
        sa.Column("workspace_id", sa.Integer, nullable=False),
        sa.Column("person", sa.String(255), nullable=False),
        sa.Column("quiet_from", sa.Time, nullable=True),
        sa.Column("quiet_until", sa.Time, nullable=True),
        sa.Column("away_from", sa.Date, nullable=True),
        sa.Column("away_until", sa.Date, nullable=True),
        sa.PrimaryKeyConstraint("workspace_id", "person", name="pk_availability"),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name="fk_availability_workspace_id_workspaces"
        ),
    )


def downgrade() -> None:
    op.drop_table("availability")
    op.drop_table("calendar_feeds")
    with op.batch_alter_table("meetings") as batch:
        batch.drop_constraint("fk_meetings_trajectory_id_trajectories", type_="foreignkey")
        batch.drop_column("revision")
        batch.drop_column("trajectory_id")
    op.drop_index("ix_trajectories_group_id", "trajectories")
    op.drop_table("trajectories")
