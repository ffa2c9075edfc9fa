"""Past-tense facts the aggregates record as they change.

The unit of work collects them from every aggregate it saved and, in the same
transaction, hands them to the one place that turns them into notifications
(``core.services.notify``): no service has to remember to notify anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, PrivateAttr

from core.domain.common import PersonRef


@dataclass(frozen=True)
class DomainEvent:
    """Base of every event; the aggregate that recorded it is known to the collector."""


class Aggregate(BaseModel):
    """A model whose changes are recorded as events until the unit of work collects them."""

    _events: list[DomainEvent] = PrivateAttr(default_factory=list)

    @property
    def events(self) -> tuple[DomainEvent, ...]:
        """What happened since the last collection, oldest first."""
        return tuple(self._events)

    def collect_events(self) -> list[DomainEvent]:
        """Hand over (and forget) what was recorded: the unit of work calls this on commit."""
        collected, self._events = self._events, []
        return collected

    def _record(self, event: DomainEvent) -> None:
        self._events.append(event)


# ------------------------------------------------------------------ a meeting's life


@dataclass(frozen=True)
class MeetingScheduled(DomainEvent):
    at: datetime


@dataclass(frozen=True)
class MeetingRescheduled(DomainEvent):
    at: datetime


@dataclass(frozen=True)
class DeadlinePassed(DomainEvent):
    """An async phase's deadline passed and the group waits for the chair to move on."""

    phase_index: int


@dataclass(frozen=True)
class TurnsGiven(DomainEvent):
    """The rota says who brings the case and who chairs (after a plan, skip or swap)."""

    case: PersonRef | None
    chair: PersonRef | None


@dataclass(frozen=True)
class MeetingStarted(DomainEvent):
    by: PersonRef | None = None
    """Who started it (told too if nothing can be posted in the group's channel)."""


@dataclass(frozen=True)
class MeetingStartUndone(DomainEvent):
    """Nothing of the meeting could be shown in its channel: it is planned again."""


@dataclass(frozen=True)
class MembersSkipped(DomainEvent):
    """Members skipped in the meeting's turn orders: no longer in the group's channel
    (``left``) or their account deactivated or deleted (``gone``)."""

    left: tuple[PersonRef, ...] = ()
    gone: tuple[PersonRef, ...] = ()


@dataclass(frozen=True)
class MeetingCancelled(DomainEvent):
    pass


@dataclass(frozen=True)
class CaseChosen(DomainEvent):
    case_id: int


@dataclass(frozen=True)
class PhaseOpened(DomainEvent):
    phase_index: int


@dataclass(frozen=True)
class PhaseSkipped(DomainEvent):
    phase_index: int


@dataclass(frozen=True)
class PhaseExtended(DomainEvent):
    phase_index: int
    minutes: int


@dataclass(frozen=True)
class MeetingPaused(DomainEvent):
    pass


@dataclass(frozen=True)
class MeetingResumed(DomainEvent):
    pass


@dataclass(frozen=True)
class MeetingEvaluated(DomainEvent):
    pass


@dataclass(frozen=True)
class MeetingReported(DomainEvent):
    pass


@dataclass(frozen=True)
class CaseWithdrawn(DomainEvent):
    """A case chosen in advance was withdrawn from a planned meeting (its owner was
    erased): the meeting's message no longer shows it."""

    case_id: int


# ------------------------------------------------------------------ rounds


@dataclass(frozen=True)
class ContributionAdded(DomainEvent):
    phase_index: int
    contribution_id: str
    hidden: bool
    """Written first in a write-first round: nobody else sees it until the reveal."""
    from_thread: bool
    """It came from a message the person posted on the platform (it is there already)."""


@dataclass(frozen=True)
class ContributionWithdrawn(DomainEvent):
    """The message a contribution came from was deleted on the platform: the contribution
    is gone with it (never shown, revealed or reported)."""

    phase_index: int
    author: PersonRef


@dataclass(frozen=True)
class ContributionEdited(DomainEvent):
    phase_index: int
    contribution_id: str


@dataclass(frozen=True)
class TurnPassed(DomainEvent):
    phase_index: int
    person: PersonRef


@dataclass(frozen=True)
class TurnGiven(DomainEvent):
    """The turn moved to ``person`` in a round where everyone speaks in turn."""

    phase_index: int
    person: PersonRef


@dataclass(frozen=True)
class EveryoneDone(DomainEvent):
    phase_index: int


@dataclass(frozen=True)
class RoundRevealed(DomainEvent):
    phase_index: int


@dataclass(frozen=True)
class RoundClosed(DomainEvent):
    phase_index: int
    status: str
    missed: tuple[PersonRef, ...]


@dataclass(frozen=True)
class AdviceInQuestionRound(DomainEvent):
    """A contribution to a question round reads as advice: its author gets a nudge."""

    phase_index: int
    person: PersonRef


# ------------------------------------------------------------------ cases


@dataclass(frozen=True)
class CaseSubmitted(DomainEvent):
    group_id: int


# ------------------------------------------------------------------ groups


@dataclass(frozen=True)
class GroupCreated(DomainEvent):
    by: PersonRef
    """Who added the group (told if its channel turns out to hold others)."""


@dataclass(frozen=True)
class ChannelShared(DomainEvent):
    """The group's channel holds people who are neither members nor the facilitator."""

    outsiders: int
    managers: int
    """How many of them manage the group (they must never read its cases)."""
    tell: tuple[PersonRef, ...]


@dataclass(frozen=True)
class ChannelMembershipChanged(DomainEvent):
    """The platform says someone joined or left the group's channel: look again."""


@dataclass(frozen=True)
class ChannelUnknown(DomainEvent):
    """The platform will not say who is in the group's channel (e.g. a missing scope)."""

    tell: tuple[PersonRef, ...]


@dataclass(frozen=True)
class ChannelCleared(DomainEvent):
    """Case content may be shown in the channel again (only the group, or accepted)."""
