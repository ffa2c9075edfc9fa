"""Which workspaces the product serves (docs/decisions/0014).

A request is served only in a workspace we know (it has a row: installed before, set up by
an admin with ``intervision workspace configure`` or ``group create``, or the sandbox's own)
or one its platform vouches for now: the adapter says the app is installed there (a Slack
team Bolt found an installation for, or the team of the single bot token; the configured
Microsoft tenant; a Teams installation event). Its row is made then, once. Any other team
or tenant id is refused at the adapter's edge, and nothing is stored for it.
"""

from __future__ import annotations

from core.domain.common import Platform, is_ref
from core.services import groups
from core.services.context import Context


class UnknownWorkspace(LookupError):
    """A workspace the product does not serve: an adapter asked for it without ``admit``."""

    def __init__(self, platform: Platform, external_id: str) -> None:
        super().__init__(f"{platform.value} workspace {external_id[:80]!r} is not installed")
        self.platform = platform
        self.external_id = external_id


def admit(ctx: Context, platform: Platform, external_id: str, *, installed: bool) -> int | None:
    """Our id of the workspace a request comes from, or None when we do not serve it.

    ``installed``: the platform says the app is installed in this workspace (only then is
    an unknown one made). Every adapter asks this before anything else of the core."""
    if not is_ref(external_id):
        return None
    known = _known(ctx, platform, external_id)
    if known is not None or not installed:
        return known
    found = groups.ensure_workspace(ctx, platform=platform, external_id=external_id)
    known = ctx.workspace_ids[(platform.value, external_id)] = found.id or 0
    return known


def workspace_id(ctx: Context, platform: Platform, external_id: str) -> int:
    """Our id of a platform's workspace that was admitted before (``UnknownWorkspace``
    otherwise: never a new row)."""
    known = _known(ctx, platform, external_id) if is_ref(external_id) else None
    if known is None:
        raise UnknownWorkspace(platform, external_id)
    return known


def _known(ctx: Context, platform: Platform, external_id: str) -> int | None:
    key = (platform.value, external_id)
    known = ctx.workspace_ids.get(key)
    if known is None:
        with ctx.uow() as uow:
            found = uow.workspaces.find(platform, external_id)
        if found is None or found.id is None:
            return None
        known = ctx.workspace_ids[key] = found.id
    return known
