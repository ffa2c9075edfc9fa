"""What a method is: an ordered list of phases, each a round with its own rules.

Methods are data (``core/methods/library/*.yaml``); this module is the schema
every method file must satisfy, and the built-in closing phases every meeting ends with.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from core.domain.common import Locale

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1500)]


class Localised(BaseModel):
    """A text in both languages we ship; neither may be missing."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    nl: Text
    en: Text

    def __call__(self, locale: Locale) -> str:
        return self.nl if locale == "nl" else self.en


class Speakers(StrEnum):
    CASE_OWNER = "case_owner"
    EACH = "each"
    FREE = "free"
    FACILITATOR = "facilitator"


class CaseOwnerRole(StrEnum):
    """What the case owner does in a phase where others speak."""

    SPEAKS = "speaks"  # contributes like everyone else (counted as due in 'each' rounds)
    ANSWERS = "answers"  # may answer questions, is not due
    SILENT = "silent"  # listens; may not post
    TURNED_AWAY = "turned_away"  # "back turned": may not post, the group does not see them


class ContributionKind(StrEnum):
    FACT_QUESTION = "fact_question"
    OPEN_QUESTION = "open_question"
    ASSOCIATION = "association"
    HYPOTHESIS = "hypothesis"
    POSITION = "position"
    ADVICE = "advice"
    REFLECTION = "reflection"
    RATING = "rating"
    STATEMENT = "statement"
    ANSWER = "answer"


QUESTION_KINDS = frozenset({ContributionKind.FACT_QUESTION, ContributionKind.OPEN_QUESTION})


class Phase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    title: Localised
    prompt: Localised
    speakers: Speakers
    kinds: tuple[ContributionKind, ...] = Field(min_length=1)
    minutes: int = Field(ge=1, le=120)
    case_owner: CaseOwnerRole = CaseOwnerRole.ANSWERS
    write_first: bool = False
    max_per_member: int | None = Field(default=None, ge=1, le=20)

    @model_validator(mode="after")
    def _consistent(self) -> Phase:
        if self.speakers is Speakers.CASE_OWNER and self.case_owner is not CaseOwnerRole.SPEAKS:
            raise ValueError("a phase where the case owner speaks needs case_owner: speaks")
        if ContributionKind.ANSWER in self.kinds:
            raise ValueError("'answer' is implied by case_owner: answers, do not list it in kinds")
        return self

    @property
    def is_question_round(self) -> bool:
        return all(kind in QUESTION_KINDS for kind in self.kinds)

    def case_owner_may_post(self) -> bool:
        return self.case_owner in (CaseOwnerRole.SPEAKS, CaseOwnerRole.ANSWERS)


class Method(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
    name: Localised
    summary: Localised
    source: Text
    min_group_size: int = Field(ge=2, le=12)
    phases: tuple[Phase, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_phase_ids(self) -> Method:
        ids = [phase.id for phase in self.phases]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"phase ids must be unique, repeated: {', '.join(duplicates)}")
        reserved = {phase.id for phase in CLOSING_PHASES} & set(ids)
        if reserved:
            raise ValueError(f"phase ids reserved for the closing: {', '.join(sorted(reserved))}")
        return self

    @property
    def total_minutes(self) -> int:
        return sum(phase.minutes for phase in self.all_phases)

    @property
    def all_phases(self) -> tuple[Phase, ...]:
        """The method's own phases followed by the closing every meeting shares."""
        return self.phases + CLOSING_PHASES


TAKEAWAY = Phase(
    id="takeaway",
    title=Localised(nl="Afsluiting: wat neem ik mee", en="Closing: what I take away"),
    prompt=Localised(
        nl="De inbrenger vertelt wat hij of zij meeneemt en wat de eerste stap wordt.",
        en="The case owner says what they take away and what their first step will be.",
    ),
    speakers=Speakers.CASE_OWNER,
    kinds=(ContributionKind.REFLECTION,),
    minutes=5,
    case_owner=CaseOwnerRole.SPEAKS,
)

EVALUATION = Phase(
    id="evaluation",
    title=Localised(nl="Evaluatie", en="Evaluation"),
    prompt=Localised(
        nl="Iedereen geeft de bijeenkomst een cijfer van 1 tot 5, met desgewenst een toelichting.",
        en="Everyone rates the meeting from 1 to 5 and may add a short comment.",
    ),
    speakers=Speakers.EACH,
    kinds=(ContributionKind.RATING,),
    minutes=5,
    case_owner=CaseOwnerRole.SPEAKS,
    max_per_member=1,
)

CLOSING_PHASES: tuple[Phase, ...] = (TAKEAWAY, EVALUATION)
