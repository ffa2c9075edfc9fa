"""Retention and erasure on the domain objects alone: texts go, statistics stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.domain.case import Case
from core.domain.errors import NotPossibleNow
from core.domain.events import CaseWithdrawn
from core.domain.group import Group, Role
from core.domain.meeting import Meeting, MeetingState
from core.domain.method import ContributionKind, Speakers
from core.domain.privacy import TextRemoval, is_erased, stand_in
from core.domain.workspace import Workspace
from tests.support.methods import SAMPLE

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PEOPLE = ["A", "B", "C", "D", "E"]
CHAIR = "F"
RETENTION = TextRemoval(at=NOW, after_days=30)
ERASURE = TextRemoval(at=NOW)


def held(owner: str = "A") -> Meeting:
    """A meeting of the sample method, played to its evaluation: everyone due speaks."""
    meeting = Meeting.schedule(group_id=1, sequence=0, method=SAMPLE, at=NOW)
    meeting.id = 7
    meeting.start(participants=PEOPLE, chair=CHAIR, method=SAMPLE, now=NOW)
    meeting.choose_case(case_id=3, owner=owner)
    meeting.advance(now=NOW)
    while meeting.state in (MeetingState.IN_PHASE, MeetingState.CLOSING):
        phase, current = meeting.phase, meeting.current_round
        assert phase is not None and current is not None
        if phase.speakers is Speakers.FREE:
            speakers = ["B", "C"]
        elif phase.speakers is Speakers.FACILITATOR:
            speakers = [CHAIR]
        else:
            speakers = list(current.order)
        for person in speakers:
            rating = phase.kinds[0] is ContributionKind.RATING
            text = f"{'4' if person != 'B' else '5'} - fine" if rating else f"{phase.id}: {person}"
            meeting.contribute(person=person, text=text, now=NOW)
        meeting.advance(now=NOW)
    meeting.collect_events()
    return meeting


def statistics(meeting: Meeting) -> dict[str, object]:
    """What the report and the managers' numbers are made of."""
    return {
        "participants": len(meeting.participants),
        "attended": len({c.author for c in meeting.contributions} & set(meeting.participants)),
        "rating": meeting.average_rating(),
        "rounds": [
            (r.phase_id, r.status, len(r.order), len(r.contributed)) for r in meeting.rounds
        ],
        "said": [(c.phase_index, c.kind, c.score) for c in meeting.contributions],
    }


def test_retention_removes_every_text_and_keeps_the_statistics() -> None:
    meeting = held()
    before = statistics(meeting)
    authors = [c.author for c in meeting.contributions]
    meeting.contributions[1].revise(editor=meeting.contributions[1].author, text="x", now=NOW)
    assert meeting.contributions[1].history  # an earlier wording is kept until the purge

    removed = meeting.remove_texts(RETENTION)

    assert removed == len(meeting.contributions) > 0
    assert {c.text for c in meeting.contributions} == {""}
    assert all(c.history == [] and c.removed == RETENTION for c in meeting.contributions)
    assert statistics(meeting) == before
    assert [c.author for c in meeting.contributions] == authors
    assert meeting.remove_texts(RETENTION) == 0  # a second purge changes nothing
    assert meeting.events == ()  # nothing to tell anyone: nothing is posted again


def test_retention_waits_until_the_meeting_is_over() -> None:
    meeting = Meeting.schedule(group_id=1, sequence=0, method=SAMPLE, at=NOW)
    meeting.start(participants=PEOPLE, chair=CHAIR, method=SAMPLE, now=NOW)
    with pytest.raises(NotPossibleNow) as refused:
        meeting.remove_texts(RETENTION)
    assert refused.value.key == "meeting.not_finished"


def test_a_case_loses_its_text_once() -> None:
    case = Case.submit(
        group_id=1,
        owner="A",
        title="Night shift",
        help_question="What now?",
        description="At 3 am ...",
        consent_to_report=True,
        now=NOW,
    )
    assert case.remove_text(RETENTION) is True
    assert (case.title, case.help_question, case.description) == ("", "", "")
    assert case.owner == "A" and case.consent_to_report and case.removed == RETENTION
    assert case.remove_text(TextRemoval(at=NOW + timedelta(days=1), after_days=9)) is False
    assert case.removed == RETENTION


