"""The one place that decides what the domain's events mean for people.

The unit of work calls ``publish`` on commit with the events of each aggregate it saved;
the notifications are written to the outbox in that same transaction (so a crash never
loses one, nor sends a phantom). The outbox worker later renders and delivers them
(``core.jobs.delivery``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.domain.case import Case
from core.domain.common import ChannelRef, Clock, PersonRef
from core.domain.events import (
    AdviceInQuestionRound,
    Aggregate,
    CaseChosen,
    ChannelCleared,
    ChannelMembershipChanged,
    ChannelShared,
    ChannelUnknown,
    ContributionAdded,
    ContributionWithdrawn,
    DeadlinePassed,
    DomainEvent,
    GroupCreated,
    MeetingCancelled,
    MeetingEvaluated,
    MeetingReported,
    MeetingStarted,
    MeetingStartUndone,
    MembersSkipped,
    PhaseOpened,
    RoundRevealed,
    TurnGiven,
)
from core.domain.group import Group, Mode
from core.domain.meeting import Meeting
from core.services.ports import Notification, Publisher, UnitOfWork

CARD = "meeting.card"
"""Post the meeting's one message in the group's channel, or update it in place."""
THREAD = "meeting.thread"
"""A message in the thread of the meeting's message (``data.view`` names it)."""
DIRECT = "person.direct"
"""A private message to one person (``data.view`` names it)."""
CHANNEL = "group.channel"
"""A new message in the group's channel (the report)."""
MANAGERS = "workspace.managers"
"""Numbers, never content, for the workspace's managers' channel."""
REPLY = "person.reply"
"""The answer to something a person did, delivered privately (``data.reply``)."""
REMINDER = "person.reminder"
"""A reminder, due later: of a task (``data.task_id``) or of a meeting; ``data.for`` is the
time it reminds of, so that one made before a move is dropped (``core.services.reminders``)."""
CALENDAR = "person.calendar"
"""Bring the person's own calendar up to date (``core.services.calendars.write_later``)."""

DEADLINE = "meeting.deadline"
"""An async phase's deadline (due then): it moves on, or the chair is told."""
NUDGE_BEFORE = timedelta(hours=12)
"""How long before an async phase's deadline the members still due are nudged."""

CHECK = "group.check_channel"
"""Ask the platform who is in the group's channel (``person``: who to tell as well)."""

IN_ORDER = (CHECK, CARD, THREAD, CHANNEL)
"""What a meeting posts in its channel arrives in the order it was queued, one at a time
(the card before its thread, the thread's messages in turn)."""


