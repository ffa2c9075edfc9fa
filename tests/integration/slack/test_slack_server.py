"""The Slack adapter in our real server, against a fake Slack Web API, over signed HTTP:
security, redelivery, double clicks, refusals, nudges, help, edits, App Home, delivery."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.domain.meeting import MeetingState
from core.jobs.outbox_worker import run_once
from core.services import meetings, preparation, queries
from core.services.context import Actor
from core.storage.tables import outbox, workspaces
from core.views import actions as a
from tests.support.slack_fake import fixture
from tests.support.slack_meeting import (
    button,
    finish,
    latest_card,
    meeting,
    root_posts,
    settle,
)
from tests.support.slack_world import (
    CHANNEL,
    FACILITATOR,
    MANAGER,
    MEMBERS,
    SlackWorld,
    slack_world,
)

OWNER = MEMBERS[1]


@pytest.fixture
def world(db_url: str) -> Iterator[SlackWorld]:
    with slack_world(db_url) as built:
        yield built


def started(world: SlackWorld, method_id: str = "gossip", *, phases: int = 0) -> tuple[int, str]:
    """A group whose meeting runs (case chosen, ``phases`` phases opened); its card's ts."""
    group_id = world.add_group(method_id=method_id)
    ws = world.workspace_id()
    ctx = world.app.ctx
    begun = meetings.start_meeting(ctx, actor=Actor(ws, MEMBERS[0]), group_id=group_id)
    meeting_id = begun.meeting.id or 0
    case = preparation.submit_case(
        ctx, actor=Actor(ws, OWNER), group_id=group_id, title="A case", help_question="How?"
    )
    lead = Actor(ws, FACILITATOR)
    meetings.choose_case(ctx, actor=lead, meeting_id=meeting_id, case_id=case.id or 0)
    for _ in range(phases):
        meetings.advance_phase(ctx, actor=lead, meeting_id=meeting_id)
    settle(world)
    posts = root_posts(world)
    assert len(posts) == 1
    post = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert post is not None
    return meeting_id, post.ref


def count_rows(world: SlackWorld, table: object) -> int:
    with world.app.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


# ---------------------------------------------------------------------- (b) security


def test_forged_signatures_and_stale_timestamps_get_401_and_store_nothing(
    world: SlackWorld,
) -> None:
    body = fixture("slash_command")
    forged = world.sender.form(body, signature="v0=" + "0" * 64)
    stale = world.sender.form(body, timestamp=int(time.time()) - 6 * 60)
    envelope = fixture("thread_reply")
    forged_event = world.sender.event(envelope, signature="v0=deadbeef")
    assert [forged[0], stale[0], forged_event[0]] == [401, 401, 401]
    finish(world)
    assert count_rows(world, workspaces) == 0
    assert world.fake.calls == []


# ---------------------------------------------------------------------- (c) (d) redelivery


