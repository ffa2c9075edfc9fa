"""The meeting state machine and its rounds, on the domain objects alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.domain.contribution import parse_score
from core.domain.errors import InvalidInput, NotAllowed, NotPossibleNow
from core.domain.events import ContributionWithdrawn, MembersSkipped, RoundRevealed, TurnGiven
from core.domain.meeting import Meeting, MeetingState
from core.domain.method import ContributionKind
from core.domain.round import RoundStatus
from tests.support.methods import SAMPLE

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PEOPLE = ["A", "B", "C", "D", "E"]
CHAIR = "F"


def started(sequence: int = 0) -> Meeting:
    meeting = Meeting.schedule(group_id=1, sequence=sequence, method=SAMPLE, at=NOW)
    meeting.id = 7
    meeting.start(participants=PEOPLE, chair=CHAIR, method=SAMPLE, now=NOW)
    return meeting


def in_phase(index: int, owner: str = "A") -> Meeting:
    meeting = started()
    meeting.choose_case(case_id=3, owner=owner)
    for _ in range(index + 1):
        meeting.advance(now=NOW)
    assert meeting.phase_index == index
    return meeting


def test_states_follow_the_order_of_the_method_to_reported() -> None:
    meeting = started()
    assert meeting.state is MeetingState.OPEN_FOR_CASES
    meeting.choose_case(case_id=3, owner="A")
    assert meeting.state is MeetingState.CASE_CHOSEN
    seen = []
    while meeting.state is not MeetingState.EVALUATED:
        meeting.advance(now=NOW)
        seen.append((meeting.state, meeting.phase_index))
    method_phases = len(SAMPLE.phases)
    assert [s for s, _ in seen[:method_phases]] == [MeetingState.IN_PHASE] * method_phases
    assert [s for s, _ in seen[method_phases:-1]] == [MeetingState.CLOSING] * 2
    assert [r.phase_id for r in meeting.rounds] == [p.id for p in SAMPLE.all_phases]
    meeting.mark_reported()
    assert meeting.state is MeetingState.REPORTED


def test_an_illegal_transition_raises_and_changes_nothing() -> None:
    meeting = started()
    before = meeting.model_dump()
    with pytest.raises(NotPossibleNow) as refused:
        meeting.advance(now=NOW)  # no case chosen yet
    assert refused.value.key == "meeting.not_running"
    with pytest.raises(NotPossibleNow):
        meeting.mark_reported()
    with pytest.raises(NotPossibleNow):
        meeting.reschedule(NOW + timedelta(days=1))
    assert meeting.model_dump() == before


def test_a_case_chosen_in_advance_skips_open_for_cases_and_records_it() -> None:
    meeting = Meeting.schedule(group_id=1, sequence=0, method=SAMPLE, at=NOW)
    meeting.choose_case(case_id=3, owner="B")
    meeting.start(participants=PEOPLE, chair=CHAIR, method=SAMPLE, now=NOW)
    assert meeting.state is MeetingState.CASE_CHOSEN
    assert meeting.skipped_steps == ["open_for_cases"]


def test_a_group_smaller_than_the_method_needs_cannot_start() -> None:
    meeting = Meeting.schedule(group_id=1, sequence=0, method=SAMPLE, at=NOW)
    with pytest.raises(NotPossibleNow) as refused:
        meeting.start(participants=["A", "B"], chair=None, method=SAMPLE, now=NOW)
    assert refused.value.params == {"needed": 3, "members": 2}
    assert meeting.state is MeetingState.PLANNED


def test_cancel_only_before_the_phases_and_reschedule_only_while_planned() -> None:
    meeting = Meeting.schedule(group_id=1, sequence=0, method=SAMPLE, at=NOW)
    meeting.reschedule(NOW + timedelta(days=2))
    assert meeting.scheduled_at == NOW + timedelta(days=2)
    running = in_phase(0)
    with pytest.raises(NotPossibleNow):
        running.cancel(NOW)
    meeting.cancel(NOW)
    assert meeting.state is MeetingState.CANCELLED


def test_only_the_case_owner_speaks_in_a_case_owner_phase() -> None:
    meeting = in_phase(0)
    with pytest.raises(NotAllowed) as refused:
        meeting.contribute(person="B", text="Let me tell", now=NOW)
    assert refused.value.key == "round.only_case_owner"
    contribution = meeting.contribute(person="A", text="This happened", now=NOW)
    assert contribution.kind is ContributionKind.STATEMENT
    assert meeting.current_round is not None and meeting.current_round.everyone_done


def test_each_round_excludes_the_case_owner_and_rotates_across_meetings() -> None:
    first = in_phase(1)
    assert first.current_round is not None
    assert sorted(first.current_round.order) == ["B", "C", "D", "E"]
    later = started(sequence=1)
    later.choose_case(case_id=3, owner="A")
    later.advance(now=NOW)
    later.advance(now=NOW)
    assert later.current_round is not None
    assert later.current_round.order[0] != first.current_round.order[0]
    assert sorted(later.current_round.order) == sorted(first.current_round.order)


def test_the_case_owner_answers_in_a_question_round_without_being_due() -> None:
    meeting = in_phase(1)
    answer = meeting.contribute(person="A", text="It was at night.", now=NOW)
    assert answer.kind is ContributionKind.ANSWER
    assert meeting.current_round is not None and "A" not in meeting.current_round.order
    with pytest.raises(NotPossibleNow):
        meeting.contribute(person="B", text="Do it", kind=ContributionKind.ADVICE, now=NOW)


def test_a_round_completes_when_everyone_due_contributed_or_passed() -> None:
    meeting = in_phase(1)
    current = meeting.current_round
    assert current is not None
    first, *others = current.order
    assert current.current_turn == first
    meeting.contribute(person=first, text="When did it start?", now=NOW)
    meeting.pass_turn(person=others[0])
    for person in others[1:]:
        meeting.contribute(person=person, text="Who was there?", now=NOW)
    assert current.everyone_done and current.due == []
    with pytest.raises(NotPossibleNow):
        meeting.pass_turn(person=others[0])
    meeting.advance(now=NOW)
    assert meeting.rounds[1].status is RoundStatus.COMPLETE
    assert meeting.rounds[1].passed == [others[0]]


def test_moving_on_early_records_who_did_not_contribute() -> None:
    meeting = in_phase(1)
    order = list(meeting.rounds[-1].order)
    meeting.contribute(person=order[0], text="Why then?", now=NOW)
    meeting.advance(now=NOW)
    closed = meeting.rounds[1]
    assert closed.status is RoundStatus.CLOSED_EARLY
    assert closed.missed == order[1:]


def test_turned_away_case_owner_cannot_post() -> None:
    meeting = in_phase(2)
    with pytest.raises(NotAllowed) as refused:
        meeting.contribute(person="A", text="But I did!", now=NOW)
    assert refused.value.key == "round.case_owner_turned_away"
    assert meeting.contributions_in(2) == []
    meeting.contribute(person="B", text="Maybe she felt alone", now=NOW)
    assert meeting.current_round is not None and meeting.current_round.order == []


def test_write_first_contributions_stay_hidden_until_the_round_closes() -> None:
    meeting = in_phase(3)
    written = meeting.contribute(person="B", text="I would call the family", now=NOW)
    assert not written.revealed
    assert meeting.contributions_in(3, viewer="C") == []
    assert meeting.contributions_in(3, viewer="B") == [written]
    meeting.advance(now=NOW)
    assert [c.id for c in meeting.contributions_in(3, viewer="C")] == [written.id]
    assert RoundRevealed(phase_index=3) in meeting.events


def test_a_message_deleted_on_the_platform_withdraws_its_contribution() -> None:
    meeting = in_phase(3)  # write-first, each in turn
    assert meeting.current_round is not None
    first = meeting.current_round.order[0]
    meeting.contribute(person=first, text="Client details", now=NOW, source_ref="m1")
    assert first not in meeting.current_round.due
    withdrawn = meeting.withdraw_deleted(source_ref="m1")
    assert withdrawn is not None and withdrawn.text == "Client details"
    assert meeting.contributions == [] and first in meeting.current_round.due
    assert ContributionWithdrawn(phase_index=3, author=first) in meeting.events
    assert meeting.withdraw_deleted(source_ref="m1") is None  # delivered again: nothing


def test_a_deleted_message_leaves_the_authors_other_contribution_counting() -> None:
    meeting = in_phase(3)
    assert meeting.current_round is not None
    first = meeting.current_round.order[0]
    meeting.contribute(person=first, text="One", now=NOW, source_ref="m1")
    meeting.contribute(person=first, text="Two", now=NOW, source_ref="m2")
    meeting.withdraw_deleted(source_ref="m1")
    assert [c.text for c in meeting.contributions] == ["Two"]
    assert first not in meeting.current_round.due


def test_a_message_deleted_after_its_round_closed_is_withdrawn_from_the_record() -> None:
    meeting = in_phase(1)
    assert meeting.current_round is not None
    first = meeting.current_round.order[0]
    meeting.contribute(person=first, text="When?", now=NOW, source_ref="m1")
    meeting.advance(now=NOW)
    meeting.withdraw_deleted(source_ref="m1")
    assert meeting.contributions_in(1) == []
    assert first in meeting.rounds[1].contributed  # the closed round's record stays as held


def test_a_start_nothing_of_which_reached_the_channel_is_undone_until_a_round_is_held() -> None:
    meeting = started()
    assert meeting.undo_start() is True
    assert (meeting.state, meeting.started_at, meeting.phases) == (MeetingState.PLANNED, None, [])
    meeting.start(participants=PEOPLE, chair=CHAIR, method=SAMPLE, now=NOW)  # afresh
    assert meeting.state is MeetingState.OPEN_FOR_CASES
    held = in_phase(1)
    assert held.undo_start() is False and held.state is MeetingState.IN_PHASE


def test_only_the_chair_or_facilitator_speaks_in_a_facilitator_phase() -> None:
    meeting = in_phase(4)
    with pytest.raises(NotAllowed):
        meeting.contribute(person="B", text="Summary", now=NOW)
    meeting.contribute(person=CHAIR, text="To sum up", now=NOW)


def test_edits_by_the_author_while_the_phase_is_open_keep_history() -> None:
    meeting = in_phase(1)
    asked = meeting.contribute(person="B", text="When?", now=NOW)
    with pytest.raises(NotAllowed):
        meeting.edit_contribution(contribution_id=asked.id, person="C", text="x", now=NOW)
    meeting.edit_contribution(contribution_id=asked.id, person="B", text="When exactly?", now=NOW)
    assert asked.text == "When exactly?" and [e.text for e in asked.history] == ["When?"]
    meeting.advance(now=NOW)
    with pytest.raises(NotPossibleNow):
        meeting.edit_contribution(contribution_id=asked.id, person="B", text="Late", now=NOW)
    assert asked.text == "When exactly?"


def test_closing_early_records_every_phase_not_held_as_skipped() -> None:
    meeting = in_phase(1)
    meeting.close(now=NOW)
    assert meeting.state is MeetingState.EVALUATED
    statuses = [r.status for r in meeting.rounds]
    assert statuses[:2] == [RoundStatus.CLOSED_EARLY, RoundStatus.CLOSED_EARLY]
    assert meeting.rounds[0].missed == ["A"]
    assert len(meeting.rounds) == len(SAMPLE.all_phases)
    assert all(s is RoundStatus.SKIPPED for s in statuses[2:])


def test_a_double_advance_from_the_same_button_applies_once() -> None:
    meeting = in_phase(1)
    position = meeting.position
    meeting.advance(now=NOW, expected_position=position)
    with pytest.raises(NotPossibleNow) as refused:
        meeting.advance(now=NOW, expected_position=position)
    assert refused.value.key == "meeting.already_moved_on"
    assert meeting.phase_index == 2


def test_pause_stops_the_clock_and_blocks_contributions() -> None:
    meeting = in_phase(1)
    deadline = meeting.rounds[-1].deadline
    meeting.pause(now=NOW)
    with pytest.raises(NotPossibleNow):
        meeting.contribute(person="B", text="When?", now=NOW)
    meeting.resume(now=NOW + timedelta(minutes=3))
    assert meeting.rounds[-1].deadline == deadline + timedelta(minutes=3)
    meeting.extend(minutes=5)
    assert meeting.rounds[-1].deadline == deadline + timedelta(minutes=8)
    with pytest.raises(InvalidInput):
        meeting.extend(minutes=500)


def test_the_evaluation_takes_one_rating_each_and_averages() -> None:
    meeting = in_phase(len(SAMPLE.phases) + 1)
    assert meeting.state is MeetingState.CLOSING
    with pytest.raises(InvalidInput):
        meeting.contribute(person="B", text="great", now=NOW)
    meeting.contribute(person="B", text="4 - useful", now=NOW)
    meeting.contribute(person="A", text="5", now=NOW)
    with pytest.raises(NotPossibleNow):
        meeting.contribute(person="B", text="3", now=NOW)
    assert meeting.average_rating() == 4.5


@pytest.mark.parametrize(("text", "score"), [("4", 4), ("5/5", 5), ("3 - ok", 3), ("2, meh", 2)])
def test_scores_are_read_from_the_start_of_a_rating(text: str, score: int) -> None:
    assert parse_score(text) == score


@pytest.mark.parametrize("text", ["10", "0", "great", "", "45"])
def test_texts_without_a_score_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_score(text)


def test_oversized_text_is_refused_and_nothing_is_added() -> None:
    meeting = in_phase(1)
    with pytest.raises(InvalidInput) as refused:
        meeting.contribute(person="B", text="?" * 5000, now=NOW)
    assert refused.value.params["limit"] == 2800
    assert meeting.contributions == []


def test_members_who_left_or_whose_account_is_gone_are_skipped_in_turn_orders() -> None:
    meeting = in_phase(1)
    current = meeting.current_round
    assert current is not None
    first, second, *_ = current.order
    meeting.skip_absent(left={first, "Z"}, gone={"E"})
    assert first not in meeting.participants and "E" not in meeting.participants
    assert first not in current.order and "E" not in current.order
    assert current.current_turn == (second if second != "E" else current.order[0])
    assert MembersSkipped(left=(first,), gone=("E",)) in meeting.events
    assert TurnGiven(phase_index=1, person=current.current_turn) in meeting.events
    meeting.advance(now=NOW)
    later = meeting.current_round
    assert later is not None and first not in later.order and "E" not in later.order
    with pytest.raises(NotAllowed):
        meeting.contribute(person="E", text="Still here?", now=NOW)


def test_what_a_skipped_member_said_stays_and_a_second_look_changes_nothing() -> None:
    meeting = in_phase(1)
    assert meeting.current_round is not None
    first = meeting.current_round.order[0]
    said = meeting.contribute(person=first, text="When did it start?", now=NOW)
    meeting.skip_absent(left={first}, gone=set())
    assert meeting.contributions == [said] and first in meeting.current_round.contributed
    meeting.collect_events()
    meeting.skip_absent(left={first}, gone=set())
    assert meeting.events == ()


def test_the_case_owner_is_never_skipped_and_a_skipped_chair_hands_over() -> None:
    meeting = Meeting.schedule(group_id=1, sequence=0, method=SAMPLE, at=NOW)
    meeting.start(participants=PEOPLE, chair="B", method=SAMPLE, now=NOW)
    meeting.choose_case(case_id=3, owner="A")
    meeting.skip_absent(left={"A", "B", "C"}, gone=set())
    assert meeting.case_owner == "A" and "A" in meeting.participants
    assert meeting.chair == "D"  # the next member present after B
    assert meeting.participants == ["A", "D", "E"]


def test_skipping_the_last_member_due_in_a_write_first_round_reveals_it() -> None:
    meeting = in_phase(3)  # write-first, each in turn
    current = meeting.current_round
    assert current is not None
    *written, last = current.order
    for person in written:
        meeting.contribute(person=person, text="I would call the family", now=NOW)
    assert meeting.contributions_in(3, viewer="nobody") == []
    meeting.skip_absent(left=set(), gone={last})
    assert current.everyone_done
    assert len(meeting.contributions_in(3, viewer="nobody")) == len(written)
    assert RoundRevealed(phase_index=3) in meeting.events


def test_nobody_is_skipped_before_a_meeting_starts_or_after_it_ends() -> None:
    planned = Meeting.schedule(group_id=1, sequence=0, method=SAMPLE, at=NOW)
    planned.collect_events()
    planned.skip_absent(left={"A"}, gone=set())
    assert planned.events == () and planned.participants == []
    ended = in_phase(1)
    ended.close(now=NOW)
    ended.collect_events()
    ended.skip_absent(left={"A"}, gone=set())
    assert ended.events == () and "A" in ended.participants
