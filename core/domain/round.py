"""A round: one phase of a meeting, with who is due, who contributed, passed or missed."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field

from core.domain.common import PersonRef
from core.domain.errors import NotPossibleNow


class RoundStatus(StrEnum):
    OPEN = "open"
    COMPLETE = "complete"  # everyone due contributed or passed
    CLOSED_EARLY = "closed_early"  # the chair moved on; ``missed`` says who had not
    SKIPPED = "skipped"  # never held (the meeting was closed before it); recorded, not lost


class Round(BaseModel):
    phase_index: int
    phase_id: str
    order: list[PersonRef] = Field(default_factory=list)
    """Who is due, in turn order. Empty for free rounds: anyone may speak, nobody is due."""
    contributed: list[PersonRef] = Field(default_factory=list)
    passed: list[PersonRef] = Field(default_factory=list)
    missed: list[PersonRef] = Field(default_factory=list)
    status: RoundStatus = RoundStatus.OPEN
    opened_at: datetime
    deadline: datetime
    closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status is RoundStatus.OPEN

    @property
    def due(self) -> list[PersonRef]:
        done = set(self.contributed) | set(self.passed)
        return [person for person in self.order if person not in done]

    @property
    def current_turn(self) -> PersonRef | None:
        due = self.due
        return due[0] if due else None

    @property
    def everyone_done(self) -> bool:
        return bool(self.order) and not self.due

    def record_contribution(self, person: PersonRef) -> None:
        if person in self.passed:
            self.passed.remove(person)
        if person not in self.contributed:
            self.contributed.append(person)

    def withdraw_contribution(self, person: PersonRef) -> None:
        """``person``'s only contribution to this open round was withdrawn: due again."""
        if self.is_open and person in self.contributed:
            self.contributed.remove(person)

    def skip(self, person: PersonRef) -> bool:
        """``person`` is no longer due in this open round (they left the group's channel or
        their account is gone); what they said stays. False: they were not due."""
        if not self.is_open or person not in self.due:
            return False
        self.order.remove(person)
        return True

    def record_pass(self, person: PersonRef) -> None:
        if person not in self.due:
            raise NotPossibleNow("round.not_due")
        self.passed.append(person)

    def close(self, now: datetime) -> None:
        """Close the round: complete if nobody is still due, else closed early with ``missed``."""
        if not self.is_open:
            raise NotPossibleNow("round.already_closed")
        self.missed = self.due
        self.status = RoundStatus.CLOSED_EARLY if self.missed else RoundStatus.COMPLETE
        self.closed_at = now

    def extend(self, minutes: int) -> None:
        self.deadline = self.deadline + timedelta(minutes=minutes)

    @classmethod
    def skipped(
        cls, *, phase_index: int, phase_id: str, order: list[PersonRef], now: datetime
    ) -> Round:
        return cls(
            phase_index=phase_index,
            phase_id=phase_id,
            order=order,
            missed=list(order),
            status=RoundStatus.SKIPPED,
            opened_at=now,
            deadline=now,
            closed_at=now,
        )
