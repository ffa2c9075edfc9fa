"""The one delivery path on the in-memory fakes, with a recording Messenger: the meeting's
message posted once and then updated, its root before its thread, a begun post found again,
private messages, replies and forms, and the delivered mark kept with the refs."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from core.interactions import Platform
from core.interactions.replies import FormRequest, Notice, Reply
from core.jobs.delivery import Deliverer, NoMessenger
from core.jobs.outbox_worker import Claimed
from core.services import meetings, notify
from core.services.ports import Destination, Notification
from core.views import actions as a
from core.views.vocabulary import Card, Form
from tests.support.factories import FACILITATOR, World, make_world, members


@dataclass
class Recording:
    """A Messenger that records what it was asked and answers with numbered refs."""

    calls: list[tuple[str, Any]] = field(default_factory=list)
    found: dict[str, str] = field(default_factory=dict)
    """key -> ref that ``find_post`` finds (a post the platform has, unrecorded)."""
    present: set[str] | None = field(default_factory=lambda: {*members(5), FACILITATOR})
    """Who ``channel_members`` says is in the channel (by default the group of ``started``)."""
    gone: set[str] = field(default_factory=set)
    """Whose account ``departed`` says is gone."""

    def _ref(self) -> str:
        """Numbered by what was sent (posts, replies, private messages)."""
        sent = [kind for kind, _ in self.calls if kind in ("post", "reply", "private")]
        return f"ref-{len(sent)}"

    def post(self, to: Destination, card: Card, *, key: str) -> str:
        self.calls.append(("post", (to, key)))
        return self._ref()

    def update(self, to: Destination, ref: str, card: Card) -> None:
        self.calls.append(("update", (to, ref)))

    def reply(self, to: Destination, card: Card, *, key: str) -> str:
        self.calls.append(("reply", (to, card.summary)))
        return self._ref()

    def send_privately(self, to: Destination, card: Card) -> str:
        self.calls.append(("private", (to, card.summary)))
        return self._ref()

    def open_form(self, to: Destination, form: Form) -> None:
        self.calls.append(("form", (to, form.callback_id)))

    def find_post(self, to: Destination, key: str, *, since: datetime) -> str | None:
        self.calls.append(("find", key))
        return self.found.get(key)

    def channel_members(self, to: Destination) -> set[str] | None:
        self.calls.append(("members", to.channel))
        return None if self.present is None else set(self.present)

    def departed(self, to: Destination, people: Collection[str]) -> set[str]:
        self.calls.append(("departed", to.workspace))
        return self.gone & set(people)

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.calls]

    def sent(self) -> list[str]:
        """The calls after the channel checks."""
        return [kind for kind in self.kinds() if kind not in ("members", "departed")]


@pytest.fixture
def world() -> World:
    return make_world()


def deliver_all(world: World, messenger: Recording) -> None:
    """Deliver the outbox in order, including what delivering it queues."""
    deliverer = Deliverer(world.ctx, {Platform.SLACK: messenger})
    number = 0
    while number < len(world.store.outbox):
        number += 1
        deliverer(Claimed(number, world.store.outbox[number - 1], 0))
    assert world.store.delivered == set(range(1, len(world.store.outbox) + 1))


def started(world: World) -> int:
    group = world.group(5, channel="C_GROUP")
    begun = meetings.start_meeting(world.ctx, actor=world.actor("U_M1"), group_id=group.id or 0)
    return begun.meeting.id or 0


def test_the_meetings_message_is_posted_once_then_updated(world: World) -> None:
    meeting_id = started(world)
    messenger = Recording()
    deliver_all(world, messenger)
    ((to, key),) = [args for kind, args in messenger.calls if kind == "post"]
    assert to == Destination(workspace="T1", channel="C_GROUP") and key == f"meeting-{meeting_id}"
    with world.ctx.uow() as uow:
        post = uow.posts.get(meeting_id)
    assert post is not None and post.ref == "ref-1" and post.key == key
    world.store.outbox.clear()
    world.store.delivered.clear()
    messenger.calls.clear()
    notify_card(world, meeting_id)  # the next change to the card
    deliver_all(world, messenger)
    assert messenger.kinds() == ["update"]


def notify_card(world: World, meeting_id: int) -> None:
    world.store.outbox.append(
        Notification(topic=notify.CARD, workspace_id=world.workspace_id, meeting_id=meeting_id)
    )


def test_a_thread_message_before_its_root_posts_the_root_first(world: World) -> None:
    meeting_id = started(world)
    thread = Notification(
        topic=notify.THREAD,
        workspace_id=world.workspace_id,
        meeting_id=meeting_id,
        data={"view": "cancelled"},
    )
    messenger = Recording()
    Deliverer(world.ctx, {Platform.SLACK: messenger})(Claimed(1, thread, 0))
    assert messenger.kinds() == ["post", "reply"]
    ((to, _),) = [args for kind, args in messenger.calls if kind == "reply"]
    assert to.thread == "ref-1" and to.channel == "C_GROUP"
    assert world.store.delivered == {1}


def test_a_post_begun_but_never_recorded_is_found_not_posted_again(world: World) -> None:
    meeting_id = started(world)
    key = f"meeting-{meeting_id}"
    with world.ctx.uow() as uow:
        uow.posts.begin(meeting_id, "C_GROUP", key=key, now=world.clock.now())
        uow.commit()
    messenger = Recording(found={key: "posted-before-the-crash"})
    deliver_all(world, messenger)
    assert messenger.sent()[:2] == ["find", "update"] and "post" not in messenger.kinds()
    with world.ctx.uow() as uow:
        assert uow.posts.get(meeting_id).ref == "posted-before-the-crash"  # type: ignore[union-attr]


def test_a_post_begun_that_never_arrived_is_posted(world: World) -> None:
    meeting_id = started(world)
    with world.ctx.uow() as uow:
        uow.posts.begin(meeting_id, "C_GROUP", key=f"meeting-{meeting_id}", now=world.clock.now())
        uow.commit()
    messenger = Recording()
    deliver_all(world, messenger)
    assert messenger.sent()[:2] == ["find", "post"]


def test_private_messages_replies_and_forms_reach_the_person(world: World) -> None:
    group = world.group(5, channel="C_GROUP")
    turn = Notification(
        topic=notify.DIRECT,
        workspace_id=world.workspace_id,
        group_id=group.id,
        person="U_M2",
        data={"view": "nudge_advice"},
    )
    reply = Reply(
        locale="en",
        notices=(Notice(key="goal.saved"),),
        form=FormRequest(form=a.FORM_CASE, group_id=group.id),
    )
    answer = Notification(
        topic=notify.REPLY,
        workspace_id=world.workspace_id,
        person="U_M3",
        data={"reply": reply.model_dump(mode="json"), "channel": "C_GROUP"},
    )
    messenger = Recording()
    deliverer = Deliverer(world.ctx, {Platform.SLACK: messenger})
    deliverer(Claimed(1, turn, 0))
    deliverer(Claimed(2, answer, 0))
    assert [k for k, _ in messenger.calls] == ["private", "private", "form"]
    assert messenger.calls[0][1][0] == Destination("T1", channel="C_GROUP", person="U_M2")
    assert messenger.calls[1][1][1] == "Your learning goal has been saved."
    assert messenger.calls[2][1] == (
        Destination("T1", channel="C_GROUP", person="U_M3"),
        a.FORM_CASE,
    )
    assert world.store.delivered == {1, 2}


def test_a_platform_that_is_off_keeps_its_notifications(world: World) -> None:
    started(world)
    with pytest.raises(NoMessenger) as raised:
        Deliverer(world.ctx, {})(Claimed(1, world.store.outbox[0], 0))
    assert raised.value.retry_after == 300.0 and world.store.delivered == set()
