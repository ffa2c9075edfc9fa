"""Property-based: random legal and illegal actions on meetings keep the invariants.

Hypothesis drives the real services over the in-memory unit of work with random
people (members, the facilitator, a manager, a stranger) doing random things.
"""

from __future__ import annotations

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from core.domain.errors import DomainError
from core.domain.meeting import Meeting, MeetingState
from core.domain.method import CaseOwnerRole, ContributionKind, Speakers
from core.domain.round import RoundStatus
from core.methods import MethodLibrary, load_library
from core.services import contributions, meetings, preparation
from tests.support.factories import FACILITATOR, MANAGER, make_world, members
from tests.support.methods import SAMPLE

METHODS = MethodLibrary([SAMPLE, *load_library()])
PEOPLE = [*members(7), FACILITATOR, MANAGER, "U_STRANGER"]
person = st.one_of(st.sampled_from(PEOPLE), st.just(FACILITATOR))
"""Anyone, but the facilitator often enough that meetings get somewhere."""
texts = st.sampled_from(
    [
        "What happened?",
        "You should rest.",
        "4 - good",
        "5",
        "I felt alone",
        "",
        "x" * 3000,
        "Why then?",
    ]
)
kinds = st.one_of(st.none(), st.sampled_from(list(ContributionKind)))


