"""Turns what the domain recorded into outgoing notifications, written to the outbox in
the same transaction as the change (so a crash never loses one, nor sends a phantom)."""

from __future__ import annotations

from datetime import datetime

from core.domain.group import Group, Mode
from core.domain.meeting import Meeting
from core.domain.method import Speakers
from core.services.ports import Notification, UnitOfWork

CARD = "meeting.card"
THREAD = "meeting.thread"
DIRECT = "person.direct"
CHANNEL = "group.channel"
MANAGERS = "workspace.managers"

_THREAD_EVENTS = {
    "case.chosen": "case_chosen",
    "phase.opened": "phase_opened",
    "round.revealed": "revealed",
    "meeting.evaluated": "evaluated",
    "meeting.cancelled": "cancelled",
}


def meeting_changed(
    uow: UnitOfWork,
    *,
    group: Group,
    meeting: Meeting,
    now: datetime,
    turn_before: str | None = None,
) -> int:
    """Queue what a change to a meeting means for people; returns how many were queued."""
    assert meeting.id is not None and group.id is not None
    queued: list[Notification] = []

    def add(topic: str, person: str | None = None, **data: object) -> None:
        queued.append(
            Notification(
                topic=topic,
                workspace_id=group.workspace_id,
                group_id=group.id,
                meeting_id=meeting.id,
                person=person,
                data=dict(data),
            )
        )

    events = list(meeting.events)
    if events:
        add(CARD)
    for event in events:
        if event.name in _THREAD_EVENTS:
            add(THREAD, view=_THREAD_EVENTS[event.name], **event.data)
        elif event.name == "contribution.added" and not event.data.get("hidden"):
            contribution = meeting.contribution(str(event.data["contribution_id"]))
            if contribution.source_ref is None:
                add(THREAD, view="contribution", contribution_id=contribution.id)
        elif event.name == "meeting.reported":
            add(CHANNEL, view="report")
            add(MANAGERS, view="health")
    turn = _turn(meeting)
    if group.mode is Mode.LIVE and turn is not None and turn != turn_before:
        add(DIRECT, person=turn, view="your_turn", phase_index=meeting.phase_index)
    meeting.events.clear()
    for notification in queued:
        uow.outbox.add(notification, now=now)
    return len(queued)


def direct(
    uow: UnitOfWork, *, group: Group, person: str, view: str, now: datetime, **data: object
) -> None:
    uow.outbox.add(
        Notification(
            topic=DIRECT,
            workspace_id=group.workspace_id,
            group_id=group.id,
            person=person,
            data={"view": view, **data},
        ),
        now=now,
    )


def _turn(meeting: Meeting) -> str | None:
    phase, current = meeting.phase, meeting.current_round
    if phase is None or current is None or phase.speakers is not Speakers.EACH:
        return None
    return current.current_turn
