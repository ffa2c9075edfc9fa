"""Workspaces: the installation boundary."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from core.domain.common import Platform
from core.domain.errors import ConcurrentChange, NotFound
from core.domain.workspace import Workspace
from core.storage.mapping import workspace_from, workspace_values
from core.storage.repositories.base import SqlRepository, new_id
from core.storage.tables import workspaces


class SqlWorkspaces(SqlRepository):
    def get(self, workspace_id: int) -> Workspace:
        row = (
            self.connection.execute(select(workspaces).where(workspaces.c.id == workspace_id))
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound("workspace.not_found")
        return workspace_from(row)

    def find(self, platform: Platform, external_id: str) -> Workspace | None:
        row = (
            self.connection.execute(
                select(workspaces).where(
                    workspaces.c.platform == Platform(platform).value,
                    workspaces.c.external_id == external_id,
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else workspace_from(row)

    def add(self, workspace: Workspace) -> Workspace:
        """Raises ``ConcurrentChange`` when another transaction added the same workspace."""
        try:
            result = self.connection.execute(insert(workspaces).values(workspace_values(workspace)))
        except IntegrityError as exc:
            raise ConcurrentChange("error.concurrent_change") from exc
        workspace.id = new_id(result)
        return workspace

    def save(self, workspace: Workspace) -> None:
        result = self.connection.execute(
            update(workspaces)
            .where(workspaces.c.id == workspace.id)
            .values(workspace_values(workspace))
        )
        if result.rowcount != 1:
            raise NotFound("workspace.not_found")