class MeetingMachine(RuleBasedStateMachine):
    @initialize(method_id=st.sampled_from(METHODS.ids()), size=st.integers(3, 7))
    def setup(self, method_id: str, size: int) -> None:
        self.world = make_world(methods=METHODS)
        size = max(size, METHODS.get(method_id).min_group_size)
        group = self.world.group(size, method_id=method_id)
        assert group.id is not None
        self.group_id = group.id
        self.members = group.members
        self.versions: dict[int, int] = {}
        owner = self.world.actor(self.members[0])
        case = preparation.submit_case(
            self.world.ctx, actor=owner, group_id=group.id, title="A case", help_question="How?"
        )
        assert case.id is not None
        self.case_ids: list[int] = [case.id]
        started = meetings.start_meeting(self.world.ctx, actor=owner, group_id=group.id)
        self.meeting_id: int | None = started.meeting.id

    # ------------------------------------------------------------------ helpers

    def attempt(self, action: object) -> None:
        before = self.snapshot()
        try:
            action()  # type: ignore[operator]
        except DomainError:
            assert self.snapshot() == before, "a refused action changed something"

    def snapshot(self) -> dict[str, object] | None:
        stored = self.stored()
        return stored.model_dump() if stored else None

    def stored(self) -> Meeting | None:
        if self.meeting_id is None:
            return None
        return self.world.store.meetings.get(self.meeting_id)

    # -------------------------------------------------------------------- rules

    @rule(who=person)
    def start(self, who: str) -> None:
        def go() -> None:
            started = meetings.start_meeting(
                self.world.ctx, actor=self.world.actor(who), group_id=self.group_id
            )
            self.meeting_id = started.meeting.id

        self.attempt(go)

    @rule(who=person)
    def submit_case(self, who: str) -> None:
        def go() -> None:
            case = preparation.submit_case(
                self.world.ctx,
                actor=self.world.actor(who),
                group_id=self.group_id,
                title="A case",
                help_question="How?",
            )
            assert case.id is not None
            self.case_ids.append(case.id)

        self.attempt(go)

    @precondition(lambda self: self.meeting_id is not None and self.case_ids)
    @rule(who=person, pick=st.integers(0, 10))
    def choose(self, who: str, pick: int) -> None:
        case_id = self.case_ids[pick % len(self.case_ids)]
        event(f"choose by {'facilitator' if who == FACILITATOR else 'other'}")
        self.attempt(
            lambda: meetings.choose_case(
                self.world.ctx,
                actor=self.world.actor(who),
                meeting_id=self.meeting_id or 0,
                case_id=case_id,
            )
        )

    @rule()
    def facilitator_moves_on(self) -> None:
        self.advance(FACILITATOR, stale=False)

    @precondition(lambda self: self.meeting_id is not None)
    @rule(who=person, stale=st.booleans())
    def advance(self, who: str, stale: bool) -> None:
        stored = self.stored()
        assert stored is not None
        position = "phase:999" if stale else stored.position
        self.attempt(
            lambda: meetings.advance_phase(
                self.world.ctx,
                actor=self.world.actor(who),
                meeting_id=self.meeting_id or 0,
                expected_position=position,
            )
        )

    @precondition(lambda self: self.meeting_id is not None)
    @rule(who=person, text=texts, kind=kinds)
    def contribute(self, who: str, text: str, kind: ContributionKind | None) -> None:
        stored = self.stored()
        assert stored is not None
        index = stored.phase_index
        was_open = stored.current_round is not None and stored.current_round.is_open

        def go() -> None:
            result = contributions.contribute(
                self.world.ctx,
                actor=self.world.actor(who),
                meeting_id=self.meeting_id or 0,
                text=text,
                kind=kind,
            )
            assert was_open and result.contribution.phase_index == index

        self.attempt(go)

    @precondition(lambda self: self.meeting_id is not None)
    @rule(who=person)
    def pass_turn(self, who: str) -> None:
        self.attempt(
            lambda: contributions.pass_turn(
                self.world.ctx, actor=self.world.actor(who), meeting_id=self.meeting_id or 0
            )
        )

    @precondition(lambda self: self.meeting_id is not None)
    @rule(who=person, text=texts, pick=st.integers(0, 50))
    def edit(self, who: str, text: str, pick: int) -> None:
        stored = self.stored()
        assert stored is not None
        if not stored.contributions:
            return
        target = stored.contributions[pick % len(stored.contributions)]
        self.attempt(
            lambda: contributions.edit_contribution(
                self.world.ctx,
                actor=self.world.actor(who),
                meeting_id=self.meeting_id or 0,
                contribution_id=target.id,
                text=text,
            )
        )

    @precondition(lambda self: self.meeting_id is not None)
    @rule(who=person, minutes=st.integers(-5, 90))
    def extend(self, who: str, minutes: int) -> None:
        self.attempt(
            lambda: meetings.extend_phase(
                self.world.ctx,
                actor=self.world.actor(who),
                meeting_id=self.meeting_id or 0,
                minutes=minutes,
            )
        )

    @precondition(lambda self: self.meeting_id is not None)
    @rule(who=person)
    def pause_or_resume(self, who: str) -> None:
        self.attempt(
            lambda: meetings.pause_meeting(
                self.world.ctx, actor=self.world.actor(who), meeting_id=self.meeting_id or 0
            )
        )

    @precondition(lambda self: self.meeting_id is not None)
    @rule(who=person)
    def close(self, who: str) -> None:
        self.attempt(
            lambda: meetings.close_meeting(
                self.world.ctx, actor=self.world.actor(who), meeting_id=self.meeting_id or 0
            )
        )

    @precondition(lambda self: self.meeting_id is not None)
    @rule(who=person)
    def report(self, who: str) -> None:
        self.attempt(
            lambda: meetings.publish_report(
                self.world.ctx, actor=self.world.actor(who), meeting_id=self.meeting_id or 0
            )
        )

    @rule(minutes=st.integers(0, 30))
    def time_passes(self, minutes: int) -> None:
        self.world.clock.tick(minutes=minutes)

    # --------------------------------------------------------------- invariants

    @invariant()
    def no_phase_is_skipped_without_being_recorded(self) -> None:
        meeting = self.stored()
        if meeting is None or meeting.phase_index is None:
            return
        assert [r.phase_index for r in meeting.rounds] == list(range(len(meeting.rounds)))
        assert len(meeting.rounds) == meeting.phase_index + 1
        for earlier in meeting.rounds[:-1]:
            assert earlier.status is not RoundStatus.OPEN
            assert set(earlier.missed) == set(earlier.due)
        if meeting.state in (MeetingState.EVALUATED, MeetingState.REPORTED):
            assert len(meeting.rounds) == len(meeting.phases)
            assert all(r.status is not RoundStatus.OPEN for r in meeting.rounds)

    @invariant()
    def every_contribution_is_by_a_member_in_a_phase_they_may_speak(self) -> None:
        meeting = self.stored()
        if meeting is None:
            return
        for c in meeting.contributions:
            phase = meeting.phases[c.phase_index]
            if phase.speakers is Speakers.FACILITATOR:
                assert c.author in (meeting.chair, FACILITATOR)
            else:
                assert c.author in self.members and c.author in meeting.participants
            if c.author == meeting.case_owner and phase.speakers is not Speakers.CASE_OWNER:
                assert phase.case_owner not in (CaseOwnerRole.TURNED_AWAY, CaseOwnerRole.SILENT)
            assert c.kind in phase.kinds or c.kind is ContributionKind.ANSWER
            if meeting.rounds[c.phase_index].status is not RoundStatus.OPEN:
                assert c.revealed

    @invariant()
    def versions_only_grow(self) -> None:
        meeting = self.stored()
        if meeting is None:
            return
        event(f"reached {meeting.state.value}")
        assert meeting.id is not None
        assert meeting.version >= self.versions.get(meeting.id, 0)
        self.versions[meeting.id] = meeting.version


MeetingMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestMeetingMachine = MeetingMachine.TestCase
