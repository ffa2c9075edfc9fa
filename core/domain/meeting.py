"""A meeting and its state machine.

planned -> open_for_cases -> case_chosen -> each phase of the method in order
-> closing (the case owner's takeaway, then the evaluation) -> evaluated -> reported.
A meeting may be cancelled before its phases begin and rescheduled while planned.
Every method raises a domain error and changes nothing when the rules forbid the step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from pydantic import Field

from core.domain.common import MAX_LONG_TEXT, PersonRef, clean_text
from core.domain.contribution import Contribution, parse_score
from core.domain.errors import InvalidInput, NotAllowed, NotFound, NotPossibleNow
from core.domain.events import (
    AdviceInQuestionRound,
    Aggregate,
    CaseChosen,
    CaseWithdrawn,
    ContributionAdded,
    ContributionEdited,
    ContributionWithdrawn,
    DeadlinePassed,
    EveryoneDone,
    MeetingCancelled,
    MeetingEvaluated,
    MeetingPaused,
    MeetingReported,
    MeetingRescheduled,
    MeetingResumed,
    MeetingScheduled,
    MeetingStarted,
    MeetingStartUndone,
    MembersSkipped,
    PhaseExtended,
    PhaseOpened,
    PhaseSkipped,
    RoundClosed,
    RoundRevealed,
    TurnGiven,
    TurnPassed,
    TurnsGiven,
)
from core.domain.group import phase_days
from core.domain.method import (
    QUESTION_KINDS,
    TAKEAWAY,
    CaseOwnerRole,
    ContributionKind,
    Method,
    Phase,
    Speakers,
)
from core.domain.nudge import looks_like_advice
from core.domain.privacy import TextRemoval
from core.domain.round import Round

MAX_EXTENSION_MINUTES = 60


class MeetingState(StrEnum):
    PLANNED = "planned"
    OPEN_FOR_CASES = "open_for_cases"
    CASE_CHOSEN = "case_chosen"
    IN_PHASE = "in_phase"
    CLOSING = "closing"
    EVALUATED = "evaluated"
    REPORTED = "reported"
    CANCELLED = "cancelled"


RUNNING = (MeetingState.IN_PHASE, MeetingState.CLOSING)
UNDER_WAY = (MeetingState.OPEN_FOR_CASES, MeetingState.CASE_CHOSEN, *RUNNING)
FINISHED = (MeetingState.EVALUATED, MeetingState.REPORTED, MeetingState.CANCELLED)

P = ParamSpec("P")
R = TypeVar("R")


def _tracks_turn(
    method: Callable[Concatenate[Meeting, P], R],
) -> Callable[Concatenate[Meeting, P], R]:
    """Records ``TurnGiven`` when the step moved the turn of an each-in-turn round."""

    @wraps(method)
    def step(self: Meeting, /, *args: P.args, **kwargs: P.kwargs) -> R:
        before = self.turn
        result = method(self, *args, **kwargs)
        after = self.turn
        if after is not None and after != before:
            self._record(TurnGiven(phase_index=after[0], person=after[1]))
        return result

    return step


class Meeting(Aggregate):
    id: int | None = None
    group_id: int
    sequence: int = Field(ge=0)
    """0 for a group's first meeting, 1 for the next: turn order and chair rotate on it."""
    method_id: str
    state: MeetingState = MeetingState.PLANNED
    scheduled_at: datetime
    time_zone: str | None = None
    """The IANA zone its time was planned in: its preparation tasks are due in that zone's
    wall-clock time (None: planned before zones were kept; the workspace's then)."""
    trajectory_id: int | None = None
    """The trajectory it was planned in, if any."""
    revision: int = 0
    """How often its time changed or it was called off (a calendar's SEQUENCE)."""
    phase_days: int | None = None
    """Async: each phase is open this many days (0: the method's minutes scaled, see
    ``core.domain.group.phase_days``); None: a live meeting, minutes as the method says."""
    case_turn: PersonRef | None = None
    """The member whose turn it is on the rota to bring the case (``core.domain.rota``)."""
    chair_turn: PersonRef | None = None
    """The member whose turn it is to chair, when the group's chair rotates."""
    started_at: datetime | None = None
    ended_at: datetime | None = None
    chair: PersonRef | None = None
    participants: list[PersonRef] = Field(default_factory=list)
    case_id: int | None = None
    case_owner: PersonRef | None = None
    phases: list[Phase] = Field(default_factory=list)
    """The method's phases as they were when the meeting started."""
    phase_index: int | None = None
    rounds: list[Round] = Field(default_factory=list)
    contributions: list[Contribution] = Field(default_factory=list)
    skipped_steps: list[str] = Field(default_factory=list)
    paused_at: datetime | None = None
    version: int = 0

    # ----------------------------------------------------------------- reading

    @property
    def phase(self) -> Phase | None:
        if self.phase_index is None or self.state not in RUNNING:
            return None
        return self.phases[self.phase_index]

    @property
    def current_round(self) -> Round | None:
        if self.phase is None:
            return None
        return self.rounds[-1]

    @property
    def turn(self) -> tuple[int, PersonRef] | None:
        """Whose turn it is (phase index, person) in a round where everyone speaks in turn."""
        phase, current = self.phase, self.current_round
        if phase is None or current is None or phase.speakers is not Speakers.EACH:
            return None
        person = current.current_turn
        return (current.phase_index, person) if person is not None else None

    @property
    def position(self) -> str:
        """Where the meeting stands; buttons carry it so that a double click applies once."""
        if self.state in RUNNING:
            return f"phase:{self.phase_index}"
        return self.state.value

    @property
    def is_finished(self) -> bool:
        return self.state in (MeetingState.EVALUATED, MeetingState.REPORTED, MeetingState.CANCELLED)

    def contributions_in(
        self, phase_index: int, *, viewer: PersonRef | None = None
    ) -> list[Contribution]:
        """What a viewer may see of a phase: write-first texts stay hidden until revealed,
        except one's own."""
        return [
            c
            for c in self.contributions
            if c.phase_index == phase_index and (c.revealed or c.author == viewer)
        ]

    @property
    def takeaway(self) -> list[Contribution]:
        """What the case owner said in the closing: what they take away and their first
        step (empty before the closing, or when they said nothing there)."""
        held = [i for i, phase in enumerate(self.phases) if phase.id == TAKEAWAY.id]
        return [
            c for c in self.contributions if c.phase_index in held and c.author == self.case_owner
        ]

    def remaining(self, now: datetime) -> timedelta | None:
        current = self.current_round
        if current is None:
            return None
        reference = self.paused_at or now
        return max(current.deadline - reference, timedelta(0))

    def average_rating(self) -> float | None:
        scores = [
            c.score for c in self.contributions if c.kind is ContributionKind.RATING and c.score
        ]
        return round(sum(scores) / len(scores), 1) if scores else None

    # ------------------------------------------------------------- scheduling

    @classmethod
    def schedule(
        cls,
        *,
        group_id: int,
        sequence: int,
        method: Method,
        at: datetime,
        time_zone: str | None = None,
        trajectory_id: int | None = None,
    ) -> Meeting:
        meeting = cls(
            group_id=group_id,
            sequence=sequence,
            method_id=method.id,
            scheduled_at=at,
            time_zone=time_zone,
            trajectory_id=trajectory_id,
        )
        meeting._record(MeetingScheduled(at=at))
        return meeting

    def reschedule(self, at: datetime, *, time_zone: str | None = None) -> None:
        """Move it to ``at`` (planned in ``time_zone``, if said)."""
        self._require(MeetingState.PLANNED, key="meeting.not_planned")
        self.scheduled_at = at
        self.time_zone = time_zone or self.time_zone
        self.revision += 1
        self._record(MeetingRescheduled(at=at))

    def give_turns(self, *, case: PersonRef | None, chair: PersonRef | None) -> None:
        """Who brings the case and who chairs, on the rota (while planned)."""
        self._require(MeetingState.PLANNED, key="meeting.not_planned")
        if (case, chair) == (self.case_turn, self.chair_turn):
            return
        self.case_turn, self.chair_turn = case, chair
        self._record(TurnsGiven(case=case, chair=chair))

    def cancel(self, now: datetime) -> None:
        self._require(
            MeetingState.PLANNED,
            MeetingState.OPEN_FOR_CASES,
            MeetingState.CASE_CHOSEN,
            key="meeting.cannot_cancel",
        )
        self.state = MeetingState.CANCELLED
        self.ended_at = now
        self.revision += 1
        self._record(MeetingCancelled())

    # ---------------------------------------------------------------- starting

    def start(
        self,
        *,
        participants: list[PersonRef],
        chair: PersonRef | None,
        method: Method,
        now: datetime,
        by: PersonRef | None = None,
        phase_days: int | None = None,
    ) -> None:
        """Open the meeting (``by`` whom): for cases, or straight to the chosen case if one
        was chosen. ``phase_days``: an async meeting (see the field)."""
        self._require(MeetingState.PLANNED, key="meeting.already_started")
        if method.id != self.method_id:
            self.method_id = method.id
        if len(participants) < method.min_group_size:
            raise NotPossibleNow(
                "meeting.group_too_small", needed=method.min_group_size, members=len(participants)
            )
        self.participants = list(participants)
        self.chair = chair
        self.phases = list(method.all_phases)
        self.started_at = now
        self.phase_days = phase_days
        if self.case_id is not None:
            self.skipped_steps.append(MeetingState.OPEN_FOR_CASES.value)
            self.state = MeetingState.CASE_CHOSEN
        else:
            self.state = MeetingState.OPEN_FOR_CASES
        self._record(MeetingStarted(by=by))

    def undo_start(self) -> bool:
        """The platform refused for good to show the meeting in its channel before anything
        of it was there: back to planned, as if it had not started (a case chosen stays
        chosen). False when a round has been held: it stays under way."""
        if self.state not in (MeetingState.OPEN_FOR_CASES, MeetingState.CASE_CHOSEN):
            return False
        if self.rounds:
            return False
        self.state = MeetingState.PLANNED
        self.started_at = None
        self.chair = None
        self.participants = []
        self.phases = []
        if MeetingState.OPEN_FOR_CASES.value in self.skipped_steps:
            self.skipped_steps.remove(MeetingState.OPEN_FOR_CASES.value)
        self._record(MeetingStartUndone())
        return True

    @_tracks_turn
    def skip_absent(self, *, left: set[PersonRef], gone: set[PersonRef]) -> None:
        """Members the platform says are no longer in the group's channel (``left``) or
        whose account is deactivated or deleted (``gone``) are skipped in this meeting's
        turn orders, from the open round on (what they said stays); a skipped chair hands
        over to the next member present. The case owner is never skipped: the meeting is
        about their case. Looked at when the meeting starts; nothing changes before it
        starts or after it ends, nor for someone skipped before."""
        if self.state not in UNDER_WAY:
            return
        absent = left | gone
        skipped = [p for p in self.participants if p in absent and p != self.case_owner]
        if not skipped:
            return
        if self.chair in skipped:
            at = self.participants.index(self.chair)
            after = self.participants[at + 1 :] + self.participants[:at]
            self.chair = next((p for p in after if p not in skipped), None)
        self.participants = [p for p in self.participants if p not in skipped]
        current = self.current_round
        no_longer_due = current is not None and any([current.skip(p) for p in skipped])
        self._record(
            MembersSkipped(
                left=tuple(p for p in skipped if p not in gone),
                gone=tuple(p for p in skipped if p in gone),
            )
        )
        if current is not None and no_longer_due:
            self._reveal_when_everyone_done(current)

    def choose_case(self, *, case_id: int, owner: PersonRef) -> None:
        """Choose the case: in advance while planned, or from those brought in."""
        self._require(
            MeetingState.PLANNED, MeetingState.OPEN_FOR_CASES, key="meeting.case_already_chosen"
        )
        if self.state is MeetingState.OPEN_FOR_CASES and owner not in self.participants:
            raise NotAllowed("meeting.case_owner_not_member")
        self.case_id = case_id
        self.case_owner = owner
        if self.state is MeetingState.OPEN_FOR_CASES:
            self.state = MeetingState.CASE_CHOSEN
        self._record(CaseChosen(case_id=case_id))

    # ----------------------------------------------------------------- pacing

    def deadline_passed(self, *, now: datetime, position: str, move_on: bool) -> bool:
        """An async phase's deadline, for the round at ``position``: it moves on
        (``move_on``), or the chair is told (a ``DeadlinePassed`` event). False, changing
        nothing, when the meeting has moved on since, is paused or is not running."""
        if position != self.position or self.paused_at is not None:
            return False
        if self.state not in RUNNING or self.current_round is None:
            return False
        if self.current_round.deadline > now:  # extended, or paused and resumed since
            return False
        if move_on:
            self.advance(now=now, expected_position=position)
        else:
            self._record(DeadlinePassed(phase_index=self.phase_index or 0))
        return True

    @_tracks_turn
    def advance(self, *, now: datetime, expected_position: str | None = None) -> None:
        """Close the current round (recording who had not contributed) and open the next."""
        if expected_position is not None and expected_position != self.position:
            raise NotPossibleNow("meeting.already_moved_on")
        if self.paused_at is not None:
            raise NotPossibleNow("meeting.paused")
        if self.state is MeetingState.CASE_CHOSEN:
            self._open_phase(0, now)
            return
        self._require(*RUNNING, key="meeting.not_running")
        assert self.phase_index is not None
        self._close_current_round(now)
        following = self.phase_index + 1
        if following < len(self.phases):
            self._open_phase(following, now)
        else:
            self._finish(now)

    @_tracks_turn
    def close(self, *, now: datetime) -> None:
        """End now: the open round closes; each phase not held is recorded as skipped."""
        self._require(*RUNNING, key="meeting.not_running")
        assert self.phase_index is not None
        self._close_current_round(now)
        for index in range(self.phase_index + 1, len(self.phases)):
            phase = self.phases[index]
            self.rounds.append(
                Round.skipped(
                    phase_index=index, phase_id=phase.id, order=self._order_for(index), now=now
                )
            )
            self._record(PhaseSkipped(phase_index=index))
        self.phase_index = len(self.phases) - 1
        self._finish(now)

    def extend(self, *, minutes: int) -> None:
        self._require(*RUNNING, key="meeting.not_running")
        if not 1 <= minutes <= MAX_EXTENSION_MINUTES:
            raise InvalidInput("meeting.extension_range", low=1, high=MAX_EXTENSION_MINUTES)
        current = self.current_round
        assert current is not None
        current.extend(minutes)
        self._record(PhaseExtended(phase_index=current.phase_index, minutes=minutes))

    def pause(self, *, now: datetime) -> None:
        self._require(*RUNNING, key="meeting.not_running")
        if self.paused_at is not None:
            raise NotPossibleNow("meeting.paused")
        self.paused_at = now
        self._record(MeetingPaused())

    def resume(self, *, now: datetime) -> None:
        if self.paused_at is None:
            raise NotPossibleNow("meeting.not_paused")
        current = self.current_round
        if current is not None:
            current.deadline += now - self.paused_at
        self.paused_at = None
        self._record(MeetingResumed())

    def mark_reported(self) -> None:
        self._require(MeetingState.EVALUATED, key="meeting.not_evaluated")
        self.state = MeetingState.REPORTED
        self._record(MeetingReported())

    # ----------------------------------------------------------- contributing

    @_tracks_turn
    def contribute(
        self,
        *,
        person: PersonRef,
        text: str,
        now: datetime,
        kind: ContributionKind | None = None,
        facilitator: PersonRef | None = None,
        source_ref: str | None = None,
    ) -> Contribution:
        """Add what ``person`` says to the open round, if the round's rules let them speak."""
        phase, current = self._open_round_or_refuse()
        if self.paused_at is not None:
            raise NotPossibleNow("meeting.paused")
        kind = self._allowed_kind(phase, current, person, kind, facilitator)
        text = clean_text(text, field="text", limit=MAX_LONG_TEXT)
        contribution = Contribution(
            meeting_id=self.id or 0,
            phase_index=current.phase_index,
            author=person,
            kind=kind,
            text=text,
            score=parse_score(text) if kind is ContributionKind.RATING else None,
            # Written first, it waits for the reveal; a message posted on the platform is
            # there for everyone already (source_ref), and is never held back.
            revealed=not phase.write_first or source_ref is not None,
            source_ref=source_ref,
            created_at=now,
        )
        self.contributions.append(contribution)
        if person in current.order:
            current.record_contribution(person)
        self._record(
            ContributionAdded(
                phase_index=current.phase_index,
                contribution_id=contribution.id,
                hidden=not contribution.revealed,
                from_thread=source_ref is not None,
            )
        )
        if reads_as_advice(phase, contribution):
            self._record(AdviceInQuestionRound(phase_index=current.phase_index, person=person))
        self._reveal_when_everyone_done(current)
        return contribution

    def edit_contribution(
        self, *, contribution_id: str, person: PersonRef, text: str, now: datetime
    ) -> Contribution:
        contribution = self.contribution(contribution_id)
        if contribution.says(text):
            return contribution  # nothing the member wrote changed: no edit, no refusal
        current = self.current_round
        if (
            current is None
            or not current.is_open
            or current.phase_index != contribution.phase_index
        ):
            raise NotPossibleNow("contribution.phase_closed")
        contribution.revise(editor=person, text=text, now=now)
        self._record(
            ContributionEdited(
                phase_index=contribution.phase_index, contribution_id=contribution.id
            )
        )
        return contribution

    @_tracks_turn
    def pass_turn(self, *, person: PersonRef) -> None:
        _, current = self._open_round_or_refuse()
        current.record_pass(person)
        self._record(TurnPassed(phase_index=current.phase_index, person=person))
        self._reveal_when_everyone_done(current)

    @_tracks_turn
    def withdraw_deleted(self, *, source_ref: str) -> Contribution | None:
        """The platform message ``source_ref`` was deleted: the contribution that came from
        it is withdrawn, whoever deleted it (the platform says it is gone). In a round still
        open, an author with nothing else said in it is due again. None: nothing came from
        that message (or it was withdrawn before)."""
        contribution = self.contribution_by_source(source_ref)
        if contribution is None:
            return None
        self.contributions.remove(contribution)
        current = self.current_round
        author = contribution.author
        if current is not None and current.phase_index == contribution.phase_index:
            still = any(
                c.author == author and c.phase_index == contribution.phase_index
                for c in self.contributions
            )
            if not still:
                current.withdraw_contribution(author)
        self._record(ContributionWithdrawn(phase_index=contribution.phase_index, author=author))
        return contribution

    def contribution(self, contribution_id: str) -> Contribution:
        for contribution in self.contributions:
            if contribution.id == contribution_id:
                return contribution
        raise NotFound("contribution.not_found")

    def contribution_by_source(self, source_ref: str) -> Contribution | None:
        return next((c for c in self.contributions if c.source_ref == source_ref), None)

    # ---------------------------------------------------------------- helpers

    def _open_round_or_refuse(self) -> tuple[Phase, Round]:
        phase, current = self.phase, self.current_round
        if phase is None or current is None or not current.is_open:
            raise NotPossibleNow("meeting.no_open_round")
        return phase, current

    def _allowed_kind(
        self,
        phase: Phase,
        current: Round,
        person: PersonRef,
        kind: ContributionKind | None,
        facilitator: PersonRef | None,
    ) -> ContributionKind:
        is_owner = person == self.case_owner
        leaders = {p for p in (self.chair, facilitator) if p}
        if phase.speakers is Speakers.FACILITATOR:
            if person not in leaders:
                raise NotAllowed("round.only_facilitator")
        elif person not in self.participants:
            raise NotAllowed("round.not_a_participant")
        elif phase.speakers is Speakers.CASE_OWNER and not is_owner:
            raise NotAllowed("round.only_case_owner")
        elif is_owner and phase.case_owner is CaseOwnerRole.TURNED_AWAY:
            raise NotAllowed("round.case_owner_turned_away")
        elif is_owner and phase.case_owner is CaseOwnerRole.SILENT:
            raise NotAllowed("round.case_owner_silent")
        answering = (
            is_owner
            and phase.case_owner is CaseOwnerRole.ANSWERS
            and phase.speakers is not Speakers.CASE_OWNER
        )
        allowed = (ContributionKind.ANSWER,) if answering else phase.kinds
        chosen = kind or allowed[0]
        if chosen not in allowed:
            raise NotPossibleNow("round.kind_not_allowed", kind=chosen.value)
        if phase.max_per_member is not None and not answering:
            count = sum(
                1
                for c in self.contributions
                if c.phase_index == current.phase_index and c.author == person
            )
            if count >= phase.max_per_member:
                raise NotPossibleNow("round.max_reached", limit=phase.max_per_member)
        return chosen

    def _order_for(self, index: int) -> list[PersonRef]:
        phase = self.phases[index]
        if phase.speakers is Speakers.FREE:
            return []
        if phase.speakers is Speakers.CASE_OWNER:
            return [self.case_owner] if self.case_owner else []
        if phase.speakers is Speakers.FACILITATOR:
            return [self.chair] if self.chair else []
        people = [
            p
            for p in self.participants
            if p != self.case_owner or phase.case_owner is CaseOwnerRole.SPEAKS
        ]
        if not people:
            return []
        shift = (self.sequence + index) % len(people)
        return people[shift:] + people[:shift]

    def _open_phase(self, index: int, now: datetime) -> None:
        phase = self.phases[index]
        self.phase_index = index
        self.state = MeetingState.IN_PHASE if index < len(self.phases) - 2 else MeetingState.CLOSING
        if self.phase_days is None:
            length = timedelta(minutes=phase.minutes)
        else:
            length = timedelta(days=phase_days(phase.minutes, self.phase_days or None))
        self.rounds.append(
            Round(
                phase_index=index,
                phase_id=phase.id,
                order=self._order_for(index),
                opened_at=now,
                deadline=now + length,
            )
        )
        self._record(PhaseOpened(phase_index=index))

    def _close_current_round(self, now: datetime) -> None:
        current = self.current_round
        assert current is not None
        current.close(now)
        self._reveal(current.phase_index)
        self._record(
            RoundClosed(
                phase_index=current.phase_index,
                status=current.status.value,
                missed=tuple(current.missed),
            )
        )

    def _reveal_when_everyone_done(self, current: Round) -> None:
        if current.everyone_done:
            self._record(EveryoneDone(phase_index=current.phase_index))
            self._reveal(current.phase_index)

    def _reveal(self, phase_index: int) -> None:
        """What was written first in the phase is shown together: as soon as everyone due
        has written or passed, at the latest when the round closes."""
        hidden = [c for c in self.contributions if c.phase_index == phase_index and not c.revealed]
        for contribution in hidden:
            contribution.revealed = True
        if hidden:
            self._record(RoundRevealed(phase_index=phase_index))

    def _finish(self, now: datetime) -> None:
        self.state = MeetingState.EVALUATED
        self.ended_at = now
        self._record(MeetingEvaluated())

    def _require(self, *states: MeetingState, key: str) -> None:
        if self.state not in states:
            raise NotPossibleNow(key, state=self.state.value)

    # ---------------------------------------------------------------- privacy

    def remove_texts(self, removal: TextRemoval) -> int:
        """Retention: remove what was said, keep who said what kind, scores and rounds.
        Only once the meeting is over; returns how many texts were removed now."""
        self._require(*FINISHED, key="meeting.not_finished")
        return sum(c.remove_text(removal) for c in self.contributions)

    def involves(self, person: PersonRef) -> bool:
        """Whether ``person`` appears anywhere in the meeting."""
        return (
            person in self.participants
            or person in (self.chair, self.case_owner)
            or any(c.author == person for c in self.contributions)
            or any(person in r.order + r.contributed + r.passed + r.missed for r in self.rounds)
        )

    def forget(self, person: PersonRef, *, stand_in: PersonRef, removal: TextRemoval) -> int:
        """Erasure: ``stand_in`` takes the person's place everywhere (so attendance and
        turns still add up) and their texts are removed; a case of theirs chosen for a
        meeting not yet held is withdrawn. Refused while the meeting is under way.
        Returns how many of their contributions were anonymised."""
        if self.state in UNDER_WAY:
            raise NotPossibleNow("privacy.meeting_under_way", state=self.state.value)

        def swap(people: list[PersonRef]) -> list[PersonRef]:
            return [stand_in if p == person else p for p in people]

        if self.case_owner == person and self.state is MeetingState.PLANNED:
            assert self.case_id is not None
            self._record(CaseWithdrawn(case_id=self.case_id))
            self.case_id = self.case_owner = None
        elif self.case_owner == person and self.state is MeetingState.CANCELLED:
            self.case_id = self.case_owner = None  # released when it was cancelled
        elif self.case_owner == person:
            self.case_owner = stand_in
        if self.chair == person:
            self.chair = stand_in
        self.participants = swap(self.participants)
        for held in self.rounds:
            held.order, held.contributed = swap(held.order), swap(held.contributed)
            held.passed, held.missed = swap(held.passed), swap(held.missed)
        theirs = [c for c in self.contributions if c.author == person]
        for contribution in theirs:
            contribution.anonymise(stand_in=stand_in, removal=removal)
        return len(theirs)


def reads_as_advice(phase: Phase, contribution: Contribution) -> bool:
    """A question in a questions-only round that reads as advice (see ``nudge``)."""
    return (
        phase.is_question_round
        and contribution.kind in QUESTION_KINDS
        and looks_like_advice(contribution.text)
    )
