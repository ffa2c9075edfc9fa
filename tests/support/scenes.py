"""One group's meeting played through the real services to a named point, on the fakes,
with a fixed clock, fixed people and fixed texts: the same steps give the same screens.

Used by the screen registry (tests/support/screens.py); every state change goes through a
service, so a scene is exactly what a real group would see at that point."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.domain.common import Locale
from core.domain.errors import DomainError
from core.domain.meeting import Meeting, MeetingState
from core.domain.method import ContributionKind, Speakers
from core.services import contributions, meetings, notify, preparation, queries
from core.services.queries import MeetingSnapshot
from tests.support.factories import FACILITATOR, World, make_world

OWNER = "U_M1"
"""Brings the case that is chosen (with consent to report it, unless asked otherwise)."""
OTHER_OWNER = "U_M2"
"""Brings a second case, without consent."""

CASE_TITLE = "Night shift <handover> & the *new* rota"
CASE_QUESTION = "How do I raise it without blaming anyone?"
CASE_DESCRIPTION = "Since March the night team hands over in five minutes; twice a dose was missed."
TAKEAWAY_TEXT = "I will ask the night team first, then write the handover rule down together."

POINTS = (
    "planned",
    "open_without_cases",
    "open_with_cases",
    "case_chosen",
    "round_each",
    "round_free",
    "round_write_first",
    "round_turned_away",
    "paused",
    "closing",
    "evaluated",
    "reported",
    "cancelled",
)
"""Where a scene can stop: every state of the meeting card."""

_TEXTS = {
    "sketch": "It was 6 a.m., the handover took two minutes, and the morning dose was not given.",
    "information_questions": "Who was on the night shift that week?",
    "analysis": "Perhaps the rota leaves no overlap between the shifts at all.",
    "what_would_i_do": "I would call the night nurse the same morning, before the team meeting.",
    "what_i_did": "I raised it in the team meeting; it felt like blaming, and it was.",
    "closing_discussion": "The quiet conversation first seems to be what most of us would do.",
}


class Scene:
    """A group of five (``U_M1`` … ``U_M5``), facilitator ``U_FACIL``, manager ``U_MANAGER``."""

    def __init__(self, locale: Locale = "en", *, method_id: str = "incident") -> None:
        self.locale = locale
        self.world: World = make_world()
        self.group = self.world.group(5, method_id=method_id, locale=locale)
        assert self.group.id is not None
        self.group_id = self.group.id
        self.meeting_id = 0
        self.case_ids: dict[str, int] = {}
        self.refused: DomainError | None = None

    # ------------------------------------------------------------------ reading

    @property
    def meeting(self) -> Meeting:
        with self.world.ctx.uow() as uow:
            return uow.meetings.get(self.meeting_id)

    def snapshot(self) -> MeetingSnapshot:
        return queries.meeting_snapshot(self.world.ctx, meeting_id=self.meeting_id, viewer=None)

    def queued(self, view: str) -> dict[str, Any]:
        """The data of the last thread notification of this view the services queued."""
        found = [
            n.data
            for n in self.world.store.outbox
            if n.topic == notify.THREAD and n.data.get("view") == view
        ]
        assert found, f"no {view!r} thread notification was queued"
        return dict(found[-1])

    # ------------------------------------------------------------------ steps

    def tick(self, minutes: int) -> None:
        self.world.clock.tick(minutes=minutes)

    def submit_case(self, owner: str, *, consent: bool) -> int:
        title = CASE_TITLE if owner == OWNER else "Saying no to extra shifts"
        question = CASE_QUESTION if owner == OWNER else "Where is my limit, and who decides it?"
        case = preparation.submit_case(
            self.world.ctx,
            actor=self.world.actor(owner),
            group_id=self.group_id,
            title=title,
            help_question=question,
            description=CASE_DESCRIPTION if owner == OWNER else "",
            consent_to_report=consent,
        )
        assert case.id is not None
        self.case_ids[owner] = case.id
        return case.id

    def schedule(self, *, days: int = 14) -> Meeting:
        at = self.world.clock.now() + timedelta(days=days)
        meeting = meetings.schedule_meeting(
            self.world.ctx, actor=self.world.actor(FACILITATOR), group_id=self.group_id, at=at
        )
        assert meeting.id is not None
        self.meeting_id = meeting.id
        return meeting

    def start(self) -> None:
        started = meetings.start_meeting(
            self.world.ctx, actor=self.world.actor(OWNER), group_id=self.group_id
        )
        assert started.meeting.id is not None
        self.meeting_id = started.meeting.id

    def lead(self, step: str) -> None:
        """A facilitator's step: advance, pause, close, publish_report or cancel."""
        ctx, actor, meeting_id = self.world.ctx, self.world.actor(FACILITATOR), self.meeting_id
        actions = {
            "advance": meetings.advance_phase,
            "pause": meetings.pause_meeting,
            "close": meetings.close_meeting,
            "publish_report": meetings.publish_report,
            "cancel": meetings.cancel_meeting,
        }
        actions[step](ctx, actor=actor, meeting_id=meeting_id)
        self.tick(1)

    def choose(self, owner: str = OWNER) -> None:
        meetings.choose_case(
            self.world.ctx,
            actor=self.world.actor(FACILITATOR),
            meeting_id=self.meeting_id,
            case_id=self.case_ids[owner],
        )
        self.tick(2)

    def say(self, person: str, text: str, kind: ContributionKind | None = None) -> str:
        contributed = contributions.contribute(
            self.world.ctx,
            actor=self.world.actor(person),
            meeting_id=self.meeting_id,
            text=text,
            kind=kind,
        )
        self.tick(1)
        return contributed.contribution.id

    def try_to_say(self, person: str, text: str) -> None:
        """A contribution the rules refuse: the error is kept for the refusal screen."""
        try:
            self.say(person, text)
        except DomainError as error:
            self.refused = error
        assert self.refused is not None, f"{person} was not refused"

    def speak_in_phase(self, *, everyone: bool) -> None:
        """The people the open phase asks for speak once (the first one only, unless
        ``everyone``), with the scene's fixed texts."""
        meeting = self.meeting
        phase, current = meeting.phase, meeting.current_round
        assert phase is not None and current is not None
        if phase.speakers is Speakers.FREE:
            people = [p for p in meeting.participants if p != meeting.case_owner][:2]
        elif phase.speakers is Speakers.FACILITATOR:
            people = [meeting.chair or FACILITATOR]
        else:
            people = list(current.order)
        for person in people if everyone else people[:1]:
            if phase.id == "takeaway":
                text = TAKEAWAY_TEXT
            elif phase.id == "evaluation":
                text = f"{4 + (person == OWNER)} - it helped"
            else:
                text = _TEXTS.get(phase.id, f"{phase.title(self.locale)}?")
            self.say(person, text)


