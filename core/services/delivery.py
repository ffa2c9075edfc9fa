"""Bookkeeping adapters need around delivery: redelivered events, and how to reach a
person (or a channel) privately on their platform."""

from __future__ import annotations

from typing import Any

from core.domain.common import PersonRef
from core.services import notify
from core.services.context import Context
from core.services.ports import Notification, Refusal


def first_delivery(ctx: Context, *, platform: str, key: str) -> bool:
    """Record an inbound event key; False when the platform delivered it before."""
    with ctx.uow() as uow:
        fresh = uow.inbound.first_time(platform, key, now=ctx.clock.now())
        uow.commit()
        return fresh


def already_handled(ctx: Context, *, platform: str, key: str) -> bool:
    """Whether an inbound event's effect is stored already (a redelivery: answer at once).
    The key itself is recorded with the effect (``core.services.inbound``)."""
    with ctx.uow() as uow:
        return uow.inbound.seen(platform, key)


def remember_conversation(
    ctx: Context, *, workspace_id: int, person: PersonRef, data: dict[str, Any]
) -> None:
    with ctx.uow() as uow:
        uow.conversations.put(workspace_id, person, data, now=ctx.clock.now())
        uow.commit()


def conversation_of(ctx: Context, *, workspace_id: int, person: PersonRef) -> dict[str, Any] | None:
    with ctx.uow() as uow:
        return uow.conversations.get(workspace_id, person)


def people_named(ctx: Context, *, workspace_id: int) -> dict[PersonRef, str]:
    """Everyone whose display name the platform told us (for people pickers)."""
    with ctx.uow() as uow:
        return uow.conversations.named(workspace_id)


def refused(ctx: Context, failed: Notification, *, refusal: Refusal, detail: str) -> None:
    """The platform refused ``failed`` for good (the outbox parks it): the people who can
    act hear why, privately (``notify.refused``). When a meeting's channel is closed to the
    app, the meeting's other messages would be refused too and wait, parked. A meeting
    nothing of which reached its channel is planned again (``Meeting.undo_start``): the
    next start begins afresh. One that was shown there stays under way, and its start in
    that channel posts what waited (``meetings.start_meeting``)."""
    in_channel = failed.topic in notify.IN_ORDER  # what goes to the group's channel
    if not in_channel and refusal is Refusal.NO_ACCESS:
        refusal = Refusal.UNREACHABLE  # a private conversation closed: the person, not a channel
    with ctx.uow() as uow:
        undone = False
        if refusal is Refusal.NO_ACCESS and failed.meeting_id is not None:
            post = uow.posts.get(failed.meeting_id)
            if post is None or post.ref is None:  # nothing of it is in the channel yet
                meeting = uow.meetings.get(failed.meeting_id, for_update=True)
                undone = meeting.undo_start()
                if undone:
                    uow.meetings.save(meeting)
        if refusal is Refusal.NO_ACCESS and failed.sequence is not None:
            uow.outbox.park_sequence(failed.sequence, error=f"{refusal.value}: {detail}")
        notices = notify.refused(uow, failed, refusal=refusal.value, detail=detail, undone=undone)
        for notice in notices:
            uow.outbox.add(notice, now=ctx.clock.now())
        uow.commit()
