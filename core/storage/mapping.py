"""Explicit mapping between table rows and the domain's pydantic models.

``*_values`` turn a model into the column values of its row; ``*_from`` build a model
from a row (validated, so a row that breaks a rule fails loudly on load). Nested
value objects (phases, rounds, edits) are stored as their JSON dumps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import RowMapping

from core.domain.case import Case
from core.domain.contribution import Contribution
from core.domain.goals import LearningGoal
from core.domain.group import Group
from core.domain.meeting import Meeting
from core.domain.privacy import TextRemoval
from core.domain.tasks import PreparationTask
from core.domain.workspace import Workspace
from core.services.ports import Notification

Row = RowMapping
MEMBER, MANAGER = "member", "manager"


def workspace_values(workspace: Workspace) -> dict[str, Any]:
    return {
        "platform": workspace.platform.value,
        "external_id": workspace.external_id,
        "locale": workspace.locale,
        "time_zone": workspace.time_zone,
        "managers_channel": workspace.managers_channel,
        "managers": list(workspace.managers),
        "retention_days": workspace.retention_days,
    }


def workspace_from(row: Row) -> Workspace:
    return Workspace.model_validate(
        {
            "id": row["id"],
            "platform": row["platform"],
            "external_id": row["external_id"],
            "locale": row["locale"],
            "time_zone": row["time_zone"],
            "managers_channel": row["managers_channel"],
            "managers": row["managers"],
            "retention_days": row["retention_days"],
        }
    )


def group_values(group: Group) -> dict[str, Any]:
    """The ``groups`` row without ``id``, ``version`` and ``created_at`` (the repository's)."""
    return {
        "workspace_id": group.workspace_id,
        "name": group.name,
        "channel": group.channel,
        "facilitator": group.facilitator,
        "rotating_chair": group.rotating_chair,
        "method_id": group.method_id,
        "cadence": group.cadence.value,
        "ground_rules": group.ground_rules,
        "mode": group.mode.value,
        "async_days": group.async_days,
        "task_offsets": dict(group.task_offsets) or None,
        "async_waits": group.async_waits,
        "locale": group.locale,
        "channel_status": group.channel_status.value,
        "channel_outsiders": list(group.channel_outsiders),
        "channel_accepted": list(group.channel_accepted),
    }


def group_people_values(group: Group) -> list[dict[str, Any]]:
    """One row per member and per manager; ``position`` keeps each list's order."""
    assert group.id is not None
    people = [(MEMBER, group.members), (MANAGER, group.managers)]
    return [
        {"group_id": group.id, "person": person, "role": role, "position": position}
        for role, persons in people
        for position, person in enumerate(persons)
    ]


def group_from(row: Row, people: Iterable[Row]) -> Group:
    ordered = sorted(people, key=lambda p: int(p["position"]))
    return Group.model_validate(
        {
            "id": row["id"],
            "workspace_id": row["workspace_id"],
            "name": row["name"],
            "channel": row["channel"],
            "members": [p["person"] for p in ordered if p["role"] == MEMBER],
            "facilitator": row["facilitator"],
            "managers": [p["person"] for p in ordered if p["role"] == MANAGER],
            "rotating_chair": row["rotating_chair"],
            "method_id": row["method_id"],
            "cadence": row["cadence"],
            "ground_rules": row["ground_rules"],
            "mode": row["mode"],
            "async_days": row["async_days"],
            "task_offsets": row["task_offsets"] or {},
            "async_waits": row["async_waits"],
            "locale": row["locale"],
            "channel_status": row["channel_status"],
            "channel_outsiders": row["channel_outsiders"],
            "channel_accepted": row["channel_accepted"],
            "version": row["version"],
        }
    )


def meeting_values(meeting: Meeting) -> dict[str, Any]:
    """The ``meetings`` row without ``id`` and ``version``; contributions are rows of their own."""
    return {
        "group_id": meeting.group_id,
        "sequence": meeting.sequence,
        "method_id": meeting.method_id,
        "state": meeting.state.value,
        "scheduled_at": meeting.scheduled_at,
        "time_zone": meeting.time_zone,
        "trajectory_id": meeting.trajectory_id,
        "revision": meeting.revision,
        "phase_days": meeting.phase_days,
        "case_turn": meeting.case_turn,
        "chair_turn": meeting.chair_turn,
        "started_at": meeting.started_at,
        "ended_at": meeting.ended_at,
        "chair": meeting.chair,
        "participants": list(meeting.participants),
        "case_id": meeting.case_id,
        "case_owner": meeting.case_owner,
        "phases": [phase.model_dump(mode="json") for phase in meeting.phases],
        "phase_index": meeting.phase_index,
        "rounds": [r.model_dump(mode="json") for r in meeting.rounds],
        "skipped_steps": list(meeting.skipped_steps),
        "paused_at": meeting.paused_at,
    }


def meeting_from(row: Row, contributions: Iterable[Contribution]) -> Meeting:
    """A loaded meeting starts with no recorded events (they are never stored)."""
    return Meeting.model_validate(
        {
            "id": row["id"],
            "group_id": row["group_id"],
            "sequence": row["sequence"],
            "method_id": row["method_id"],
            "state": row["state"],
            "scheduled_at": row["scheduled_at"],
            "time_zone": row["time_zone"],
            "trajectory_id": row["trajectory_id"],
            "revision": row["revision"],
            "phase_days": row["phase_days"],
            "case_turn": row["case_turn"],
            "chair_turn": row["chair_turn"],
            "started_at": row["started_at"],
            "ended_at": row["ended_at"],
            "chair": row["chair"],
            "participants": row["participants"],
            "case_id": row["case_id"],
            "case_owner": row["case_owner"],
            "phases": row["phases"],
            "phase_index": row["phase_index"],
            "rounds": row["rounds"],
            "contributions": list(contributions),
            "skipped_steps": row["skipped_steps"],
            "paused_at": row["paused_at"],
            "version": row["version"],
        }
    )


def contribution_values(contribution: Contribution) -> dict[str, Any]:
    return {
        "id": contribution.id,
        "meeting_id": contribution.meeting_id,
        "phase_index": contribution.phase_index,
        "author": contribution.author,
        "kind": contribution.kind.value,
        "text": contribution.text,
        "score": contribution.score,
        "revealed": contribution.revealed,
        "source_ref": contribution.source_ref,
        "created_at": contribution.created_at,
        "history": [edit.model_dump(mode="json") for edit in contribution.history],
        **removal_values(contribution.removed),
    }


def contribution_from(row: Row) -> Contribution:
    return Contribution.model_validate(
        {
            "id": row["id"],
            "meeting_id": row["meeting_id"],
            "phase_index": row["phase_index"],
            "author": row["author"],
            "kind": row["kind"],
            "text": row["text"],
            "score": row["score"],
            "revealed": row["revealed"],
            "source_ref": row["source_ref"],
            "created_at": row["created_at"],
            "history": row["history"],
            "removed": removal_from(row),
        }
    )


def case_values(case: Case) -> dict[str, Any]:
    return {
        "group_id": case.group_id,
        "meeting_id": case.meeting_id,
        "owner": case.owner,
        "title": case.title,
        "help_question": case.help_question,
        "description": case.description,
        "consent_to_report": case.consent_to_report,
        "status": case.status.value,
        "submitted_at": case.submitted_at,
        **removal_values(case.removed),
    }


def case_from(row: Row) -> Case:
    return Case.model_validate(
        {
            "id": row["id"],
            "group_id": row["group_id"],
            "meeting_id": row["meeting_id"],
            "owner": row["owner"],
            "title": row["title"],
            "help_question": row["help_question"],
            "description": row["description"],
            "consent_to_report": row["consent_to_report"],
            "status": row["status"],
            "submitted_at": row["submitted_at"],
            "removed": removal_from(row),
        }
    )


def removal_values(removal: TextRemoval | None) -> dict[str, Any]:
    """The two columns that mark a removed text (contributions and cases)."""
    if removal is None:
        return {"removed_at": None, "removed_after_days": None}
    return {"removed_at": removal.at, "removed_after_days": removal.after_days}


def removal_from(row: Row) -> TextRemoval | None:
    if row["removed_at"] is None:
        return None
    return TextRemoval(at=row["removed_at"], after_days=row["removed_after_days"])


def goal_values(goal: LearningGoal) -> dict[str, Any]:
    return {
        "id": goal.id,
        "group_id": goal.group_id,
        "person": goal.person,
        "text": goal.text,
        "where_and_when": goal.where_and_when,
        "deadline": goal.deadline,
        "ticked": [criterion.value for criterion in goal.ticked],
        "achieved": goal.achieved,
        "created_at": goal.created_at,
        "updated_at": goal.updated_at,
    }


def goal_from(row: Row) -> LearningGoal:
    return LearningGoal.model_validate(
        {
            "id": row["id"],
            "group_id": row["group_id"],
            "person": row["person"],
            "text": row["text"],
            "where_and_when": row["where_and_when"],
            "deadline": row["deadline"],
            "ticked": row["ticked"],
            "achieved": row["achieved"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
    )


def task_values(task: PreparationTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "meeting_id": task.meeting_id,
        "person": task.person,
        "kind": task.kind.value,
        "offset_seconds": int(task.offset.total_seconds()),
        "due_at": task.due_at,
        "status": task.status.value,
    }


def task_from(row: Row) -> PreparationTask:
    return PreparationTask.model_validate(
        {
            "id": row["id"],
            "meeting_id": row["meeting_id"],
            "person": row["person"],
            "kind": row["kind"],
            "offset": timedelta(seconds=row["offset_seconds"]),
            "due_at": row["due_at"],
            "status": row["status"],
        }
    )


def notification_payload(notification: Notification) -> dict[str, Any]:
    return notification.model_dump(mode="json")


def notification_from(payload: Mapping[str, Any]) -> Notification:
    return Notification.model_validate(payload)
