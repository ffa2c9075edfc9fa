"""A small method built in code, so domain tests do not depend on the library's texts."""

from __future__ import annotations

from core.domain.method import (
    CaseOwnerRole,
    ContributionKind,
    Localised,
    Method,
    Phase,
    Speakers,
)


def _text(word: str) -> Localised:
    return Localised(nl=f"{word} (nl)", en=word)


def phase(
    pid: str,
    speakers: Speakers,
    *kinds: ContributionKind,
    case_owner: CaseOwnerRole = CaseOwnerRole.ANSWERS,
    write_first: bool = False,
    max_per_member: int | None = None,
) -> Phase:
    if speakers is Speakers.CASE_OWNER:
        case_owner = CaseOwnerRole.SPEAKS
    return Phase(
        id=pid,
        title=_text(pid),
        prompt=_text(f"do {pid}"),
        speakers=speakers,
        kinds=kinds,
        minutes=5,
        case_owner=case_owner,
        write_first=write_first,
        max_per_member=max_per_member,
    )


K = ContributionKind
SAMPLE = Method(
    id="sample",
    name=_text("Sample"),
    summary=_text("A sample method"),
    source="tests",
    min_group_size=3,
    phases=(
        phase("sketch", Speakers.CASE_OWNER, K.STATEMENT),
        phase("questions", Speakers.EACH, K.FACT_QUESTION, K.OPEN_QUESTION),
        phase(
            "gossip", Speakers.FREE, K.HYPOTHESIS, K.ADVICE, case_owner=CaseOwnerRole.TURNED_AWAY
        ),
        phase(
            "positions",
            Speakers.EACH,
            K.POSITION,
            write_first=True,
            case_owner=CaseOwnerRole.SILENT,
        ),
        phase("summary", Speakers.FACILITATOR, K.STATEMENT),
    ),
)
