"""Learning goals (leerdoelen) and their quality checklist.

A good learning goal is positive and realistic, concrete behaviour, time-bound and
verifiable, in the member's own control, motivating, and says where and when it is
worked on (DESIGN.md section 1). The member ticks what they believe holds; two
criteria follow from the goal itself (a deadline, a where-and-when).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from core.domain.common import MAX_SHORT_TEXT, PersonRef, clean_text
from core.domain.errors import InvalidInput, NotAllowed

MAX_GOALS_PER_PERSON = 10


class Criterion(StrEnum):
    POSITIVE = "positive"
    REALISTIC = "realistic"
    CONCRETE_BEHAVIOUR = "concrete_behaviour"
    TIME_BOUND = "time_bound"
    VERIFIABLE = "verifiable"
    OWN_CONTROL = "own_control"
    MOTIVATING = "motivating"
    WHERE_AND_WHEN = "where_and_when"


DERIVED = frozenset({Criterion.TIME_BOUND, Criterion.WHERE_AND_WHEN})
SELF_ASSESSED = tuple(c for c in Criterion if c not in DERIVED)


class CheckItem(BaseModel):
    criterion: Criterion
    met: bool

    @property
    def label_key(self) -> str:
        return f"goal.criterion.{self.criterion.value}"

    @property
    def hint_key(self) -> str | None:
        """Catalogue key of a hint, only for an unmet criterion."""
        return None if self.met else f"goal.hint.{self.criterion.value}"


class LearningGoal(BaseModel):
    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    group_id: int
    person: PersonRef
    text: str
    where_and_when: str = ""
    deadline: date | None = None
    ticked: list[Criterion] = Field(default_factory=list)
    achieved: bool = False
    created_at: datetime
    updated_at: datetime

    @classmethod
    def write(
        cls,
        *,
        group_id: int,
        person: PersonRef,
        text: str,
        where_and_when: str,
        deadline: date | None,
        ticked: list[Criterion],
        now: datetime,
    ) -> LearningGoal:
        goal = cls(group_id=group_id, person=person, text="", created_at=now, updated_at=now)
        goal._apply(
            text=text, where_and_when=where_and_when, deadline=deadline, ticked=ticked, now=now
        )
        return goal

    def revise(
        self,
        *,
        editor: PersonRef,
        text: str,
        where_and_when: str,
        deadline: date | None,
        ticked: list[Criterion],
        now: datetime,
    ) -> None:
        if editor != self.person:
            raise NotAllowed("goal.only_owner_edits")
        self._apply(
            text=text, where_and_when=where_and_when, deadline=deadline, ticked=ticked, now=now
        )

    def _apply(
        self,
        *,
        text: str,
        where_and_when: str,
        deadline: date | None,
        ticked: list[Criterion],
        now: datetime,
    ) -> None:
        cleaned = clean_text(text, field="goal", limit=MAX_SHORT_TEXT)
        where = clean_text(
            where_and_when, field="where_and_when", limit=MAX_SHORT_TEXT, required=False
        )
        if deadline is not None and deadline < now.date():
            raise InvalidInput("goal.deadline_in_past")
        self.text, self.where_and_when, self.deadline = cleaned, where, deadline
        self.ticked = [c for c in SELF_ASSESSED if c in set(ticked)]
        self.updated_at = now

    def checklist(self) -> list[CheckItem]:
        met = set(self.ticked)
        if self.deadline is not None:
            met.add(Criterion.TIME_BOUND)
        if self.where_and_when:
            met.add(Criterion.WHERE_AND_WHEN)
        return [CheckItem(criterion=c, met=c in met) for c in Criterion]

    @property
    def quality(self) -> tuple[int, int]:
        items = self.checklist()
        return sum(item.met for item in items), len(items)
