"""A group's channel shows case content only while it holds the group alone, or the people
the facilitator accepted (never a manager of the group)."""

from __future__ import annotations

import pytest

from core.domain.errors import NotAllowed, NotPossibleNow
from core.domain.events import ChannelCleared, ChannelShared, ChannelUnknown, GroupCreated
from core.domain.group import ChannelStatus, Group
from core.services import groups, meetings, notify, queries
from core.views.meeting import meeting_card, thread_message
from tests.support.factories import FACILITATOR, MANAGER, World, make_world
from tests.unit.test_delivery import Recording, deliver_all

GROUP = {"U1", "U2", "U3", "U4", "F"}


def group() -> Group:
    made = Group.create(
        workspace_id=1,
        name="Peers",
        channel="C1",
        members=["U1", "U2", "U3", "U4"],
        facilitator="F",
        managers=["M"],
        created_by="M",
    )
    assert made.collect_events() == [GroupCreated(by="M")]
    return made


def test_a_new_group_shows_nothing_of_a_case_until_its_channel_is_looked_at() -> None:
    g = group()
    assert g.channel_status is ChannelStatus.UNCHECKED and not g.shows_content
    g.note_channel(GROUP)
    assert g.channel_status is ChannelStatus.PRIVATE and g.shows_content
    assert g.collect_events() == [ChannelCleared()]
    g.note_channel(GROUP)  # nothing changed: nothing to tell
    assert g.collect_events() == []


@pytest.mark.parametrize(
    ("present", "managers"),
    [(GROUP | {"M"}, 1), (GROUP | {"X", "Y"}, 0), ({"U1", "X"}, 0), (GROUP | {"M", "X"}, 1)],
)
def test_anyone_else_in_the_channel_hides_the_cases(present: set[str], managers: int) -> None:
    g = group()
    g.note_channel(present, tell="M")
    outsiders = len(present - GROUP)
    assert g.channel_status is ChannelStatus.SHARED and not g.shows_content
    assert g.channel_outsiders == sorted(present - GROUP)
    assert g.collect_events() == [
        ChannelShared(outsiders=outsiders, managers=managers, tell=("M", "F"))
    ]
    g.note_channel(present)  # still shared, nobody asked: said once
    assert g.collect_events() == []


def test_the_facilitator_may_accept_outsiders_but_never_a_manager() -> None:
    g = group()
    g.note_channel(GROUP | {"M"})
    with pytest.raises(NotPossibleNow) as refused:
        g.accept_channel()
    assert refused.value.key == "group.channel_has_manager" and not g.shows_content
    g.note_channel(GROUP | {"COFAC"})
    g.accept_channel()
    assert g.channel_status is ChannelStatus.ACCEPTED and g.shows_content
    g.collect_events()
    g.note_channel(GROUP | {"COFAC"})  # the same people: still accepted
    assert g.shows_content and g.collect_events() == []
    g.note_channel(GROUP | {"COFAC", "NEW"})  # someone joined: shared again
    assert g.channel_status is ChannelStatus.SHARED and not g.shows_content
    g.note_channel(GROUP)
    assert g.channel_status is ChannelStatus.PRIVATE
    with pytest.raises(NotPossibleNow):
        g.accept_channel()  # nothing to accept


def test_only_the_facilitator_accepts() -> None:
    w = make_world()
    made = w.group(5, channel_holds=frozenset({"U_COFAC"}))
    assert made.id is not None and not made.shows_content
    with pytest.raises(NotAllowed):
        groups.accept_channel(w.ctx, actor=w.actor("U_M1"), group_id=made.id)
    accepted = groups.accept_channel(w.ctx, actor=w.actor(FACILITATOR), group_id=made.id)
    assert accepted.shows_content


def started_with_manager_in_channel(w: World) -> int:
    made = w.group(5, channel="C_GROUP")
    assert made.id is not None and made.shows_content
    begun = meetings.start_meeting(w.ctx, actor=w.actor(FACILITATOR), group_id=made.id)
    assert begun.meeting.id is not None
    return begun.meeting.id


def test_a_meeting_start_looks_again_and_tells_the_facilitator() -> None:
    w = make_world()
    meeting_id = started_with_manager_in_channel(w)
    messenger = Recording(present={*(f"U_M{i}" for i in range(1, 6)), FACILITATOR, MANAGER})
    deliver_all(w, messenger)
    told = [args for kind, args in messenger.calls if kind == "private"]
    assert [to.person for to, _ in told] == [FACILITATOR]
    assert "managers of the group among them: 1" in told[0][1]
    snapshot = queries.meeting_snapshot(w.ctx, meeting_id=meeting_id, viewer=None)
    card = meeting_card(snapshot, now=w.clock.now())
    assert "not the group's alone" in card.summary + str(card.blocks)
    shown = thread_message(snapshot, {"view": "contribution", "contribution_id": 1})
    assert "stays within the group" in shown.summary


def test_the_check_is_first_in_the_meetings_order() -> None:
    w = make_world()
    started_with_manager_in_channel(w)
    topics = [n.topic for n in w.store.outbox if n.meeting_id is not None]
    assert topics[:2] == [notify.CHECK, notify.CARD]
    assert len({n.sequence for n in w.store.outbox if n.meeting_id is not None}) == 1


def test_a_platform_that_will_not_say_hides_the_cases_and_tells_the_facilitator() -> None:
    g = group()
    g.note_channel(GROUP)
    g.collect_events()
    g.note_channel_unknown()
    assert g.channel_status is ChannelStatus.UNCHECKED and not g.shows_content
    assert g.collect_events() == [ChannelUnknown(tell=("F",))]
