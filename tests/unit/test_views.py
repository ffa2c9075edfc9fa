"""Screens built from domain state, in both languages, with the shared action ids."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.domain.common import Locale
from core.jobs.delivery import Target, prepare
from core.services import contributions, meetings, preparation, queries
from core.views import actions
from core.views.direct import DIRECT_VIEWS, direct_message
from core.views.forms import case_form, contribute_form, goal_form, group_form, schedule_form
from core.views.home import help_card, overview_card
from core.views.meeting import meeting_card, thread_message
from core.views.report import health_card, meeting_report
from core.views.vocabulary import Block, Button, Buttons, Card, Mention, Plain, Text
from tests.support.drive import contribute_for_phase
from tests.support.factories import FACILITATOR, MANAGER, World, library, make_world

ACTION_IDS = {v for k, v in vars(actions).items() if k.isupper()}


def buttons(card: Card) -> list[Button]:
    return [b for block in card.blocks if isinstance(block, Buttons) for b in block.items]


def texts(blocks: tuple[Block, ...]) -> str:
    out = []
    for block in blocks:
        for part in getattr(block, "parts", ()):
            out.append(getattr(part, "text", ""))
    return " ".join(out)


@pytest.fixture(params=["nl", "en"])
def world(request: pytest.FixtureRequest) -> tuple[World, int, int]:
    world = make_world()
    group = world.group(5, method_id="incident", locale=request.param)
    assert group.id is not None
    owner = world.actor("U_M1")
    case = preparation.submit_case(
        world.ctx,
        actor=owner,
        group_id=group.id,
        title="<b>Night</b> shift",
        help_question="How?",
        consent_to_report=True,
    )
    meeting = meetings.start_meeting(world.ctx, actor=owner, group_id=group.id).meeting
    assert meeting.id is not None and case.id is not None
    return world, meeting.id, case.id


def test_the_meeting_card_follows_the_meeting_through_every_state(
    world: tuple[World, int, int],
) -> None:
    w, meeting_id, case_id = world
    lead = w.actor(FACILITATOR)

    def card() -> Card:
        snapshot = queries.meeting_snapshot(w.ctx, meeting_id=meeting_id, viewer=None)
        return meeting_card(snapshot, now=w.clock.now())

    first = card()
    assert {b.action_id for b in buttons(first)} == {
        actions.MEETING_CHOOSE_CASE,
        actions.CASE_OPEN_FORM,
        actions.MEETING_CANCEL,
    }
    assert "<b>Night</b> shift" in texts(first.blocks)  # user text stays text; renderers escape
    meetings.choose_case(w.ctx, actor=lead, meeting_id=meeting_id, case_id=case_id)
    assert [b.action_id for b in buttons(card())] == [
        actions.MEETING_ADVANCE,
        actions.MEETING_CANCEL,
    ]
    assert all(b.confirm for b in buttons(card()) if b.action_id == actions.MEETING_CANCEL)
    position_buttons = set()
    for _ in range(len(library().get("incident").all_phases)):
        meeting = meetings.advance_phase(w.ctx, actor=lead, meeting_id=meeting_id)
        running = card()
        ids = {b.action_id for b in buttons(running)}
        assert {actions.MEETING_ADVANCE, actions.MEETING_CONTRIBUTE, actions.MEETING_PASS} <= ids
        position_buttons |= {b.value for b in buttons(running)}
        assert actions.meeting_value(meeting.id, meeting.position) in position_buttons
        contribute_for_phase(
            w.ctx, workspace_id=w.workspace_id, meeting_id=meeting_id, facilitator=FACILITATOR
        )
    meetings.advance_phase(w.ctx, actor=lead, meeting_id=meeting_id)
    assert [b.action_id for b in buttons(card())] == [actions.MEETING_REPORT]
    for button in [b for c in (first, card()) for b in buttons(c)]:
        assert button.action_id in ACTION_IDS and button.label


def test_every_queued_notification_can_be_prepared(world: tuple[World, int, int]) -> None:
    w, meeting_id, case_id = world
    lead = w.actor(FACILITATOR)
    meetings.choose_case(w.ctx, actor=lead, meeting_id=meeting_id, case_id=case_id)
    meetings.advance_phase(w.ctx, actor=lead, meeting_id=meeting_id)
    contributions.contribute(
        w.ctx, actor=w.actor("U_M1"), meeting_id=meeting_id, text="On a Sunday"
    )
    meetings.advance_phase(w.ctx, actor=lead, meeting_id=meeting_id)  # a round in turns
    meetings.close_meeting(w.ctx, actor=lead, meeting_id=meeting_id)
    meetings.publish_report(w.ctx, actor=lead, meeting_id=meeting_id)
    targets = set()
    for notification in w.store.outbox:
        outgoing = prepare(w.ctx, notification)
        if outgoing.target is Target.NOTHING:  # no managers' channel configured
            assert notification.topic == "workspace.managers"
            continue
        if outgoing.target is Target.CHANNEL_CHECK:  # asks the platform, sends nothing
            assert outgoing.channel == "C_GROUP" and outgoing.card is None
            continue
        targets.add(outgoing.target)
        assert outgoing.card is not None and outgoing.card.summary and outgoing.card.blocks
    assert targets == {Target.MEETING_CARD, Target.MEETING_THREAD, Target.DIRECT, Target.CHANNEL}


def test_the_report_respects_consent_and_shows_only_an_average(
    world: tuple[World, int, int],
) -> None:
    w, meeting_id, case_id = world
    lead = w.actor(FACILITATOR)
    meetings.choose_case(w.ctx, actor=lead, meeting_id=meeting_id, case_id=case_id)
    meetings.advance_phase(w.ctx, actor=lead, meeting_id=meeting_id)
    meetings.close_meeting(w.ctx, actor=lead, meeting_id=meeting_id)
    snapshot = queries.meeting_snapshot(w.ctx, meeting_id=meeting_id, viewer=None)
    assert "<b>Night</b> shift" in texts(meeting_report(snapshot).blocks)
    private = replace(
        snapshot,
        case=snapshot.case.model_copy(update={"consent_to_report": False})
        if snapshot.case
        else None,
    )
    assert "Night" not in texts(meeting_report(private).blocks)


def test_the_managers_card_has_numbers_and_no_content(world: tuple[World, int, int]) -> None:
    w, _, _ = world
    group_id = next(iter(w.store.groups))
    health = queries.group_health(w.ctx, actor=w.actor(MANAGER), group_id=group_id)
    card = health_card(health, "en")
    assert "Night" not in texts(card.blocks) and "How?" not in texts(card.blocks)


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_forms_help_home_and_direct_messages_build(locale: Locale) -> None:
    w = make_world()
    group = w.group(5, method_id="incident", locale=locale)
    meeting = meetings.start_meeting(w.ctx, actor=w.actor("U_M1"), group_id=group.id or 0).meeting
    forms = [
        case_form(group, locale),
        goal_form(group, locale),
        group_form(library(), locale),
        schedule_form(group, library(), locale, meeting),
    ]
    for form in forms:
        assert form.title and form.submit and form.inputs
        assert form.callback_id in ACTION_IDS
        assert all(i.id in ACTION_IDS for i in form.inputs)
    phase = library().get("incident").phases[1]
    assert contribute_form(meeting, phase, locale, as_case_owner=False).inputs
    assert len(help_card(locale).blocks) >= 9
    view = queries.overview(w.ctx, actor=w.actor("U_M1"))
    home = overview_card(view, locale, [])
    assert home.blocks and any(isinstance(b, Text) for b in home.blocks)
    for name in DIRECT_VIEWS:
        assert direct_message(name, locale).summary


def test_thread_messages_name_the_order_with_mentions() -> None:
    w = make_world()
    group = w.group(5, method_id="incident", locale="en")
    owner = w.actor("U_M1")
    case = preparation.submit_case(
        w.ctx, actor=owner, group_id=group.id or 0, title="t", help_question="q"
    )
    meeting_id = meetings.start_meeting(w.ctx, actor=owner, group_id=group.id or 0).meeting.id
    lead = w.actor(FACILITATOR)
    meetings.choose_case(w.ctx, actor=lead, meeting_id=meeting_id or 0, case_id=case.id or 0)
    meetings.advance_phase(w.ctx, actor=lead, meeting_id=meeting_id or 0)
    meetings.advance_phase(w.ctx, actor=lead, meeting_id=meeting_id or 0)
    snapshot = queries.meeting_snapshot(w.ctx, meeting_id=meeting_id or 0, viewer=None)
    message = thread_message(snapshot, {"view": "phase_opened", "phase_index": 1})
    mentioned = [
        p.person for b in message.blocks for p in getattr(b, "parts", ()) if isinstance(p, Mention)
    ]
    assert sorted(mentioned) == ["U_M2", "U_M3", "U_M4", "U_M5"]
    assert not any(
        isinstance(p, Plain) and "U_M" in p.text
        for b in message.blocks
        for p in getattr(b, "parts", ())
    )
