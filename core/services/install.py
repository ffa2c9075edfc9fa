"""Installing the app in a workspace: the person who installs it becomes a manager."""

from __future__ import annotations

from core.domain.common import Locale, PersonRef, Platform
from core.domain.workspace import Workspace
from core.services import groups
from core.services.context import Context


def record_installation(
    ctx: Context,
    *,
    platform: Platform,
    external_id: str,
    installer: PersonRef | None,
    locale: Locale | None = None,
) -> Workspace:
    """The workspace of a fresh installation (created on first install), with the
    installer named as one of its managers: whoever may install an app for the whole
    workspace may also add its intervision groups. Installing again changes nothing else."""
    workspace = groups.ensure_workspace(
        ctx, platform=platform, external_id=external_id, locale=locale
    )
    if not installer:
        return workspace
    with ctx.uow() as uow:
        workspace = uow.workspaces.get(workspace.id or 0)
        if not workspace.is_manager(installer):
            workspace.name_manager(installer)
            uow.workspaces.save(workspace)
            uow.commit()
        return workspace
