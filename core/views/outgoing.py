"""What a queued notification becomes: which screen, for where, in which language.

Every platform's messenger calls ``prepare`` and only has to post, reply or update;
the decisions stay here, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.domain.common import ChannelRef, Locale, PersonRef
from core.services import notify, queries
from core.services.context import Context
from core.services.ports import Notification
from core.views.direct import direct_message
from core.views.meeting import meeting_card, thread_message
from core.views.report import health_card, meeting_report
from core.views.vocabulary import Card


class Target(StrEnum):
    MEETING_CARD = "meeting_card"  # post once in the group's channel, then update in place
    MEETING_THREAD = "meeting_thread"  # reply in the thread of the meeting's card
    DIRECT = "direct"  # a private message to one person
    CHANNEL = "channel"  # a new message in a channel (reports)


@dataclass(frozen=True)
class Outgoing:
    target: Target
    card: Card
    locale: Locale
    channel: ChannelRef | None = None
    person: PersonRef | None = None
    meeting_id: int | None = None


def prepare(ctx: Context, notification: Notification) -> Outgoing | None:
    """None when there is nothing to send (e.g. no managers' channel configured)."""
    now = ctx.clock.now()
    if notification.topic == notify.DIRECT:
        assert notification.person is not None and notification.group_id is not None
        with ctx.uow() as uow:
            locale = uow.groups.get(notification.group_id).locale
        view = str(notification.data.get("view"))
        params = {k: v for k, v in notification.data.items() if k != "view"}
        return Outgoing(
            Target.DIRECT,
            direct_message(view, locale, **params),
            locale,
            person=notification.person,
            meeting_id=notification.meeting_id,
        )
    if notification.topic == notify.MANAGERS:
        assert notification.group_id is not None
        health = queries.group_health(ctx, actor=None, group_id=notification.group_id)
        with ctx.uow() as uow:
            workspace = uow.workspaces.get(notification.workspace_id)
        if workspace.managers_channel is None:
            return None
        return Outgoing(
            Target.CHANNEL,
            health_card(health, workspace.locale),
            workspace.locale,
            channel=workspace.managers_channel,
        )
    assert notification.meeting_id is not None
    snapshot = queries.meeting_snapshot(ctx, meeting_id=notification.meeting_id, viewer=None)
    locale, channel = snapshot.group.locale, snapshot.group.channel
    if notification.topic == notify.CARD:
        card = meeting_card(snapshot, now=now)
        return Outgoing(
            Target.MEETING_CARD, card, locale, channel=channel, meeting_id=notification.meeting_id
        )
    if notification.topic == notify.THREAD:
        return Outgoing(
            Target.MEETING_THREAD,
            thread_message(snapshot, notification.data),
            locale,
            channel=channel,
            meeting_id=notification.meeting_id,
        )
    if notification.topic == notify.CHANNEL:
        return Outgoing(
            Target.CHANNEL,
            meeting_report(snapshot),
            locale,
            channel=channel,
            meeting_id=notification.meeting_id,
        )
    raise ValueError(f"unknown notification topic {notification.topic!r}")
