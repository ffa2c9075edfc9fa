"""Every intention a person can have, as a typed command with its actor, place and values.

Adapters never build these by hand: ``core.interactions.table`` parses a command word,
a button's action id and value, or a form's inputs into one of them, the same way for
Slack, Teams and the sandbox. ``core.interactions.handlers`` carries each out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from core.domain.common import ChannelRef, Locale, PersonRef
from core.domain.goals import Criterion
from core.domain.group import Cadence, Mode
from core.domain.method import ContributionKind
from core.services.context import Actor


@dataclass(frozen=True)
class Place:
    """Where it happened, in the platform's refs."""

    channel: ChannelRef | None = None
    """The channel it happened in; None in a private chat with the app or its home tab."""
    message: str | None = None
    """The message clicked, or the root of the thread replied in."""


@dataclass(frozen=True, kw_only=True)
class Intent:
    actor: Actor
    place: Place = field(default_factory=Place)
    language: Locale | None = None
    """The language the person reads, when the platform or the command word tells."""
    zone: str | None = None
    """The person's time zone (IANA name), when the platform tells."""


# ------------------------------------------------------------------ screens


@dataclass(frozen=True, kw_only=True)
class ShowHelp(Intent):
    unknown_word: str | None = None
    """The word typed that is not a command, to say so above the help."""


@dataclass(frozen=True, kw_only=True)
class ShowHome(Intent):
    """The person's own page: groups, next meetings, tasks, goals (and, for managers,
    their groups' health)."""


@dataclass(frozen=True, kw_only=True)
class ShowTasks(Intent):
    pass


@dataclass(frozen=True, kw_only=True)
class ShowCalendar(Intent):
    """The person's calendar link (made on first use), to subscribe to in a calendar app."""


@dataclass(frozen=True, kw_only=True)
class RenewCalendar(Intent):
    """Stop the person's calendar link and make a new one."""


@dataclass(frozen=True, kw_only=True)
class ShowReport(Intent):
    """Members see their last meeting's report; the group's managers its numbers."""


@dataclass(frozen=True, kw_only=True)
class OpenForm(Intent):
    """A form sent earlier as a button (where a platform cannot open it unasked)."""

    form: str
    group_id: int | None = None
    meeting_id: int | None = None
    goal_id: str | None = None


# ------------------------------------------------------------------ a meeting


@dataclass(frozen=True, kw_only=True)
class StartMeeting(Intent):
    meeting_id: int | None = None
    """The planned meeting whose card was clicked; None: the channel's group's meeting."""


@dataclass(frozen=True, kw_only=True)
class ChooseCase(Intent):
    meeting_id: int | None
    case_id: int


@dataclass(frozen=True, kw_only=True)
class AdvancePhase(Intent):
    meeting_id: int | None
    position: str | None
    """Where the meeting stood when the button was shown: a stale click applies once."""


@dataclass(frozen=True, kw_only=True)
class ExtendPhase(Intent):
    meeting_id: int | None
    minutes: int = 5


@dataclass(frozen=True, kw_only=True)
class PauseMeeting(Intent):
    """Pause the clock and the contributions, or resume them when paused."""

    meeting_id: int | None


@dataclass(frozen=True, kw_only=True)
class CloseMeeting(Intent):
    meeting_id: int | None


@dataclass(frozen=True, kw_only=True)
class CancelMeeting(Intent):
    meeting_id: int | None


@dataclass(frozen=True, kw_only=True)
class PublishReport(Intent):
    meeting_id: int | None


# ------------------------------------------------------------------ rounds


@dataclass(frozen=True, kw_only=True)
class OpenContributeForm(Intent):
    meeting_id: int | None
    position: str | None


@dataclass(frozen=True, kw_only=True)
class Contribute(Intent):
    meeting_id: int | None
    text: str
    kind: ContributionKind | None = None
    source_ref: str | None = None
    """The platform's id of the message it came from (a thread reply); None from a form."""


@dataclass(frozen=True, kw_only=True)
class EditContribution(Intent):
    meeting_id: int | None
    text: str
    source_ref: str


@dataclass(frozen=True, kw_only=True)
class WithdrawDeleted(Intent):
    """A message in a meeting's thread was deleted on the platform."""

    meeting_id: int
    source_ref: str


@dataclass(frozen=True, kw_only=True)
class Pass(Intent):
    meeting_id: int | None


# ------------------------------------------------------------------ cases, goals, tasks


@dataclass(frozen=True, kw_only=True)
class OpenCaseForm(Intent):
    pass


@dataclass(frozen=True, kw_only=True)
class SubmitCase(Intent):
    group_id: int
    title: str
    help_question: str
    description: str = ""
    consent_to_report: bool = False


@dataclass(frozen=True, kw_only=True)
class OpenGoalForm(Intent):
    new: bool = False
    """A blank form (``goals new``) rather than the person's latest goal."""


@dataclass(frozen=True, kw_only=True)
class SetLearningGoal(Intent):
    group_id: int
    text: str
    where_and_when: str = ""
    deadline: date | None = None
    ticked: tuple[Criterion, ...] = ()
    goal_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class CompleteTask(Intent):
    task_id: str


@dataclass(frozen=True, kw_only=True)
class SkipTask(Intent):
    task_id: str


@dataclass(frozen=True, kw_only=True)
class GoAway(Intent):
    """No reminders on these days (``days``: as typed, read by ``values.days``)."""

    days: str


@dataclass(frozen=True, kw_only=True)
class ComeBack(Intent):
    """Reminders again."""


@dataclass(frozen=True, kw_only=True)
class SetQuietHours(Intent):
    """No reminders between two local times (``hours``: as typed, ``21:00-07:00``)."""

    hours: str


# ------------------------------------------------------------------ planning, groups


@dataclass(frozen=True, kw_only=True)
class OpenScheduleForm(Intent):
    pass


@dataclass(frozen=True, kw_only=True)
class OpenTrajectoryForm(Intent):
    pass


@dataclass(frozen=True, kw_only=True)
class PlanTrajectory(Intent):
    """Plan the group's meetings from ``first`` (local wall-clock time in ``zone``, else
    the workspace's) by ``cadence``, or by ``rule`` (an RRULE) when given."""

    group_id: int
    first: datetime
    cadence: Cadence
    count: int
    method_id: str | None = None
    rule: str | None = None


@dataclass(frozen=True, kw_only=True)
class OpenTurnForm(Intent):
    pass


@dataclass(frozen=True, kw_only=True)
class SwapTurn(Intent):
    """Hand one's next turn to bring a case to ``with_person``, or the next in line."""

    group_id: int
    with_person: PersonRef | None = None


@dataclass(frozen=True, kw_only=True)
class ScheduleMeeting(Intent):
    """Plan the group's next meeting, or move a planned one (``meeting_id``)."""

    group_id: int
    at: datetime
    method_id: str | None = None
    meeting_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class AcceptChannel(Intent):
    """The facilitator accepts who else is in the group's channel."""


@dataclass(frozen=True, kw_only=True)
class OpenGroupForm(Intent):
    pass


@dataclass(frozen=True, kw_only=True)
class CreateGroup(Intent):
    name: str
    channel: ChannelRef
    members: tuple[PersonRef, ...]
    facilitator: PersonRef | None = None
    method_id: str = "incident"
    cadence: Cadence = Cadence.MONTHLY
    mode: Mode = Mode.LIVE
    locale: Locale | None = None
