"""The database schema as SQLAlchemy Core tables.

``migrations/versions`` must create exactly this; a test compares them. Mapping to
and from the domain models lives in ``mapping.py``, not here.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false

from core.storage.types import UTCDateTime, json_type

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

REF = 255
"""Length of platform refs (people, channels, message ids) and short names."""

workspaces = Table(
    "workspaces",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(16), nullable=False),
    Column("external_id", String(REF), nullable=False),
    Column("locale", String(8), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("managers_channel", String(REF), nullable=True),
    Column("managers", json_type(), nullable=False),
    # Days after a meeting ended that its texts are removed; empty: the server's default.
    Column("retention_days", Integer, nullable=True),
    UniqueConstraint("platform", "external_id"),
    sqlite_autoincrement=True,
)

groups = Table(
    "groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id"), nullable=False),
    Column("name", String(REF), nullable=False),
    Column("channel", String(REF), nullable=False),
    Column("facilitator", String(REF), nullable=True),
    Column("rotating_chair", Boolean, nullable=False),
    Column("method_id", String(64), nullable=False),
    Column("cadence", String(32), nullable=False),
    Column("ground_rules", Text, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("async_days", Integer, nullable=True),
    Column("task_offsets", json_type(), nullable=True),  # NULL: the defaults
    Column("async_waits", Boolean, nullable=False, server_default=sa_false()),
    Column("locale", String(8), nullable=False),
    Column("channel_status", String(16), nullable=False, server_default="unchecked"),
    Column("channel_outsiders", json_type(), nullable=False, server_default="[]"),
    Column("channel_accepted", json_type(), nullable=False, server_default="[]"),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("workspace_id", "channel"),
    sqlite_autoincrement=True,
)

group_people = Table(
    "group_people",
    metadata,
    Column("group_id", Integer, ForeignKey("groups.id"), primary_key=True),
    Column("person", String(REF), primary_key=True),
    Column("role", String(16), primary_key=True),
    Column("position", Integer, nullable=False),
    CheckConstraint("role IN ('member', 'manager')", name="role"),
    Index(None, "person"),
)

trajectories = Table(
    "trajectories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", Integer, ForeignKey("groups.id"), nullable=False),
    Column("first_local", String(16), nullable=False),  # YYYY-MM-DDTHH:MM, wall-clock time
    Column("time_zone", String(64), nullable=False),
    Column("rule", String(200), nullable=False),
    Column("count", Integer, nullable=True),
    Column("until", Date, nullable=True),
    Column("method_id", String(64), nullable=False),
    Column("planned_at", UTCDateTime, nullable=False),
    Index(None, "group_id"),
    sqlite_autoincrement=True,
)

meetings = Table(
    "meetings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", Integer, ForeignKey("groups.id"), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("method_id", String(64), nullable=False),
    Column("state", String(32), nullable=False),
    Column("scheduled_at", UTCDateTime, nullable=False),
    Column("time_zone", String(64), nullable=True),
    Column("trajectory_id", Integer, ForeignKey("trajectories.id"), nullable=True),
    Column("revision", Integer, nullable=False, server_default="0"),
    Column("phase_days", Integer, nullable=True),
    Column("case_turn", String(REF), nullable=True),
    Column("chair_turn", String(REF), nullable=True),
    Column("started_at", UTCDateTime, nullable=True),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("chair", String(REF), nullable=True),
    Column("participants", json_type(), nullable=False),
    # The chosen case. No foreign key: cases.meeting_id already points here, and a
    # cycle of foreign keys cannot be created on SQLite.
    Column("case_id", Integer, nullable=True),
    Column("case_owner", String(REF), nullable=True),
    Column("phases", json_type(), nullable=False),
    Column("phase_index", Integer, nullable=True),
    Column("rounds", json_type(), nullable=False),
    Column("skipped_steps", json_type(), nullable=False),
    Column("paused_at", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    UniqueConstraint("group_id", "sequence"),
    Index(None, "group_id", "state"),
    sqlite_autoincrement=True,
)

contributions = Table(
    "contributions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=False),
    Column("phase_index", Integer, nullable=False),
    Column("author", String(REF), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("score", Integer, nullable=True),
    Column("revealed", Boolean, nullable=False),
    Column("source_ref", String(REF), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("history", json_type(), nullable=False),
    # Where it stands in the meeting's list (the domain only appends): keeps the order
    # of contributions made in the same instant.
    Column("position", Integer, nullable=False),
    # Set when the text was removed: after ``removed_after_days`` of retention, or (empty)
    # at its author's request.
    Column("removed_at", UTCDateTime, nullable=True),
    Column("removed_after_days", Integer, nullable=True),
    UniqueConstraint("meeting_id", "source_ref"),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", Integer, ForeignKey("groups.id"), nullable=False),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=True),
    Column("owner", String(REF), nullable=False),
    Column("title", String(REF), nullable=False),
    Column("help_question", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("consent_to_report", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("submitted_at", UTCDateTime, nullable=False),
    Column("removed_at", UTCDateTime, nullable=True),
    Column("removed_after_days", Integer, nullable=True),
    Index(None, "group_id", "status"),
    sqlite_autoincrement=True,
)

learning_goals = Table(
    "learning_goals",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("group_id", Integer, ForeignKey("groups.id"), nullable=False),
    Column("person", String(REF), nullable=False),
    Column("text", Text, nullable=False),
    Column("where_and_when", Text, nullable=False),
    Column("deadline", Date, nullable=True),
    Column("ticked", json_type(), nullable=False),
    Column("achieved", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index(None, "person", "group_id"),
)

preparation_tasks = Table(
    "preparation_tasks",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=False),
    Column("person", String(REF), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("offset_seconds", Integer, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    UniqueConstraint("meeting_id", "person", "kind"),
    Index(None, "person", "status"),
)

calendar_feeds = Table(
    "calendar_feeds",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id"), nullable=False),
    # Whose feed: one person's (person) or one group's (group_id), never both.
    Column("person", String(REF), nullable=True),
    Column("group_id", Integer, ForeignKey("groups.id"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("(person IS NULL) <> (group_id IS NULL)", name="one_owner"),
    UniqueConstraint("workspace_id", "person", "group_id"),
)

calendar_entries = Table(
    "calendar_entries",
    metadata,
    Column(
        "workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("person", String(REF), primary_key=True),
    Column("key", String(64), primary_key=True),
    # The platform's ref (Graph ids): empty once removed there.
    Column("ref", Text, nullable=True),
    Column("digest", String(64), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
"""What was written in each person's own calendar on their platform (Outlook events, To Do
tasks), so that a change updates the entry instead of adding a second one."""

availability = Table(
    "availability",
    metadata,
    Column("workspace_id", Integer, ForeignKey("workspaces.id"), primary_key=True),
    Column("person", String(REF), primary_key=True),
    Column("quiet_from", Time, nullable=True),
    Column("quiet_until", Time, nullable=True),
    Column("away_from", Date, nullable=True),
    Column("away_until", Date, nullable=True),
)

inbound_events = Table(
    "inbound_events",
    metadata,
    Column("platform", String(32), primary_key=True),
    Column("key", String(REF), primary_key=True),
    Column("received_at", UTCDateTime, nullable=False),
    Index(None, "received_at"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("topic", String(64), nullable=False),
    # No foreign key: a delivery record outlives nothing it refers to and blocks no erasure.
    Column("workspace_id", Integer, nullable=False),
    Column("payload", json_type(), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("available_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("locked_until", UTCDateTime, nullable=True),
    # Rows of one sequence (a meeting's thread) are delivered in order, one at a time.
    Column("sequence", String(64), nullable=True),
    CheckConstraint("status IN ('pending', 'delivered', 'parked')", name="status"),
    Index(None, "status", "available_at"),
    Index(None, "sequence", "status", "id"),
    Index(None, "status", "delivered_at"),
    sqlite_autoincrement=True,
)

meeting_posts = Table(
    "meeting_posts",
    metadata,
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("channel", String(REF), nullable=False),
    # Empty while the post is under way: set in the transaction that marks it delivered.
    Column("ref", String(REF), nullable=True),
    # Carried by the posted message, to find it again after a crash mid-post.
    Column("key", String(REF), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("channel", "ref"),
)
"""Where a meeting's one message lives on its platform (Slack ``ts``, Teams activity id):
updated in place, and the root of the thread its rounds happen in."""

conversation_refs = Table(
    "conversation_refs",
    metadata,
    Column(
        "workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("person", String(REF), primary_key=True),
    Column("data", json_type(), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
"""How to reach a person privately on their platform (a Teams conversation reference,
a Slack DM channel), stored when the platform tells us."""

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("requested_by", String(REF), nullable=False),
    Column("action", String(16), nullable=False),
    # No foreign keys: the trail outlives what it is about and blocks no erasure.
    Column("workspace_id", Integer, nullable=False),
    Column("person", String(REF), nullable=True),
    Column("rows", Integer, nullable=False),
    Column("detail", json_type(), nullable=False),
    CheckConstraint("action IN ('purge', 'export', 'erase')", name="action"),
    Index(None, "workspace_id", "id"),
    sqlite_autoincrement=True,
)
"""Every purge, export and erasure: when, who asked, what, where, how many rows."""