def sequence_of(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


_THREAD_VIEWS: dict[type[DomainEvent], str] = {
    MeetingStarted: "started",
    CaseChosen: "case_chosen",
    PhaseOpened: "phase_opened",
    RoundRevealed: "revealed",
    MeetingEvaluated: "evaluated",
    MeetingCancelled: "cancelled",
}


def publisher(clock: Clock) -> Publisher:
    """The publisher the unit of work calls on commit, stamping rows with ``clock``."""

    def publish(uow: UnitOfWork, aggregate: Aggregate, events: list[DomainEvent]) -> int:
        return publish_events(uow, aggregate, events, now=clock.now())

    return publish


def publish_events(
    uow: UnitOfWork, aggregate: Aggregate, events: list[DomainEvent], *, now: datetime
) -> int:
    """Queue what ``events`` mean for people; returns how many notifications were queued."""
    if isinstance(aggregate, Meeting):
        queued = _for_meeting(uow, aggregate, events)
    elif isinstance(aggregate, Case):
        queued = _for_case(uow, aggregate, events)
    elif isinstance(aggregate, Group):
        queued = _for_group(uow, aggregate, events)
    else:
        queued = []
    for notification in queued:
        uow.outbox.add(notification, now=now)
    timed = _deadlines(uow, aggregate, events) if isinstance(aggregate, Meeting) else []
    for at, notification in timed:
        uow.outbox.add(notification, now=now, at=max(at, now))
    return len(queued) + len(timed)


def _deadlines(
    uow: UnitOfWork, meeting: Meeting, events: list[DomainEvent]
) -> list[tuple[datetime, Notification]]:
    """An async phase that opened: its deadline (``DEADLINE``, due then) and a private
    nudge (a reminder) to each member due in it, ``NUDGE_BEFORE`` earlier (or half-way
    through a shorter phase)."""
    current = meeting.current_round
    opened = any(isinstance(e, PhaseOpened) for e in events)
    if meeting.phase_days is None or current is None or not opened or meeting.id is None:
        return []
    group = uow.groups.get(meeting.group_id)
    data = {"position": meeting.position, "for": current.deadline.isoformat()}
    base = {"workspace_id": group.workspace_id, "group_id": group.id, "meeting_id": meeting.id}
    timed = [(current.deadline, Notification(topic=DEADLINE, data=dict(data), **base))]
    nudge = current.deadline - min(NUDGE_BEFORE, (current.deadline - current.opened_at) / 2)
    for person in current.due:
        note = Notification(topic=REMINDER, person=person, data=dict(data), **base)
        timed.append((nudge, note))
    return timed


def _for_meeting(
    uow: UnitOfWork, meeting: Meeting, events: list[DomainEvent]
) -> list[Notification]:
    assert meeting.id is not None
    group = uow.groups.get(meeting.group_id)
    sequence = sequence_of(meeting.id)

    def note(topic: str, data: dict[str, object], person: PersonRef | None = None) -> Notification:
        return Notification(
            topic=topic,
            workspace_id=group.workspace_id,
            group_id=group.id,
            meeting_id=meeting.id,
            person=person,
            data=data,
            sequence=sequence if topic in IN_ORDER else None,
        )

    if any(isinstance(event, MeetingStartUndone) for event in events):
        return []  # nothing of it is in its channel, and nothing can be posted there
    started = next((e for e in events if isinstance(e, MeetingStarted)), None)
    queued = [note(CARD, {"started_by": started.by} if started is not None else {})]
    if started is not None:
        # Who is in the channel now, before anything of the case is posted there.
        queued.insert(0, note(CHECK, {"started_by": started.by}))
    for event in events:
        view = _THREAD_VIEWS.get(type(event))
        if view is not None:
            queued.append(note(THREAD, {"view": view, **_phase_of(event)}))
            if isinstance(event, MeetingStarted):
                queued += [note(THREAD, data) for data in _follow_up(uow, meeting)]
        elif isinstance(event, ContributionAdded):
            if not event.hidden and not event.from_thread:
                # Sent through a form or a button: the thread shows it for them.
                data = {"view": "contribution", "contribution_id": event.contribution_id}
                queued.append(note(THREAD, dict(data)))
        elif isinstance(event, ContributionWithdrawn):
            queued.append(note(DIRECT, {"view": "withdrawn"}, person=event.author))
        elif isinstance(event, MembersSkipped):
            told = group.facilitator or meeting.chair
            if told is not None:
                data = {"view": "members_skipped", "group": group.name}
                queued.append(
                    note(DIRECT, {**data, "left": event.left, "gone": event.gone}, person=told)
                )
        elif isinstance(event, DeadlinePassed):
            told = meeting.chair or group.facilitator
            if told is not None:
                passed: dict[str, object] = {"view": "deadline_passed", "group": group.name}
                queued.append(note(DIRECT, passed, person=told))
        elif isinstance(event, AdviceInQuestionRound):
            queued.append(note(DIRECT, {"view": "nudge_advice"}, person=event.person))
        elif isinstance(event, MeetingReported):
            queued += [note(CHANNEL, {"view": "report"}), note(MANAGERS, {"view": "health"})]
    given = [e for e in events if isinstance(e, TurnGiven)]
    if (
        given
        and group.mode is Mode.LIVE
        and meeting.turn == (given[-1].phase_index, given[-1].person)
    ):
        last = given[-1]
        queued.append(
            note(DIRECT, {"view": "your_turn", "phase_index": last.phase_index}, person=last.person)
        )
    return queued


def _follow_up(uow: UnitOfWork, meeting: Meeting) -> list[dict[str, object]]:
    """Last time's first step, back in the thread of the group's next meeting: the case
    owner's takeaway from the meeting held before, while its text is kept."""
    previous = uow.meetings.last_held(meeting.group_id, before=meeting.sequence)
    if previous is None or not any(c.removed is None for c in previous.takeaway):
        return []
    return [{"view": "follow_up", "previous_meeting_id": previous.id}]


def _for_case(uow: UnitOfWork, case: Case, events: list[DomainEvent]) -> list[Notification]:
    """A case brought in shows on the card of the group's current meeting."""
    meeting = uow.meetings.current(case.group_id)
    if meeting is None or meeting.id is None:
        return []
    group = uow.groups.get(case.group_id)
    return [
        Notification(
            topic=CARD,
            workspace_id=group.workspace_id,
            group_id=group.id,
            meeting_id=meeting.id,
            sequence=sequence_of(meeting.id),
        )
    ]


def _for_group(uow: UnitOfWork, group: Group, events: list[DomainEvent]) -> list[Notification]:
    assert group.id is not None
    queued: list[Notification] = []

    def note(topic: str, person: PersonRef | None = None, **data: object) -> Notification:
        return Notification(
            topic=topic,
            workspace_id=group.workspace_id,
            group_id=group.id,
            person=person,
            data=dict(data),
        )

    for event in events:
        if isinstance(event, GroupCreated):
            queued.append(note(CHECK, person=event.by or None))
        elif isinstance(event, ChannelMembershipChanged):
            queued.append(note(CHECK))
        elif isinstance(event, ChannelShared):
            for person in event.tell:
                queued.append(
                    note(
                        DIRECT,
                        person=person,
                        view="channel_shared",
                        group=group.name,
                        outsiders=event.outsiders,
                        managers=event.managers,
                    )
                )
        elif isinstance(event, ChannelUnknown):
            for person in event.tell:
                queued.append(note(DIRECT, person=person, view="channel_unknown", group=group.name))
        if isinstance(event, (ChannelShared, ChannelUnknown, ChannelCleared)):
            # The current meeting's card shows or hides the case accordingly.
            meeting = uow.meetings.current(group.id)
            if meeting is not None and meeting.id is not None:
                card = Notification(
                    topic=CARD,
                    workspace_id=group.workspace_id,
                    group_id=group.id,
                    meeting_id=meeting.id,
                    sequence=sequence_of(meeting.id),
                )
                queued.append(card)
    return queued


REFUSED_WHAT = {CARD: "card", THREAD: "thread", CHANNEL: "report", CHECK: "card"}
"""What a refused delivery was, in the words of the notice (``delivery.<what>``): asking
who is in the channel comes before the meeting's message."""


def refused(
    uow: UnitOfWork, failed: Notification, *, refusal: str, detail: str, undone: bool = False
) -> list[Notification]:
    """Who hears, privately, that the platform refused ``failed`` for good (``refusal``: a
    ``core.services.ports.Refusal`` value): for the meeting's messages its chair and the
    group's facilitator, and whoever started the meeting or added the group (every member
    when there is nobody of these), so that someone can act (``undone``: the meeting is
    planned again, to be started once the app is in its channel); for
    a private message to a member, the facilitator. A notice about a refusal, a reply, or
    the managers' numbers tells nobody (logged, and parked for ``intervision outbox``)."""
    if failed.group_id is None or failed.data.get("view") in ("undeliverable", "unreachable"):
        return []
    group = uow.groups.get(failed.group_id)

    def note(person: PersonRef, **data: object) -> Notification:
        return Notification(
            topic=DIRECT,
            workspace_id=group.workspace_id,
            group_id=group.id,
            meeting_id=failed.meeting_id,
            person=person,
            data={"group": group.name, "detail": detail, **data},
        )

    if failed.topic == DIRECT and failed.person is not None:
        if group.facilitator in (None, failed.person):
            return []
        return [note(group.facilitator, view="unreachable", mention=failed.person)]
    what = REFUSED_WHAT.get(failed.topic)
    if what is None:
        return []
    if failed.meeting_id is None:  # the channel asked about when the group was added
        what = "messages"
    chair = uow.meetings.get(failed.meeting_id).chair if failed.meeting_id else None
    starter = failed.data.get("started_by")
    asked = [failed.person, starter if isinstance(starter, str) else None]
    told = list(dict.fromkeys(p for p in (*asked, chair, group.facilitator) if p))
    explained = "not_started" if undone else refusal
    return [
        note(person, view="undeliverable", refusal=explained, what=what)
        for person in told or group.members
    ]


def _phase_of(event: DomainEvent) -> dict[str, int]:
    index = getattr(event, "phase_index", None)
    return {"phase_index": index} if isinstance(index, int) else {}


def reply_to(
    uow: UnitOfWork,
    *,
    workspace_id: int,
    person: PersonRef,
    reply: dict[str, object],
    channel: ChannelRef | None,
    invoked_as: str,
    now: datetime,
) -> None:
    """Queue an interaction's answer for private delivery (where the platform cannot
    answer inside the request); ``channel`` is where the person acted."""
    uow.outbox.add(
        Notification(
            topic=REPLY,
            workspace_id=workspace_id,
            person=person,
            data={"reply": reply, "channel": channel, "as": invoked_as},
        ),
        now=now,
    )
