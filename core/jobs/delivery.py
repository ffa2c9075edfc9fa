"""The one delivery path: an outbox row -> a neutral view -> the platform's ``Messenger``
-> the platform's refs and the delivered mark, stored in ONE transaction.

Decided here, once, for every platform:
- a meeting's one message is posted once and then updated in place; it is recorded
  (with a key it carries) before it is posted, so that after a crash between posting and
  bookkeeping the message is found again (``Messenger.find_post``), never posted twice;
- a thread message whose root is not posted yet posts the root first;
- a message too long for one post goes as several, in order (``core.views.pages``);
- what a notification becomes (``prepare``): which screen, for where, in which language;
- a person's own calendar (where their platform's is written to, ``CalendarPort``) is
  brought up to date as a whole (``core.jobs.calendars``);
- a delivery the platform refuses for good (``Undeliverable``) is parked at once and the
  people who can act are told (``core.services.delivery.refused``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from core.domain.common import ChannelRef, Locale, PersonRef, Platform
from core.domain.tasks import TaskKind
from core.interactions.render import render
from core.interactions.replies import Reply
from core.jobs.calendars import write_calendar
from core.jobs.outbox_worker import Claimed
from core.services import delivery, groups, meetings, notify, queries, reminders
from core.services.context import Actor, Context
from core.services.ports import (
    CalendarPort,
    Destination,
    MeetingPost,
    Messenger,
    Notification,
    Undeliverable,
)
from core.views.actions import meeting_value
from core.views.direct import direct_message
from core.views.meeting import meeting_card, thread_message
from core.views.pages import pages
from core.views.reminders import meeting_reminder, phase_nudge, task_reminder
from core.views.report import health_card, meeting_report
from core.views.vocabulary import Card, Form

log = logging.getLogger(__name__)

FIND_WINDOW = timedelta(minutes=5)
"""How far before the recorded start of a post ``find_post`` looks (clock differences)."""


class NoMessenger(Exception):
    """A notification for a platform that is switched off: kept and retried later."""

    retry_after = 300.0


class NotYet(Exception):
    """Not this notification's time yet (a reminder in quiet hours): it waits
    ``retry_after`` seconds, no attempt counted, nothing else held back."""

    not_yet = True

    def __init__(self, seconds: float) -> None:
        super().__init__(f"waits {seconds:.0f} s")
        self.retry_after = seconds


class RootNotPosted(Exception):
    """A thread message for a meeting whose message could not be posted: retried."""

    retry_after = 5.0


class Target(StrEnum):
    MEETING_CARD = "meeting_card"  # post once in the group's channel, then update in place
    MEETING_THREAD = "meeting_thread"  # reply in the thread of the meeting's message
    DIRECT = "direct"  # a private message to one person
    CHANNEL = "channel"  # a new message in a channel (reports)
    CHANNEL_CHECK = "channel_check"  # ask who is in the group's channel (sends nothing)
    NOTHING = "nothing"  # nothing to send (e.g. no managers' channel configured)


@dataclass(frozen=True)
class Outgoing:
    target: Target
    locale: Locale
    card: Card | None = None
    form: Form | None = None
    channel: ChannelRef | None = None
    person: PersonRef | None = None
    meeting_id: int | None = None


def prepare(ctx: Context, notification: Notification) -> Outgoing:
    """What a queued notification becomes: which screen, for where, in which language."""
    topic = notification.topic
    if topic == notify.REPLY:
        return _reply(ctx, notification)
    if topic == notify.CHECK:
        assert notification.group_id is not None
        group = queries.group_settings(ctx, group_id=notification.group_id)
        return Outgoing(
            Target.CHANNEL_CHECK, group.locale, channel=group.channel, person=notification.person
        )
    if topic == notify.DIRECT:
        assert notification.person is not None and notification.group_id is not None
        group = queries.group_settings(ctx, group_id=notification.group_id)
        view = str(notification.data.get("view"))
        params = {k: v for k, v in notification.data.items() if k != "view"}
        return Outgoing(
            Target.DIRECT,
            group.locale,
            direct_message(view, group.locale, **params),
            channel=group.channel,
            person=notification.person,
            meeting_id=notification.meeting_id,
        )
    if topic == notify.REMINDER:
        return _reminder(ctx, notification)
    if topic == notify.DEADLINE:
        assert notification.meeting_id is not None
        position = str(notification.data.get("position"))
        later = meetings.deadline_passed(ctx, meeting_id=notification.meeting_id, position=position)
        if later is not None:
            raise NotYet((later - ctx.clock.now()).total_seconds())
        return Outgoing(Target.NOTHING, "en")
    if topic == notify.MANAGERS:
        assert notification.group_id is not None
        health = queries.group_health(ctx, actor=None, group_id=notification.group_id)
        workspace = queries.workspace_settings(ctx, workspace_id=notification.workspace_id)
        if workspace.managers_channel is None:
            return Outgoing(Target.NOTHING, workspace.locale)
        return Outgoing(
            Target.CHANNEL,
            workspace.locale,
            health_card(health, workspace.locale),
            channel=workspace.managers_channel,
        )
    assert notification.meeting_id is not None
    previous = notification.data.get("previous_meeting_id")
    snapshot = queries.meeting_snapshot(
        ctx,
        meeting_id=notification.meeting_id,
        viewer=None,
        previous_id=previous if isinstance(previous, int) else None,
    )
    locale, channel = snapshot.group.locale, snapshot.group.channel
    if topic == notify.CARD:
        card = meeting_card(snapshot, now=ctx.clock.now())
        target = Target.MEETING_CARD
    elif topic == notify.THREAD:
        card, target = thread_message(snapshot, notification.data), Target.MEETING_THREAD
    elif topic == notify.CHANNEL:
        card, target = meeting_report(snapshot), Target.CHANNEL
    else:
        raise ValueError(f"unknown notification topic {topic!r}")
    return Outgoing(target, locale, card, channel=channel, meeting_id=notification.meeting_id)


def _reminder(ctx: Context, notification: Notification) -> Outgoing:
    """A reminder as it should go out now, or nothing when it is no longer wanted."""
    wanted = reminders.due(ctx, notification)
    if wanted is None:
        return Outgoing(Target.NOTHING, "en")
    if isinstance(wanted, reminders.NotYet):
        raise NotYet((wanted.until - ctx.clock.now()).total_seconds())
    group, meeting, task = wanted.group, wanted.meeting, wanted.task
    locale = group.locale
    if wanted.phase_due:
        current = meeting.current_round
        assert current is not None and meeting.phase is not None
        card = phase_nudge(
            group=group.name,
            phase=meeting.phase.title(locale),
            deadline=current.deadline,
            meeting_value=meeting_value(meeting.id, meeting.position),
            locale=locale,
        )
    elif task is not None:
        card = task_reminder(
            group=group.name,
            kind=task.kind,
            due_at=task.due_at,
            task_id=task.id,
            locale=locale,
            your_turn=task.kind is TaskKind.BRING_CASE and meeting.case_turn == task.person,
        )
    else:
        method = ctx.methods.get(meeting.method_id) if meeting.method_id in ctx.methods else None
        card = meeting_reminder(
            group=group.name,
            method=method.name(locale) if method else meeting.method_id,
            at=meeting.scheduled_at,
            away=wanted.away,
            locale=locale,
        )
    return Outgoing(
        Target.DIRECT,
        locale,
        card,
        channel=group.channel,
        person=notification.person,
        meeting_id=meeting.id,
    )


def _reply(ctx: Context, notification: Notification) -> Outgoing:
    assert notification.person is not None
    reply = Reply.model_validate(notification.data["reply"])
    actor = Actor(workspace_id=notification.workspace_id, person=notification.person)
    rendered = render(ctx, reply, actor=actor, invoked_as=str(notification.data.get("as", "")))
    return Outgoing(
        Target.DIRECT,
        reply.locale,
        rendered.as_one_card(),
        form=rendered.form,
        channel=str(notification.data.get("channel") or "") or None,
        person=notification.person,
        meeting_id=reply.meeting_id,
    )


class Deliverer:
    """Delivers claimed outbox rows through each platform's messenger."""

    def __init__(
        self,
        ctx: Context,
        messengers: Mapping[Platform, Messenger],
        calendars: Mapping[Platform, CalendarPort] | None = None,
    ) -> None:
        self.ctx = ctx
        self.messengers = messengers
        self.calendars: Mapping[Platform, CalendarPort] = {} if calendars is None else calendars

    def __call__(self, item: Claimed) -> None:
        try:
            self._deliver(item)
        except Undeliverable as refused:
            log.warning(
                "outbox %s (%s) refused for good: %s", item.id, item.notification.topic, refused
            )
            delivery.refused(
                self.ctx, item.notification, refusal=refused.refusal, detail=refused.detail
            )
            raise  # the worker parks the row (``Undeliverable.permanent``)

    def _deliver(self, item: Claimed) -> None:
        notification = item.notification
        workspace = queries.workspace_settings(self.ctx, workspace_id=notification.workspace_id)
        if notification.topic == notify.CALENDAR:
            covered = self._later_calendars(item)  # read before the calendar is
            port = self.calendars.get(workspace.platform)
            if port is not None:  # else switched off since: nothing to write
                to = Destination(workspace=workspace.external_id, person=notification.person)
                write_calendar(self.ctx, port, to, workspace_id=notification.workspace_id)
            self._done(item, covered)
            return
        messenger = self.messengers.get(workspace.platform)
        if messenger is None:
            raise NoMessenger(f"{workspace.platform.value} is switched off")
        covered = self._later_cards(item)  # read before the card is: it shows what they ask
        out = prepare(self.ctx, notification)
        here = Destination(workspace=workspace.external_id, channel=out.channel, person=out.person)
        if out.target is Target.MEETING_CARD:
            assert out.card is not None and out.meeting_id is not None
            self._card(messenger, here, out.meeting_id, out.card, item, covered)
            return
        if out.target is Target.MEETING_THREAD:
            assert out.card is not None and out.meeting_id is not None
            root = self._root(messenger, here, out.meeting_id)
            thread = Destination(here.workspace, root.channel, thread=root.ref)
            for key, page in _keyed_pages(item, out.card):
                if not self._posted_before(messenger, thread, key, item):
                    messenger.reply(thread, page, key=key)
        elif out.target is Target.DIRECT:
            for page in pages(out.card) if out.card is not None else []:
                messenger.send_privately(here, page)
            if out.form is not None:
                messenger.open_form(here, out.form)
        elif out.target is Target.CHANNEL:
            assert out.card is not None
            for key, page in _keyed_pages(item, out.card):
                if not self._posted_before(messenger, here, key, item):
                    messenger.post(here, page, key=key)
        elif out.target is Target.CHANNEL_CHECK:
            # Who is in the group's channel: case content goes there only for the group.
            assert notification.group_id is not None
            present = messenger.channel_members(here)
            groups.note_channel_members(
                self.ctx, group_id=notification.group_id, present=present, tell=out.person
            )
            if notification.meeting_id is not None:
                # A meeting starts: who is still there to take a turn.
                group = queries.group_settings(self.ctx, group_id=notification.group_id)
                gone = messenger.departed(here, group.members)
                meetings.skip_absent(
                    self.ctx, meeting_id=notification.meeting_id, present=present, gone=gone
                )
        self._done(item)

    def _posted_before(
        self, messenger: Messenger, to: Destination, key: str, item: Claimed
    ) -> bool:
        """After a failed attempt (a time-out may come after the platform took the post),
        look for the post before posting it again."""
        if item.attempts == 0:
            return False
        since = item.created_at - FIND_WINDOW
        found = messenger.find_post(to, key, since=since)
        if found is not None:
            log.info("outbox %s: posted before (%s), not posted again", item.id, found)
        return found is not None

    # ---------------------------------------------------------------- the meeting's message

    def _later_cards(self, item: Claimed) -> list[int]:
        """The meeting's card updates queued after this one and still waiting: the card
        is drawn from the meeting as it is now, so delivering it delivers them too (one
        update for a burst of contributions, not one each). Read before the meeting is, so
        that a change committed meanwhile still gets its own update."""
        notification = item.notification
        if notification.topic != notify.CARD or notification.sequence is None:
            return []
        with self.ctx.uow() as uow:
            return uow.outbox.pending_after(notification.sequence, topic=notify.CARD, after=item.id)

    def _later_calendars(self, item: Claimed) -> list[int]:
        """The person's calendar updates queued after this one: writing the calendar as
        it is now covers them. Read before the calendar is, so that a change committed
        meanwhile still gets its own update."""
        sequence = item.notification.sequence
        if sequence is None:
            return []
        with self.ctx.uow() as uow:
            return uow.outbox.pending_after(sequence, topic=notify.CALENDAR, after=item.id)

    def _card(
        self,
        messenger: Messenger,
        here: Destination,
        meeting_id: int,
        card: Card,
        item: Claimed,
        covered: list[int],
    ) -> None:
        post = queries.meeting_post(self.ctx, meeting_id=meeting_id)
        if post is not None and post.ref is not None:
            messenger.update(Destination(here.workspace, post.channel), post.ref, card)
            self._done(item, covered)
            return
        self._post_root(messenger, here, meeting_id, card, post, item, covered)

    def _root(self, messenger: Messenger, here: Destination, meeting_id: int) -> MeetingPost:
        """The meeting's message, posted first when a thread message comes before it."""
        post = queries.meeting_post(self.ctx, meeting_id=meeting_id)
        if post is not None and post.ref is not None:
            return post
        snapshot = queries.meeting_snapshot(self.ctx, meeting_id=meeting_id, viewer=None)
        card = meeting_card(snapshot, now=self.ctx.clock.now())
        return self._post_root(messenger, here, meeting_id, card, post, None)

    def _post_root(
        self,
        messenger: Messenger,
        here: Destination,
        meeting_id: int,
        card: Card,
        post: MeetingPost | None,
        item: Claimed | None,
        covered: list[int] | None = None,
    ) -> MeetingPost:
        assert here.channel is not None
        key = f"meeting-{meeting_id}"
        ref = None
        if post is not None:  # begun before, never confirmed: a crash mid-post
            since = (post.created_at or self.ctx.clock.now()) - FIND_WINDOW
            ref = messenger.find_post(Destination(here.workspace, post.channel), key, since=since)
            if ref is not None:
                log.info(
                    "meeting %s: its message was posted before a crash; found again", meeting_id
                )
                messenger.update(Destination(here.workspace, post.channel), ref, card)
        if ref is None:
            with self.ctx.uow() as uow:
                uow.posts.begin(meeting_id, here.channel, key=key, now=self.ctx.clock.now())
                uow.commit()
            ref = messenger.post(here, card, key=key)
            log.info("meeting %s: its message is posted (%s); recording it", meeting_id, ref)
        with self.ctx.uow() as uow:  # the ref and the delivered mark: one transaction
            uow.posts.confirm(meeting_id, ref)
            if item is not None:
                uow.outbox.mark_delivered(item.id, now=self.ctx.clock.now())
            uow.outbox.mark_covered(covered or [], now=self.ctx.clock.now())
            uow.commit()
        channel = post.channel if post is not None else here.channel
        return MeetingPost(meeting_id=meeting_id, channel=channel, ref=ref, key=key)

    def _done(self, item: Claimed, covered: list[int] | None = None) -> None:
        with self.ctx.uow() as uow:
            uow.outbox.mark_delivered(item.id, now=self.ctx.clock.now())
            uow.outbox.mark_covered(covered or [], now=self.ctx.clock.now())
            uow.commit()


def _keyed_pages(item: Claimed, card: Card) -> list[tuple[str, Card]]:
    """The card's pages (``core.views.pages``), each with a key of its own, so that a
    retry after a crash between pages posts only the pages not yet there."""
    found = pages(card)
    key = f"outbox-{item.id}"
    return [(key if n == 0 else f"{key}.{n + 1}", page) for n, page in enumerate(found)]
