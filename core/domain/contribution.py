"""A contribution: what one person says in one phase, with its edit history."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from core.domain.common import MAX_LONG_TEXT, PersonRef, clean_text
from core.domain.errors import InvalidInput, NotAllowed
from core.domain.method import ContributionKind
from core.domain.privacy import TextRemoval

MIN_SCORE, MAX_SCORE = 1, 5
_SCORE = re.compile(r"^\s*([1-5])(?:[.,]0)?(?:\s*(?:/\s*5)?)(?:\s+|$|[.,:;!-])")


class Edit(BaseModel):
    """An earlier wording, kept when its author changed it."""

    text: str
    replaced_at: datetime


class Contribution(BaseModel):
    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    meeting_id: int
    phase_index: int
    author: PersonRef
    kind: ContributionKind
    text: str
    score: int | None = None
    revealed: bool = True
    source_ref: str | None = None
    """The platform's id of the message it came from, so that an edit there lands here."""
    created_at: datetime
    history: list[Edit] = Field(default_factory=list)
    removed: TextRemoval | None = None
    """Set when the text (and its earlier wordings) was removed; kind, score and phase stay."""

    def says(self, text: str) -> bool:
        """Whether ``text`` is what this contribution says already (an unfurl, a re-save)."""
        try:
            return clean_text(text, field="text", limit=MAX_LONG_TEXT) == self.text
        except InvalidInput:
            return False

    def revise(self, *, editor: PersonRef, text: str, now: datetime) -> None:
        if editor != self.author:
            raise NotAllowed("contribution.only_author_edits")
        new_text = clean_text(text, field="text", limit=MAX_LONG_TEXT)
        if new_text == self.text:
            return
        if self.kind is ContributionKind.RATING:
            self.score = parse_score(new_text)
        self.history.append(Edit(text=self.text, replaced_at=now))
        self.text = new_text

    def remove_text(self, removal: TextRemoval) -> bool:
        """Remove what was said, with every earlier wording; False when already removed."""
        if self.removed is not None:
            return False
        self.text = ""
        self.history = []
        self.removed = removal
        return True

    def anonymise(self, *, stand_in: PersonRef, removal: TextRemoval) -> None:
        """The author is erased: the text goes, and so does the platform message it came
        from; kind, score and phase stay for the meeting's statistics."""
        self.author = stand_in
        self.source_ref = None
        self.remove_text(removal)


def parse_score(text: str) -> int:
    """A rating starts with a whole number from 1 to 5 ("4", "4/5", "4 - good session")."""
    match = _SCORE.match(text)
    if not match:
        raise InvalidInput("contribution.rating_needs_score", low=MIN_SCORE, high=MAX_SCORE)
    return int(match.group(1))
