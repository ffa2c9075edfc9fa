"""A case (casus): a real work problem a member brings in, with a help question."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from core.domain.common import MAX_LONG_TEXT, MAX_SHORT_TEXT, MAX_TITLE, PersonRef, clean_text
from core.domain.errors import NotAllowed, NotPossibleNow
from core.domain.events import Aggregate, CaseSubmitted
from core.domain.privacy import TextRemoval


class CaseStatus(StrEnum):
    SUBMITTED = "submitted"
    CHOSEN = "chosen"
    DISCUSSED = "discussed"
    PARKED = "parked"


class Case(Aggregate):
    id: int | None = None
    group_id: int
    meeting_id: int | None = None
    owner: PersonRef
    title: str
    help_question: str
    description: str = ""
    consent_to_report: bool = False
    status: CaseStatus = CaseStatus.SUBMITTED
    submitted_at: datetime
    removed: TextRemoval | None = None
    """Set when title, help question and description were removed."""

    @classmethod
    def submit(
        cls,
        *,
        group_id: int,
        owner: PersonRef,
        title: str,
        help_question: str,
        description: str,
        consent_to_report: bool,
        now: datetime,
        meeting_id: int | None = None,
    ) -> Case:
        case = cls(
            group_id=group_id,
            meeting_id=meeting_id,
            owner=owner,
            title=clean_text(title, field="title", limit=MAX_TITLE),
            help_question=clean_text(help_question, field="help_question", limit=MAX_SHORT_TEXT),
            description=clean_text(
                description, field="description", limit=MAX_LONG_TEXT, required=False
            ),
            consent_to_report=consent_to_report,
            submitted_at=now,
        )
        case._record(CaseSubmitted(group_id=group_id))
        return case

    def choose(self, meeting_id: int) -> None:
        if self.status not in (CaseStatus.SUBMITTED, CaseStatus.PARKED):
            raise NotPossibleNow("case.not_choosable", status=self.status.value)
        self.status = CaseStatus.CHOSEN
        self.meeting_id = meeting_id

    def park(self) -> None:
        if self.status is CaseStatus.DISCUSSED:
            raise NotPossibleNow("case.not_choosable", status=self.status.value)
        self.status = CaseStatus.PARKED
        self.meeting_id = None

    def mark_discussed(self) -> None:
        if self.status is not CaseStatus.CHOSEN:
            raise NotPossibleNow("case.not_chosen")
        self.status = CaseStatus.DISCUSSED

    def edit(
        self,
        *,
        editor: PersonRef,
        title: str,
        help_question: str,
        description: str,
        consent_to_report: bool,
    ) -> None:
        if editor != self.owner:
            raise NotAllowed("case.only_owner_edits")
        if self.status is CaseStatus.DISCUSSED:
            raise NotPossibleNow("case.already_discussed")
        self.title = clean_text(title, field="title", limit=MAX_TITLE)
        self.help_question = clean_text(help_question, field="help_question", limit=MAX_SHORT_TEXT)
        self.description = clean_text(
            description, field="description", limit=MAX_LONG_TEXT, required=False
        )
        self.consent_to_report = consent_to_report

    def remove_text(self, removal: TextRemoval) -> bool:
        """Remove title, help question and description; False when already removed."""
        if self.removed is not None:
            return False
        self.title = self.help_question = self.description = ""
        self.removed = removal
        return True

    def anonymise(self, *, stand_in: PersonRef, removal: TextRemoval) -> None:
        """The owner is erased: a discussed case stays (the meeting it was discussed in
        refers to it) without its text or its owner's identity."""
        self.owner = stand_in
        self.remove_text(removal)
