"""Everything held on a person: exported, or erased (docs/decisions/0012).

A person is a user id *within a workspace*: every lookup here is by workspace and person
together, and the same id in another workspace is someone else. Both are the installer's
tools (the CLI); both are written to the audit trail.

Erasure keeps the groups' statistics: in every meeting the person took part in, a
stand-in of that meeting only takes their place (attendance, turns, ratings still add
up) and their texts are removed; a case they brought that was discussed stays without
its text, one never discussed is deleted. They leave every group and the workspace's
managers; their learning goals, preparation tasks, private-conversation reference and
the outbox rows addressed to them are deleted. It waits while a meeting they take part
in is under way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from core.domain.case import Case, CaseStatus
from core.domain.common import ChannelRef, PersonRef, Platform
from core.domain.contribution import Contribution
from core.domain.errors import NotAllowed, NotPossibleNow
from core.domain.goals import LearningGoal
from core.domain.group import Group, Role
from core.domain.meeting import UNDER_WAY, Meeting, MeetingState
from core.domain.privacy import AuditAction, AuditEntry, TextRemoval, stand_in
from core.domain.tasks import PreparationTask
from core.domain.workspace import Workspace
from core.services.context import Actor, Context
from core.services.ports import FeedOwner, OutboxRecord, UnitOfWork

EXPORT_FORMAT = "intervision.person-export/1"
KINDS = (
    "meetings",
    "contributions",
    "cases",
    "cases_deleted",
    "memberships",
    "workspace_roles",
    "goals",
    "tasks",
    "conversations",
    "outbox",
    "calendar_feeds",
)
"""The kinds of rows an audit entry counts (``detail``), in the order they are shown."""


def in_order(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """``counts`` in the order of ``KINDS`` (a database may keep JSON keys in any order)."""
    rank = {kind: number for number, kind in enumerate(KINDS)}
    return sorted(counts.items(), key=lambda item: (rank.get(item[0], len(KINDS)), item[0]))


class Membership(BaseModel):
    group_id: int
    group: str
    channel: ChannelRef
    roles: list[Role]


class Participation(BaseModel):
    """A meeting the person took part in, and their part in it (phase ids)."""

    meeting_id: int
    group_id: int
    sequence: int
    state: MeetingState
    scheduled_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    roles: list[str]
    """``participant``, ``chair``, ``case_owner``."""
    contributed_in: list[str]
    passed_in: list[str]
    missed_in: list[str]


class PersonExport(BaseModel):
    """Everything held on one person in one workspace."""

    format: str = EXPORT_FORMAT
    exported_at: datetime
    platform: Platform
    workspace: str
    person: PersonRef
    workspace_roles: list[Role]
    memberships: list[Membership]
    meetings: list[Participation]
    cases: list[Case]
    contributions: list[Contribution]
    learning_goals: list[LearningGoal]
    preparation_tasks: list[PreparationTask]
    conversation_reference: dict[str, Any] | None
    outbox: list[OutboxRecord]

    def counts(self) -> dict[str, int]:
        return {
            "workspace_roles": len(self.workspace_roles),
            "memberships": len(self.memberships),
            "meetings": len(self.meetings),
            "cases": len(self.cases),
            "contributions": len(self.contributions),
            "goals": len(self.learning_goals),
            "tasks": len(self.preparation_tasks),
            "conversations": int(self.conversation_reference is not None),
            "outbox": len(self.outbox),
        }


def export_person(
    ctx: Context, *, actor: Actor, person: PersonRef, requested_by: str
) -> PersonExport:
    """Everything held on ``person`` in the actor's workspace (the admin's)."""
    _require_admin(actor)
    workspace_id = actor.workspace_id
    now = ctx.clock.now()
    with ctx.uow() as uow:
        workspace = uow.workspaces.get(workspace_id)
        groups = uow.groups.list(workspace_id)
        held = _meetings_of(uow, groups, person)
        export = PersonExport(
            exported_at=now,
            platform=workspace.platform,
            workspace=workspace.external_id,
            person=person,
            workspace_roles=[Role.MANAGER] if workspace.is_manager(person) else [],
            memberships=[
                Membership(
                    group_id=group.id or 0,
                    group=group.name,
                    channel=group.channel,
                    roles=sorted(group.roles_of(person)),
                )
                for group in groups
                if group.roles_of(person)
            ],
            meetings=[_participation(meeting, person) for meeting in held],
            cases=_cases_of(uow, groups, person),
            contributions=[c for m in held for c in m.contributions if c.author == person],
            learning_goals=uow.privacy.goals_of(workspace_id, person),
            preparation_tasks=uow.privacy.tasks_of(workspace_id, person),
            conversation_reference=uow.conversations.get(workspace_id, person),
            outbox=uow.privacy.outbox_for(workspace_id, person),
        )
        counts = export.counts()
        _audit(uow, AuditAction.EXPORT, now, requested_by, workspace_id, person, counts)
        uow.commit()
        return export


@dataclass(frozen=True)
class Erased:
    counts: dict[str, int]
    """Rows per kind that were deleted or anonymised."""
    without_facilitator: tuple[str, ...] = ()
    """Groups the person facilitated: they have none now."""
    without_manager: tuple[str, ...] = ()
    """Groups whose only manager the person was."""

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def erase_person(ctx: Context, *, actor: Actor, person: PersonRef, requested_by: str) -> Erased:
    """Remove or anonymise everything held on ``person`` in the actor's workspace, keeping
    the groups' statistics; refused while a meeting they take part in is under way."""
    _require_admin(actor)
    workspace_id = actor.workspace_id
    now = ctx.clock.now()
    removal = TextRemoval(at=now)
    with ctx.uow() as uow:
        workspace = uow.workspaces.get(workspace_id)
        groups = uow.groups.list(workspace_id)
        held = _meetings_of(uow, groups, person)
        busy = next((m for m in held if m.state in UNDER_WAY), None)
        if busy is not None:
            name = next(g.name for g in groups if g.id == busy.group_id)
            raise NotPossibleNow("privacy.erase_waits", person=person, group=name)
        counts: Counter[str] = Counter()
        for meeting in held:
            counts.update(_forget_in_meeting(uow, meeting, person, removal))
        counts.update(_forget_cases(uow, workspace_id, groups, person, removal))
        without_facilitator, without_manager = [], []
        for group in groups:
            roles = group.forget(person)
            if not roles:
                continue
            uow.groups.save(group)
            counts["memberships"] += 1
            if Role.FACILITATOR in roles:
                without_facilitator.append(group.name)
            if Role.MANAGER in roles and not group.managers:
                without_manager.append(group.name)
        if workspace.forget_manager(person):
            uow.workspaces.save(workspace)
            counts["workspace_roles"] += 1
        counts["goals"] = uow.privacy.delete_goals(workspace_id, person)
        counts["tasks"] = uow.privacy.delete_tasks(workspace_id, person)
        counts["conversations"] = uow.privacy.delete_conversation(workspace_id, person)
        counts["outbox"] = uow.privacy.delete_outbox(workspace_id, person)
        counts["calendar_feeds"] = uow.calendars.revoke(
            FeedOwner(workspace_id=workspace_id, person=person)
        )
        done = {kind: n for kind, n in counts.items() if n}
        _audit(uow, AuditAction.ERASE, now, requested_by, workspace_id, person, done)
        uow.commit()
        return Erased(done, tuple(without_facilitator), tuple(without_manager))


