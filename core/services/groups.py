"""Services for workspaces and groups: install, add a group, manage its people."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.domain.common import ChannelRef, Locale, PersonRef, Platform
from core.domain.errors import ConcurrentChange, InvalidInput, NotAllowed, NotFound, NotPossibleNow
from core.domain.group import MAX_ASYNC_DAYS, Cadence, Group, Mode
from core.domain.privacy import MAX_RETENTION_DAYS, MIN_RETENTION_DAYS
from core.domain.tasks import TaskKind
from core.domain.workspace import Workspace
from core.services import rules
from core.services.context import Actor, Context


def ensure_workspace(
    ctx: Context, *, platform: Platform, external_id: str, locale: Locale | None = None
) -> Workspace:
    """The workspace of an installation, created on first contact (two first contacts at
    once, e.g. Teams' installationUpdate and conversationUpdate, find the one created)."""
    try:
        with ctx.uow() as uow:
            workspace = uow.workspaces.find(platform, external_id)
            if workspace is None:
                workspace = uow.workspaces.add(
                    Workspace(platform=platform, external_id=external_id, locale=locale or "nl")
                )
                uow.commit()
            return workspace
    except ConcurrentChange:
        with ctx.uow() as uow:
            found = uow.workspaces.find(platform, external_id)
            if found is None:
                raise
            return found


def configure_workspace(
    ctx: Context,
    *,
    actor: Actor,
    locale: Locale | None = None,
    time_zone: str | None = None,
    managers_channel: ChannelRef | None = None,
    managers: list[PersonRef] | None = None,
    retention_days: int | None = None,
) -> Workspace:
    """The admin names managers and sets defaults (``retention_days``: how long the texts
    of a finished meeting are kept here, instead of the server's default)."""
    if not actor.is_admin:
        raise NotAllowed("rule.only_admin")
    if retention_days is not None and not (
        MIN_RETENTION_DAYS <= retention_days <= MAX_RETENTION_DAYS
    ):
        raise InvalidInput(
            "privacy.retention_range", low=MIN_RETENTION_DAYS, high=MAX_RETENTION_DAYS
        )
    with ctx.uow() as uow:
        workspace = uow.workspaces.get(actor.workspace_id)
        updates = {
            "locale": locale or workspace.locale,
            "time_zone": time_zone or workspace.time_zone,
            "managers_channel": managers_channel or workspace.managers_channel,
            "retention_days": retention_days or workspace.retention_days,
        }
        workspace = Workspace.model_validate({**workspace.model_dump(), **updates})
        for person in managers or []:
            workspace.name_manager(person)
        uow.workspaces.save(workspace)
        uow.commit()
        return workspace


@dataclass(frozen=True)
class GroupCreated:
    group: Group
    warning: str | None
    """A catalogue key when the group is outside 4-8 members: allowed, but worth a word."""


def create_group(
    ctx: Context,
    *,
    actor: Actor,
    name: str,
    channel: ChannelRef,
    members: list[PersonRef],
    facilitator: PersonRef | None = None,
    managers: list[PersonRef] | None = None,
    method_id: str = "incident",
    cadence: Cadence = Cadence.MONTHLY,
    mode: Mode = Mode.LIVE,
    locale: Locale | None = None,
    rotating_chair: bool = False,
    ground_rules: str = "",
    async_days: int | None = None,
    async_waits: bool = False,
) -> GroupCreated:
    """``async_days``, ``async_waits``: in async mode, the days each phase is open (default:
    the method's minutes scaled) and whether a deadline waits for the chair."""
    ctx.methods.get(method_id)
    if async_days is not None and not 1 <= async_days <= MAX_ASYNC_DAYS:
        raise InvalidInput("group.async_days", limit=MAX_ASYNC_DAYS)
    with ctx.uow() as uow:
        workspace = uow.workspaces.get(actor.workspace_id)
        rules.require_manager(actor, workspace)
        if uow.groups.by_channel(workspace.id or 0, channel) is not None:
            raise NotPossibleNow("group.channel_taken")
        group_managers = list(managers or [])
        if not actor.is_admin and actor.person not in group_managers:
            group_managers.insert(0, actor.person)
        group = Group.create(
            workspace_id=actor.workspace_id,
            name=name,
            channel=channel,
            members=members,
            facilitator=facilitator,
            managers=group_managers,
            method_id=method_id,
            cadence=cadence,
            mode=mode,
            locale=locale or workspace.locale,
            rotating_chair=rotating_chair,
            ground_rules=ground_rules,
            created_by=actor.person,
        )
        group.async_days, group.async_waits = async_days, async_waits
        group = uow.groups.add(group)
        uow.commit()
        return GroupCreated(group=group, warning=group.size_warning())


def add_member(ctx: Context, *, actor: Actor, group_id: int, person: PersonRef) -> Group:
    return _manage(ctx, actor, group_id, lambda group: group.add_member(person))


def remove_member(ctx: Context, *, actor: Actor, group_id: int, person: PersonRef) -> Group:
    return _manage(ctx, actor, group_id, lambda group: group.remove_member(person))


def set_facilitator(
    ctx: Context, *, actor: Actor, group_id: int, person: PersonRef | None
) -> Group:
    return _manage(ctx, actor, group_id, lambda group: group.set_facilitator(person))


def set_task_offsets(
    ctx: Context, *, actor: Actor, group_id: int, offsets: dict[TaskKind, int | None]
) -> Group:
    """The group's own due times of preparation tasks (minutes from the meeting; None: no
    such task), for meetings planned from now on. The facilitator or a manager sets them."""
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
        rules.require_same_workspace(actor, group)
        rules.require_planner(actor, group)
        for kind, minutes in offsets.items():
            group.set_task_offset(kind, minutes)
        uow.groups.save(group)
        uow.commit()
        return group


def _manage(ctx: Context, actor: Actor, group_id: int, change: Callable[[Group], None]) -> Group:
    """A change only the group's managers (or the admin) may make."""
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
        rules.require_same_workspace(actor, group)
        rules.require_group_manager(actor, group)
        change(group)
        uow.groups.save(group)
        uow.commit()
        return group


def group_in_channel(ctx: Context, *, workspace_id: int, channel: ChannelRef) -> Group:
    with ctx.uow() as uow:
        group = uow.groups.by_channel(workspace_id, channel)
        if group is None:
            raise NotFound("group.none_in_channel")
        return group


NOTE_ATTEMPTS = 3


def note_channel_members(
    ctx: Context, *, group_id: int, present: set[PersonRef] | None, tell: PersonRef | None = None
) -> Group:
    """What the platform says is in the group's channel (the system, after asking it);
    ``present`` None: the platform will not say. Two looks at once (the group's and a
    meeting's) both land: on a concurrent change the later one is noted again."""
    for attempt in range(NOTE_ATTEMPTS):
        try:
            with ctx.uow() as uow:
                group = uow.groups.get(group_id)
                if present is None:
                    group.note_channel_unknown(tell=tell)
                else:
                    group.note_channel(present, tell=tell)
                uow.groups.save(group)
                uow.commit()
                return group
        except ConcurrentChange:
            if attempt == NOTE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def channel_membership_changed(
    ctx: Context, *, workspace_id: int, channel: ChannelRef | None = None
) -> int:
    """The platform says someone joined or left ``channel`` (None: somewhere in the
    workspace, e.g. a Teams team): each group there looks again at who is in its channel.
    Returns how many groups will look."""
    with ctx.uow() as uow:
        if channel is not None:
            found = uow.groups.by_channel(workspace_id, channel)
            affected = [found] if found is not None else []
        else:
            affected = uow.groups.list(workspace_id)
        for group in affected:
            group.channel_membership_changed()
            uow.groups.save(group)
        uow.commit()
        return len(affected)


def accept_channel(ctx: Context, *, actor: Actor, group_id: int) -> Group:
    """The facilitator accepts the people now in the group's channel besides the group, so
    that case content is shown there (never while a manager of the group is in it)."""
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
        rules.require_same_workspace(actor, group)
        rules.require_accepts_channel(actor, group)
        group.accept_channel()
        uow.groups.save(group)
        uow.commit()
        return group