def test_erasure_puts_a_stand_in_everywhere_and_attendance_still_adds_up() -> None:
    meeting = held(owner="A")
    meeting.mark_reported()
    meeting.collect_events()
    meeting.contributions[0].source_ref = "1700000000.000100"
    before = statistics(meeting)
    theirs = [c.id for c in meeting.contributions if c.author == "A"]
    others = {c.id: c.text for c in meeting.contributions if c.author != "A"}
    erased = stand_in()

    assert meeting.forget("A", stand_in=erased, removal=ERASURE) == len(theirs) > 0

    assert not meeting.involves("A") and meeting.involves(erased)
    assert meeting.case_owner == erased and meeting.case_id == 3
    assert statistics(meeting) == before
    for contribution in meeting.contributions:
        if contribution.id in theirs:
            assert contribution.author == erased and contribution.text == ""
            assert contribution.removed == ERASURE and contribution.source_ref is None
        else:
            assert contribution.text == others[contribution.id]
    assert meeting.events == ()


def test_erasing_the_chair_keeps_who_led_as_a_stand_in() -> None:
    meeting = held()
    erased = stand_in()
    spoke = meeting.forget(CHAIR, stand_in=erased, removal=ERASURE)
    assert meeting.chair == erased and spoke == 1  # the facilitator's summary
    assert CHAIR not in meeting.participants


def test_erasure_waits_while_the_meeting_is_under_way() -> None:
    meeting = Meeting.schedule(group_id=1, sequence=0, method=SAMPLE, at=NOW)
    meeting.start(participants=PEOPLE, chair=CHAIR, method=SAMPLE, now=NOW)
    before = meeting.model_dump()
    with pytest.raises(NotPossibleNow) as refused:
        meeting.forget("B", stand_in=stand_in(), removal=ERASURE)
    assert refused.value.key == "privacy.meeting_under_way"
    assert meeting.model_dump() == before


def test_a_case_chosen_in_advance_is_withdrawn_from_the_planned_meeting() -> None:
    meeting = Meeting.schedule(group_id=1, sequence=0, method=SAMPLE, at=NOW)
    meeting.choose_case(case_id=3, owner="B")
    meeting.collect_events()
    meeting.forget("B", stand_in=stand_in(), removal=ERASURE)
    assert (meeting.case_id, meeting.case_owner) == (None, None)
    assert meeting.events == (CaseWithdrawn(case_id=3),)  # its message is updated
    meeting.start(participants=PEOPLE, chair=CHAIR, method=SAMPLE, now=NOW)
    assert meeting.state is MeetingState.OPEN_FOR_CASES  # choose another case


def test_a_cancelled_meeting_lets_go_of_the_released_case() -> None:
    meeting = Meeting.schedule(group_id=1, sequence=0, method=SAMPLE, at=NOW)
    meeting.choose_case(case_id=3, owner="B")
    meeting.cancel(NOW)
    meeting.collect_events()
    meeting.forget("B", stand_in=stand_in(), removal=ERASURE)
    assert (meeting.case_id, meeting.case_owner) == (None, None)
    assert meeting.events == ()


def test_stand_ins_are_distinct_and_recognisable() -> None:
    first, second = stand_in(), stand_in()
    assert first != second and is_erased(first) and is_erased(second)
    assert not is_erased("U0123ABCD") and not is_erased(None)


def test_a_person_leaves_a_group_in_every_role() -> None:
    group = Group.create(
        workspace_id=1,
        name="Noord",
        channel="C1",
        members=["A", "B", "C"],
        facilitator="B",
        managers=["B", "M"],
    )
    assert group.forget("B") == {Role.MEMBER, Role.FACILITATOR, Role.MANAGER}
    assert (group.members, group.facilitator, group.managers) == (["A", "C"], None, ["M"])
    assert group.forget("B") == set()


def test_a_workspace_forgets_a_manager_and_keeps_its_retention() -> None:
    workspace = Workspace(platform="slack", external_id="T1", managers=["M", "N"])
    assert workspace.retention(365) == 365
    workspace.retention_days = 30
    assert workspace.retention(365) == 30
    assert workspace.forget_manager("M") is True and workspace.managers == ["N"]
    assert workspace.forget_manager("M") is False
