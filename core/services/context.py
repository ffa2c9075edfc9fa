"""What every service function receives: who acts, and the shared dependencies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core.domain.common import Clock, PersonRef, Platform, SystemClock
from core.methods import MethodLibrary
from core.services.ports import UnitOfWork


@dataclass(frozen=True)
class Actor:
    """The person on whose behalf a service runs, within one workspace.

    ``is_admin`` is for the installer's own tools (the CLI), never for a chat user."""

    workspace_id: int
    person: PersonRef
    is_admin: bool = False


@dataclass(frozen=True)
class Context:
    """Dependencies of the services, built once by the composition root."""

    uow: Callable[[], UnitOfWork]
    methods: MethodLibrary
    clock: Clock = field(default_factory=SystemClock)
    public_url: str = "http://127.0.0.1:3978"
    """Where this server is reached from outside (``PUBLIC_BASE_URL``): links it hands out,
    such as calendar feeds, start with it."""
    calendar_platforms: frozenset[Platform] = frozenset()
    """Platforms whose people's own calendars we write to (``CalendarPort``: Outlook
    through Microsoft Graph, where it is switched on); others have the feeds only."""
    workspace_ids: dict[tuple[str, str], int] = field(default_factory=dict)
    """(platform, the platform's workspace id) -> our workspace id, learnt on first contact."""