@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    workspace: Workspace


def audit_trail(ctx: Context, *, workspace_id: int | None = None, limit: int) -> list[AuditLine]:
    """The newest audit entries first, of one workspace or of all (the installer's view)."""
    with ctx.uow() as uow:
        entries = uow.audit.latest(workspace_id=workspace_id, limit=limit)
        places = {i: uow.workspaces.get(i) for i in {e.workspace_id for e in entries}}
    return [AuditLine(entry, places[entry.workspace_id]) for entry in entries]


# ------------------------------------------------------------------ helpers


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise NotAllowed("rule.only_admin")


def _meetings_of(uow: UnitOfWork, groups: list[Group], person: PersonRef) -> list[Meeting]:
    """Every meeting of the workspace's groups the person appears in (they may have left
    a group since)."""
    return [m for g in groups for m in uow.meetings.for_group(g.id or 0) if m.involves(person)]


def _cases_of(uow: UnitOfWork, groups: list[Group], person: PersonRef) -> list[Case]:
    return [c for g in groups for c in uow.cases.for_group(g.id or 0) if c.owner == person]


def _participation(meeting: Meeting, person: PersonRef) -> Participation:
    roles = [
        role
        for role, holds in (
            ("participant", person in meeting.participants),
            ("chair", meeting.chair == person),
            ("case_owner", meeting.case_owner == person),
        )
        if holds
    ]
    return Participation(
        meeting_id=meeting.id or 0,
        group_id=meeting.group_id,
        sequence=meeting.sequence,
        state=meeting.state,
        scheduled_at=meeting.scheduled_at,
        started_at=meeting.started_at,
        ended_at=meeting.ended_at,
        roles=roles,
        contributed_in=[r.phase_id for r in meeting.rounds if person in r.contributed],
        passed_in=[r.phase_id for r in meeting.rounds if person in r.passed],
        missed_in=[r.phase_id for r in meeting.rounds if person in r.missed],
    )


def _forget_in_meeting(
    uow: UnitOfWork, meeting: Meeting, person: PersonRef, removal: TextRemoval
) -> Counter[str]:
    """The person's place in one meeting goes to a stand-in of this meeting alone; so
    does the case they brought, if it was discussed here."""
    replacement = stand_in()
    theirs = meeting.case_id if meeting.case_owner == person else None
    counts = Counter({"meetings": 1})
    counts["contributions"] = meeting.forget(person, stand_in=replacement, removal=removal)
    if theirs is not None and meeting.case_owner == replacement:
        case = uow.cases.get(theirs)
        if case.owner == person and case.meeting_id == meeting.id:
            case.anonymise(stand_in=replacement, removal=removal)
            uow.cases.save(case)
            counts["cases"] += 1
    uow.meetings.save(meeting)
    return counts


def _forget_cases(
    uow: UnitOfWork, workspace_id: int, groups: list[Group], person: PersonRef, removal: TextRemoval
) -> Counter[str]:
    """The person's cases not anonymised with a meeting: discussed ones lose text and owner
    (they are the history of a meeting), the others are deleted (nothing counts them)."""
    counts: Counter[str] = Counter()
    undiscussed = []
    for case in _cases_of(uow, groups, person):
        if case.status is CaseStatus.DISCUSSED:
            case.anonymise(stand_in=stand_in(), removal=removal)
            uow.cases.save(case)
            counts["cases"] += 1
        else:
            undiscussed.append(case.id or 0)
    counts["cases_deleted"] = uow.privacy.delete_cases(workspace_id, person, undiscussed)
    return counts


def _audit(
    uow: UnitOfWork,
    action: AuditAction,
    now: datetime,
    requested_by: str,
    workspace_id: int,
    person: PersonRef,
    counts: dict[str, int],
) -> None:
    uow.audit.add(
        AuditEntry(
            at=now,
            requested_by=requested_by,
            action=action,
            workspace_id=workspace_id,
            person=person,
            rows=sum(counts.values()),
            detail={kind: n for kind, n in counts.items() if n},
        )
    )