def test_a_redelivered_event_is_applied_once(world: SlackWorld) -> None:
    meeting_id, root_ts = started(world, phases=2)  # exploration: each asks a question
    person = meeting(world, meeting_id).current_round.order[0]  # type: ignore[union-attr]
    _, (status, _) = world.reply(person, "What did you try first?", root_ts, event_id="Ev0SAME")
    assert status == 200
    world.fake.wait_for(lambda: meeting(world, meeting_id).contributions, what="contribution")
    _, (again, _) = world.reply(
        person,
        "What did you try first?",
        root_ts,
        event_id="Ev0SAME",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert again == 200
    finish(world)
    assert len(meeting(world, meeting_id).contributions) == 1


def test_a_double_click_on_advance_moves_the_meeting_once(world: SlackWorld) -> None:
    meeting_id, root_ts = started(world, phases=1)
    value = a.meeting_value(meeting_id, meeting(world, meeting_id).position)
    assert button(latest_card(world), a.MEETING_ADVANCE)["value"] == value
    world.click(FACILITATOR, a.MEETING_ADVANCE, value, root_ts)
    world.click(FACILITATOR, a.MEETING_ADVANCE, value, root_ts)
    world.fake.wait_for(lambda: world.fake.of("chat.postEphemeral"), what="the refusal")
    settle(world)
    assert meeting(world, meeting_id).phase_index == 1
    note = world.fake.of("chat.postEphemeral")[0].args
    assert note["user"] == FACILITATOR
    # Depending on timing the second click finds the meeting moved on, or loses the race.
    assert "moved on" in str(note["blocks"]) or "same moment" in str(note["blocks"])


# ---------------------------------------------------------------------- (e) (f) rounds


def test_a_turned_away_case_owner_is_not_counted_and_hears_why(world: SlackWorld) -> None:
    meeting_id, root_ts = started(world, phases=3)  # the gossip round: owner turned away
    assert meeting(world, meeting_id).phase.id == "gossip"  # type: ignore[union-attr]
    world.reply(OWNER, "But that is not what happened!", root_ts)
    note = world.fake.wait_for(lambda: world.fake.of("chat.postEphemeral"), what="a note")[0]
    assert note.args["user"] == OWNER and note.args["thread_ts"] == root_ts
    assert "back" in str(note.args["blocks"]).lower()
    assert meeting(world, meeting_id).contributions == []


def test_advice_in_a_question_round_yields_a_private_nudge(world: SlackWorld) -> None:
    meeting_id, root_ts = started(world, phases=2)
    person = meeting(world, meeting_id).current_round.order[0]  # type: ignore[union-attr]
    world.reply(person, "You should call the GP first.", root_ts)
    world.fake.wait_for(lambda: meeting(world, meeting_id).contributions, what="contribution")
    settle(world)
    assert person in [c.args["users"] for c in world.fake.of("conversations.open")]
    nudges = [
        c
        for c in world.fake.of("chat.postMessage")
        if c.args["channel"] == "D" + person.lstrip("U") and "question" in str(c.args).lower()
    ]
    assert nudges
    in_channel = [c for c in world.fake.of("chat.postMessage") if c.args["channel"] == CHANNEL]
    assert all("call the GP" not in str(c.args) for c in in_channel)


def test_an_edited_thread_reply_edits_the_contribution(world: SlackWorld) -> None:
    meeting_id, root_ts = started(world, phases=2)
    person = meeting(world, meeting_id).current_round.order[0]  # type: ignore[union-attr]
    ts, _ = world.reply(person, "When did it start?", root_ts)
    world.fake.wait_for(lambda: meeting(world, meeting_id).contributions, what="contribution")
    world.edit(person, "When did it start, exactly?", ts, root_ts)
    world.fake.wait_for(
        lambda: meeting(world, meeting_id).contributions[0].text.endswith("exactly?"),
        what="the edit",
    )
    assert len(meeting(world, meeting_id).contributions) == 1


def test_bot_messages_and_other_subtypes_are_ignored(world: SlackWorld) -> None:
    meeting_id, root_ts = started(world, phases=2)
    envelope = fixture("thread_reply")
    envelope["event"].update(thread_ts=root_ts, bot_id="B0OTHER", subtype="bot_message")
    assert world.sender.event(envelope)[0] == 200
    joined = fixture("message_event")
    joined["event"].update(subtype="channel_join", thread_ts=root_ts, event_id="Ev0JOIN")
    joined["event_id"] = "Ev0JOIN"
    assert world.sender.event(joined)[0] == 200
    # A member's reply in the same thread does count: the thread is the meeting's.
    person = meeting(world, meeting_id).current_round.order[0]  # type: ignore[union-attr]
    assert world.reply(person, "What did you try first?", root_ts)[1][0] == 200
    finish(world)
    contributions = meeting(world, meeting_id).contributions
    assert [(c.author, c.text) for c in contributions] == [(person, "What did you try first?")]


# ---------------------------------------------------------------------- (g) (h) commands


def test_an_unknown_subcommand_shows_help(world: SlackWorld) -> None:
    world.add_group()
    world.command(MEMBERS[0], "dance")
    answer = world.fake.wait_for(
        lambda: [c for c in world.fake.calls if c.method.startswith("/respond/")], what="help"
    )[0]
    assert answer.args["response_type"] == "ephemeral"
    assert "I don't know 'dance'" in str(answer.args["blocks"])


def test_the_dutch_command_answers_in_dutch(world: SlackWorld) -> None:
    world.add_group()
    world.command(MEMBERS[0], "help", command="/intervisie")
    answer = world.fake.wait_for(
        lambda: [c for c in world.fake.calls if c.method.startswith("/respond/")], what="help"
    )[0]
    assert "/intervisie" in str(answer.args["blocks"])
    assert answer.args["text"] != "Intervision: what you can do"


def test_a_non_manager_asking_for_the_group_form_gets_an_explanation(world: SlackWorld) -> None:
    world.add_group()
    world.command(MEMBERS[0], "group")
    answer = world.fake.wait_for(
        lambda: [c for c in world.fake.calls if c.method.startswith("/respond/")], what="refusal"
    )[0]
    assert "manager" in str(answer.args["blocks"]).lower()
    assert world.fake.of("views.open") == []


def test_a_manager_adds_a_group_through_the_modal(world: SlackWorld) -> None:
    world.add_group()
    world.command(MANAGER, "group", channel="C0NEWGROUP")
    view = world.opened_view(a.FORM_GROUP)
    status, body = world.submit(MANAGER, view, {a.INPUT_NAME: "", a.INPUT_CHANNEL: "C0NEWGROUP"})
    assert status == 200 and b'"response_action":"errors"' in body.replace(b" ", b"")
    assert b'"name"' in body
    status, body = world.submit(
        MANAGER,
        view,
        {
            a.INPUT_NAME: "New <!channel> peers",
            a.INPUT_CHANNEL: "C0NEWGROUP",
            a.INPUT_MEMBERS: MEMBERS[:4],
            a.INPUT_METHOD: "incident",
            a.INPUT_CADENCE: "monthly",
            a.INPUT_MODE: "live",
            a.INPUT_LOCALE: "en",
        },
    )
    assert status == 200 and b"errors" not in body
    confirm = world.fake.wait_for(
        lambda: [c for c in world.fake.of("chat.postMessage") if c.args["channel"] == MANAGER],
        what="confirmation",
    )[0]
    assert "&lt;!channel&gt;" in str(confirm.args["blocks"])  # (g): user text stays inert


def test_report_without_a_finished_meeting_says_so(world: SlackWorld) -> None:
    world.add_group()
    world.command(MEMBERS[0], "report")
    answer = world.fake.wait_for(
        lambda: [c for c in world.fake.calls if c.method.startswith("/respond/")], what="answer"
    )[0]
    assert "no finished meeting" in str(answer.args["blocks"])


def test_start_in_a_channel_without_a_group_is_explained(world: SlackWorld) -> None:
    world.add_group()
    world.command(MEMBERS[0], "start", channel="C0ELSEWHERE")
    answer = world.fake.wait_for(
        lambda: [c for c in world.fake.calls if c.method.startswith("/respond/")], what="answer"
    )[0]
    assert "no intervision group in this channel" in str(answer.args["blocks"])


# ---------------------------------------------------------------------- home and delivery


def test_app_home_shows_managers_numbers_never_content(world: SlackWorld) -> None:
    meeting_id, _ = started(world, phases=1)
    world.home(MANAGER)
    published = world.fake.wait_for(lambda: world.fake.of("views.publish"), what="home")[0]
    assert published.args["user_id"] == MANAGER and published.args["view"]["type"] == "home"
    text = str(published.args["view"])
    assert "Ward 5 peers" in text and "A case" not in text
    world.home(MEMBERS[0])
    world.fake.wait_for(lambda: len(world.fake.of("views.publish")) == 2, what="member home")
    assert meeting(world, meeting_id).state is MeetingState.IN_PHASE


def test_delivery_joins_a_channel_it_is_not_in(world: SlackWorld) -> None:
    world.fake.not_in.add(CHANNEL)
    world.add_group()
    world.command(MEMBERS[0], "start")
    world.fake.wait_for(
        lambda: root_posts(world) and world.fake.of("conversations.join"), what="join"
    )
    settle(world)
    assert [c.args["channel"] for c in world.fake.of("conversations.join")] == [CHANNEL]


def test_a_rate_limited_delivery_is_retried_after_retry_after(world: SlackWorld) -> None:
    world.app.worker.stop()
    group_id = world.add_group()
    ws = world.workspace_id()
    started = meetings.start_meeting(world.app.ctx, actor=Actor(ws, MEMBERS[0]), group_id=group_id)
    meeting_id = started.meeting.id or 0
    now = datetime.now(UTC)
    checks = run_once(world.app.engine, world.app.deliver, now=now)
    assert checks.delivered == 2  # who is in the channel: when added, when started
    world.fake.fail_next(
        "chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "7"}
    )
    first = run_once(world.app.engine, world.app.deliver, now=now)
    assert (first.delivered, first.waiting) == (0, 1)  # no sleeping it out inside the worker
    with world.app.engine.connect() as connection:
        waiting = connection.execute(
            select(outbox.c.available_at, outbox.c.last_error, outbox.c.attempts).where(
                outbox.c.status == "pending", outbox.c.last_error.is_not(None)
            )
        ).one()  # the card (its update, queued after the check, waits behind it)
    assert waiting.available_at == now + timedelta(seconds=7)
    assert "rate limited" in (waiting.last_error or "")
    assert waiting.attempts == 0  # waiting is not failing: never parked for it
    assert (
        run_once(world.app.engine, world.app.deliver, now=now + timedelta(seconds=6)).claimed == 0
    )
    later = run_once(world.app.engine, world.app.deliver, now=now + timedelta(seconds=7))
    assert later.delivered == 1
    post = queries.meeting_post(world.app.ctx, meeting_id=meeting_id)
    assert post is not None and post.ref is not None
