"""Bookkeeping adapters need around delivery: redelivered events, where a meeting's
message lives, how to reach a person privately."""

from __future__ import annotations

from typing import Any

from core.domain.common import ChannelRef, PersonRef
from core.services.context import Context
from core.services.ports import MeetingPost


def first_delivery(ctx: Context, *, platform: str, key: str) -> bool:
    """Record an inbound event key; False when the platform delivered it before."""
    with ctx.uow() as uow:
        fresh = uow.inbound.first_time(platform, key, now=ctx.clock.now())
        uow.commit()
        return fresh


def remember_post(ctx: Context, *, meeting_id: int, channel: ChannelRef, ref: str) -> None:
    with ctx.uow() as uow:
        uow.posts.put(
            MeetingPost(meeting_id=meeting_id, channel=channel, ref=ref), now=ctx.clock.now()
        )
        uow.commit()


def post_of(ctx: Context, *, meeting_id: int) -> MeetingPost | None:
    with ctx.uow() as uow:
        return uow.posts.get(meeting_id)


def meeting_of_thread(ctx: Context, *, channel: ChannelRef, ref: str) -> int | None:
    """The meeting whose message is the root of this thread, if any."""
    with ctx.uow() as uow:
        post = uow.posts.find(channel, ref)
        return post.meeting_id if post else None


def remember_conversation(
    ctx: Context, *, workspace_id: int, person: PersonRef, data: dict[str, Any]
) -> None:
    with ctx.uow() as uow:
        uow.conversations.put(workspace_id, person, data, now=ctx.clock.now())
        uow.commit()


def conversation_of(ctx: Context, *, workspace_id: int, person: PersonRef) -> dict[str, Any] | None:
    with ctx.uow() as uow:
        return uow.conversations.get(workspace_id, person)
