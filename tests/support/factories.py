"""Test-data builders: a workspace with managers, a group of N members, a context."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from core.domain.common import Platform
from core.domain.group import Group, Mode
from core.methods import MethodLibrary, load_library
from core.services import groups as group_services
from core.services import notify
from core.services.context import Actor, Context
from tests.support.fakes import FakeClock, FakeUnitOfWork, Store

MANAGER = "U_MANAGER"
FACILITATOR = "U_FACIL"


def members(n: int) -> list[str]:
    return [f"U_M{i}" for i in range(1, n + 1)]


@cache
def library() -> MethodLibrary:
    return load_library()


@dataclass
class World:
    """A fake-backed core: a store, a clock, a context, and an admin actor."""

    store: Store
    clock: FakeClock
    ctx: Context
    workspace_id: int

    def actor(self, person: str) -> Actor:
        return Actor(workspace_id=self.workspace_id, person=person)

    @property
    def admin(self) -> Actor:
        return Actor(workspace_id=self.workspace_id, person="", is_admin=True)

    def group(
        self,
        n: int = 5,
        *,
        method_id: str = "incident",
        facilitator: str | None = FACILITATOR,
        mode: Mode = Mode.LIVE,
        channel: str = "C_GROUP",
        locale: str = "en",
        rotating_chair: bool = False,
        channel_holds: frozenset[str] = frozenset(),
    ) -> Group:
        """A group; its channel was looked at and holds the group and ``channel_holds``
        (by default nobody else: case content is shown there)."""
        created = group_services.create_group(
            self.ctx,
            actor=self.admin,
            name="Ward 5 peers",
            channel=channel,
            members=members(n),
            facilitator=facilitator,
            managers=[MANAGER],
            method_id=method_id,
            mode=mode,
            locale=locale,  # type: ignore[arg-type]
            rotating_chair=rotating_chair,
        )
        group = created.group
        assert group.id is not None
        involved = {*group.members, *([group.facilitator] if group.facilitator else [])}
        return group_services.note_channel_members(
            self.ctx, group_id=group.id, present=involved | channel_holds
        )


def make_world(*, methods: MethodLibrary | None = None) -> World:
    store, clock = Store(), FakeClock()
    publish = notify.publisher(clock)
    ctx = Context(
        uow=lambda: FakeUnitOfWork(store, publish), methods=methods or library(), clock=clock
    )
    workspace = group_services.ensure_workspace(ctx, platform=Platform.SLACK, external_id="T1")
    assert workspace.id is not None
    return World(store=store, clock=clock, ctx=ctx, workspace_id=workspace.id)