def scene_at(point: str, locale: Locale = "en", *, consent: bool = True) -> Scene:
    """A scene played to ``point`` (one of POINTS)."""
    if point not in POINTS:
        raise ValueError(f"unknown point {point!r}")
    if point == "round_turned_away":
        scene = Scene(locale, method_id="troika")
        scene.submit_case(OWNER, consent=True)
        scene.start()
        scene.choose()
        for _ in range(3):  # challenge, clarifying questions, consultation (back turned)
            scene.lead("advance")
        scene.speak_in_phase(everyone=False)
        return scene
    scene = Scene(locale)
    if point == "planned":
        scene.schedule()
        return scene
    if point != "open_without_cases":
        scene.submit_case(OWNER, consent=consent)
        scene.submit_case(OTHER_OWNER, consent=False)
    scene.start()
    scene.tick(3)
    if point in ("open_without_cases", "open_with_cases"):
        return scene
    scene.choose(OWNER if consent else OTHER_OWNER)
    if point == "case_chosen":
        return scene
    if point == "cancelled":
        scene.lead("cancel")
        return scene
    _play_to(scene, point)
    return scene


def _play_to(scene: Scene, point: str) -> None:
    stops = {
        "round_each": "information_questions",
        "paused": "information_questions",
        "round_free": "analysis",
        "round_write_first": "what_would_i_do",
        "closing": "takeaway",
    }
    while True:
        scene.lead("advance")
        meeting = scene.meeting
        phase = meeting.phase
        if phase is None:
            break
        if stops.get(point) == phase.id:
            scene.speak_in_phase(everyone=False)
            if point == "paused":
                scene.lead("pause")
            return
        scene.speak_in_phase(everyone=True)
    assert scene.meeting.state is MeetingState.EVALUATED
    if point == "reported":
        scene.lead("publish_report")
