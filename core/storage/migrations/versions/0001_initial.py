"""The initial schema: workspaces, groups, meetings, contributions, cases, goals, tasks,
inbound event keys and the outbox.

Revision ID: 0001
Revises:
Create Date: 2026-01-15
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REF = 255


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _moment(name: str, *, nullable: bool = False) -> sa.Column[object]:
    """Naive UTC in the database; ``core.storage.types.UTCDateTime`` adds the zone."""
    return sa.Column(name, sa.DateTime(timezone=False), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(REF), nullable=False),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("managers_channel", sa.String(REF), nullable=True),
        sa.Column("managers", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_workspaces"),
        sa.UniqueConstraint("platform", "external_id", name="uq_workspaces_platform_external_id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(REF), nullable=False),
        sa.Column("channel", sa.String(REF), nullable=False),
        sa.Column("facilitator", sa.String(REF), nullable=True),
        sa.Column("rotating_chair", sa.Boolean(), nullable=False),
        sa.Column("method_id", sa.String(64), nullable=False),
        sa.Column("cadence", sa.String(32), nullable=False),
        sa.Column("ground_rules", sa.Text(), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _moment("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_groups"),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name="fk_groups_workspace_id_workspaces"
        ),
        sa.UniqueConstraint("workspace_id", "channel", name="uq_groups_workspace_id_channel"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "group_people",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(REF), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "person", "role", name="pk_group_people"),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_group_people_group_id_groups"
        ),
        sa.CheckConstraint("role IN ('member', 'manager')", name="ck_group_people_role"),
    )
    op.create_index("ix_group_people_person", "group_people", ["person"])
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("method_id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        _moment("scheduled_at"),
        _moment("started_at", nullable=True),
        _moment("ended_at", nullable=True),
        sa.Column("chair", sa.String(REF), nullable=True),
        sa.Column("participants", _json(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("case_owner", sa.String(REF), nullable=True),
        sa.Column("phases", _json(), nullable=False),
        sa.Column("phase_index", sa.Integer(), nullable=True),
        sa.Column("rounds", _json(), nullable=False),
        sa.Column("skipped_steps", _json(), nullable=False),
        _moment("paused_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_meetings"),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], name="fk_meetings_group_id_groups"),
        sa.UniqueConstraint("group_id", "sequence", name="uq_meetings_group_id_sequence"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_meetings_group_id_state", "meetings", ["group_id", "state"])
    op.create_table(
        "contributions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("phase_index", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(REF), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        sa.Column("source_ref", sa.String(REF), nullable=True),
        _moment("created_at"),
        sa.Column("history", _json(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contributions"),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name="fk_contributions_meeting_id_meetings"
        ),
        sa.UniqueConstraint(
            "meeting_id", "source_ref", name="uq_contributions_meeting_id_source_ref"
        ),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("owner", sa.String(REF), nullable=False),
        sa.Column("title", sa.String(REF), nullable=False),
        sa.Column("help_question", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("consent_to_report", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _moment("submitted_at"),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], name="fk_cases_group_id_groups"),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name="fk_cases_meeting_id_meetings"
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_cases_group_id_status", "cases", ["group_id", "status"])
    op.create_table(
        "learning_goals",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(REF), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("where_and_when", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("ticked", _json(), nullable=False),
        sa.Column("achieved", sa.Boolean(), nullable=False),
        _moment("created_at"),
        _moment("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_learning_goals"),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_learning_goals_group_id_groups"
        ),
    )
    op.create_index("ix_learning_goals_person_group_id", "learning_goals", ["person", "group_id"])
    op.create_table(
        "preparation_tasks",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(REF), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("offset_seconds", sa.Integer(), nullable=False),
        _moment("due_at"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_preparation_tasks"),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name="fk_preparation_tasks_meeting_id_meetings"
        ),
        sa.UniqueConstraint(
            "meeting_id", "person", "kind", name="uq_preparation_tasks_meeting_id_person_kind"
        ),
    )
    op.create_index("ix_preparation_tasks_person_status", "preparation_tasks", ["person", "status"])
    op.create_table(
        "inbound_events",
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("key", sa.String(REF), nullable=False),
        _moment("received_at"),
        sa.PrimaryKeyConstraint("platform", "key", name="pk_inbound_events"),
    )
    op.create_table(
        "meeting_posts",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(REF), nullable=False),
        sa.Column("ref", sa.String(REF), nullable=False),
        _moment("created_at"),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            ondelete="CASCADE",
            name="fk_meeting_posts_meeting_id_meetings",
        ),
        sa.PrimaryKeyConstraint("meeting_id", name="pk_meeting_posts"),
        sa.UniqueConstraint("channel", "ref", name="uq_meeting_posts_channel_ref"),
    )
    op.create_table(
        "conversation_refs",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(REF), nullable=False),
        sa.Column("data", _json(), nullable=False),
        _moment("updated_at"),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            ondelete="CASCADE",
            name="fk_conversation_refs_workspace_id_workspaces",
        ),
        sa.PrimaryKeyConstraint("workspace_id", "person", name="pk_conversation_refs"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("payload", _json(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _moment("available_at"),
        _moment("created_at"),
        _moment("delivered_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _moment("locked_until", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.CheckConstraint("status IN ('pending', 'delivered', 'parked')", name="ck_outbox_status"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbox_status_available_at", "outbox", ["status", "available_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_status_available_at", table_name="outbox")
    op.drop_table("conversation_refs")
    op.drop_table("meeting_posts")
    op.drop_table("outbox")
    op.drop_table("inbound_events")
    op.drop_index("ix_preparation_tasks_person_status", table_name="preparation_tasks")
    op.drop_table("preparation_tasks")
    op.drop_index("ix_learning_goals_person_group_id", table_name="learning_goals")
    op.drop_table("learning_goals")
    op.drop_index("ix_cases_group_id_status", table_name="cases")
    op.drop_table("cases")
    op.drop_table("contributions")
    op.drop_index("ix_meetings_group_id_state", table_name="meetings")
    op.drop_table("meetings")
    op.drop_index("ix_group_people_person", table_name="group_people")
    op.drop_table("group_people")
    op.drop_table("groups")
    op.drop_table("workspaces")
