"""Pacing per destination (``core.jobs.pacing``): where a notification goes, and when a
destination may be sent to next after a 429 or with a spacing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.jobs.pacing import Pacing, destination_of
from core.services import notify
from core.services.ports import Notification

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def note(topic: str, **fields: object) -> Notification:
    return Notification.model_validate({"topic": topic, "workspace_id": 1, **fields})


def test_a_meetings_messages_go_to_the_groups_channel_and_private_ones_to_the_person() -> None:
    channel = {
        destination_of(note(topic, group_id=7, meeting_id=3, person="U1"))
        for topic in (notify.CARD, notify.THREAD, notify.CHANNEL, notify.CHECK)
    }
    assert channel == {"1/group/7"}
    assert destination_of(note(notify.CHECK, group_id=7)) == "1/group/7"  # no meeting
    assert destination_of(note(notify.DIRECT, group_id=7, person="U1")) == "1/person/U1"
    assert destination_of(note(notify.REPLY, person="U1")) == "1/person/U1"
    assert destination_of(note(notify.MANAGERS, group_id=7)) == "1/managers"
    assert destination_of(note(notify.THREAD, group_id=8)) != destination_of(
        note(notify.THREAD, group_id=7)
    )


def test_a_hold_delays_that_destination_only() -> None:
    pacing = Pacing()
    until = NOW + timedelta(seconds=30)
    pacing.hold("1/group/7", until)
    assert pacing.admit("1/group/7", NOW) == until
    assert pacing.admit("1/group/7", until - timedelta(seconds=1)) == until
    assert pacing.admit("1/group/8", NOW) is None
    assert pacing.admit("1/person/U1", NOW) is None
    assert pacing.next_look(NOW) == until
    assert pacing.admit("1/group/7", until) is None
    assert pacing.next_look(until) is None


def test_a_later_hold_wins_and_an_earlier_one_changes_nothing() -> None:
    pacing = Pacing()
    pacing.hold("d", NOW + timedelta(seconds=30))
    pacing.hold("d", NOW + timedelta(seconds=5))
    assert pacing.admit("d", NOW + timedelta(seconds=10)) == NOW + timedelta(seconds=30)


def test_without_a_spacing_deliveries_to_one_destination_may_overlap() -> None:
    pacing = Pacing()
    assert pacing.admit("d", NOW) is None
    assert pacing.admit("d", NOW) is None
    pacing.finish("d", NOW)
    assert pacing.admit("d", NOW) is None


def test_a_spacing_lets_one_at_a_time_go_and_waits_after_each() -> None:
    pacing = Pacing(spacing=1.0)
    second = timedelta(seconds=1)
    assert pacing.admit("d", NOW) is None
    assert pacing.admit("d", NOW) == NOW + second  # under way: after it, at the soonest
    assert pacing.admit("e", NOW) is None  # another destination goes on
    ended = NOW + timedelta(milliseconds=300)
    pacing.finish("d", ended)
    assert pacing.admit("d", ended + second / 2) == ended + second
    assert pacing.admit("d", ended + second) is None


def test_next_look_is_the_soonest_comeback_still_ahead() -> None:
    pacing = Pacing(spacing=2.0)
    pacing.hold("a", NOW + timedelta(seconds=9))
    assert pacing.admit("b", NOW) is None
    pacing.finish("b", NOW)
    assert pacing.admit("b", NOW) == NOW + timedelta(seconds=2)
    assert pacing.next_look(NOW) == NOW + timedelta(seconds=2)
    assert pacing.next_look(NOW + timedelta(seconds=2)) == NOW + timedelta(seconds=9)
    assert pacing.next_look(NOW + timedelta(seconds=9)) is None
