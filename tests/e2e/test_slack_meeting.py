"""A whole meeting of five members in Slack, from `/intervision start` to the report,
over real HTTP: our server, a fake Slack Web API, signed requests; SQLite and PostgreSQL."""

from __future__ import annotations

from core.domain.meeting import MeetingState
from core.domain.method import Speakers
from core.services import queries
from core.views import actions as a
from tests.support.slack_fake import Call
from tests.support.slack_meeting import button, latest_card, meeting, root_posts, settle
from tests.support.slack_world import CHANNEL, FACILITATOR, MEMBERS, SlackWorld, slack_world


def test_a_full_meeting_runs_in_one_message_and_its_thread(db_url: str) -> None:
    with slack_world(db_url) as world:
        fake = world.fake
        world.add_group(method_id="incident")
        owner = MEMBERS[1]

        assert world.command(MEMBERS[0], "start")[0] == 200
        fake.wait_for(lambda: root_posts(world), what="the meeting card")
        settle(world)
        root = root_posts(world)[0]
        meeting_id = _meeting_id(world, root)
        root_ts = _ts(world, meeting_id)
        # The thread opens with the meeting: where it happens, how a case comes in.
        [opening] = [c for c in fake.of("chat.postMessage") if c.args.get("thread_ts")]
        assert opening.args["thread_ts"] == root_ts
        assert opening.args["blocks"][0]["text"]["text"] == "The meeting has started"

        # The case owner brings a case through the card's button and the case form.
        assert world.click(owner, a.CASE_OPEN_FORM, "", root_ts)[0] == 200
        form = world.opened_view(a.FORM_CASE)
        status, body = world.submit(
            owner,
            form,
            {
                a.INPUT_TITLE: "A family that will not open the door",
                a.INPUT_HELP_QUESTION: "How do I keep contact without forcing it?",
                a.INPUT_CONSENT: ["yes"],
            },
        )
        assert (status, body) == (200, b""), body  # accepted: no errors, the modal closes
        fake.wait_for(
            lambda: any(
                e.get("action_id") == a.MEETING_CHOOSE_CASE
                for b in latest_card(world)
                for e in b.get("elements", [])
            ),
            what="the case on the card",
        )
        choose = button(latest_card(world), a.MEETING_CHOOSE_CASE)
        world.click(FACILITATOR, a.MEETING_CHOOSE_CASE, choose["value"], root_ts)
        fake.wait_for(
            lambda: meeting(world, meeting_id).state is MeetingState.CASE_CHOSEN, what="chosen"
        )

        replies = 0
        while not meeting(world, meeting_id).is_finished:
            settle(world)
            current = meeting(world, meeting_id)
            if current.phase is not None:
                replies += _play_phase(world, meeting_id, root_ts)
            settle(world)
            position = meeting(world, meeting_id).position
            advance = button(latest_card(world), a.MEETING_ADVANCE)
            assert advance["value"] == a.meeting_value(meeting_id, position)
            world.click(FACILITATOR, a.MEETING_ADVANCE, advance["value"], root_ts)
            fake.wait_for(
                lambda p=position: meeting(world, meeting_id).position != p,  # type: ignore[misc]
                what=f"advance from {position}",
            )

        settle(world)
        assert meeting(world, meeting_id).state is MeetingState.EVALUATED
        report = button(latest_card(world), a.MEETING_REPORT)
        world.click(FACILITATOR, a.MEETING_REPORT, report["value"], root_ts)
        fake.wait_for(lambda: len(root_posts(world)) == 2, what="the report in the channel")
        settle(world)

        finished = meeting(world, meeting_id)
        assert finished.state is MeetingState.REPORTED
        assert len(finished.contributions) == replies
        from_thread = [c for c in finished.contributions if c.source_ref is not None]
        assert {c.source_ref for c in from_thread} == set(world.sent_ts)
        assert len(finished.contributions) - len(from_thread) == 1  # the one via the modal
        # ONE message per meeting, edited in place; the rounds happen in its thread.
        cards = root_posts(world)
        assert cards[0].args["blocks"][0]["text"]["text"].startswith("Intervision")
        assert cards[1].args["blocks"][0]["text"]["text"].startswith("Report")
        updates = fake.of("chat.update")
        assert len(updates) >= 10
        assert {(u.args["channel"], u.args["ts"]) for u in updates} == {(CHANNEL, root_ts)}
        thread = [c for c in fake.of("chat.postMessage") if c.args.get("thread_ts")]
        assert thread and {c.args["thread_ts"] for c in thread} == {root_ts}
        headings = [c.args["blocks"][0]["text"]["text"] for c in thread]
        assert sum("Phase" in h or "phase" in h for h in headings) >= 8
        # "Your turn" reaches people privately, never as a channel mention.
        dms = [c for c in fake.of("chat.postMessage") if str(c.args["channel"]).startswith("D")]
        assert dms and fake.of("conversations.open")
        assert all("<!channel>" not in str(c.args) for c in fake.calls)
        assert fake.problems == []


def _ts(world: SlackWorld, meeting_id: int) -> str:
    post = queries.meeting_post(world.app.ctx, meeting_id=meeting_id)
    assert post is not None and post.channel == CHANNEL
    return post.ref


def _meeting_id(world: SlackWorld, root: Call) -> int:
    """The meeting whose card the fake answered first (its ts is what we remembered)."""
    with world.app.ctx.uow() as uow:
        group = uow.groups.by_channel(world.workspace_id(), CHANNEL)
        assert group is not None and group.id is not None
        current = uow.meetings.current(group.id)
    assert current is not None and current.id is not None
    assert root.args["channel"] == CHANNEL
    return current.id


def _play_phase(world: SlackWorld, meeting_id: int, root_ts: str) -> int:
    """Everyone the phase asks for replies in the thread (one member uses the contribute
    button, one passes when the round allows it); returns the contributions made."""
    current = meeting(world, meeting_id)
    phase, round_ = current.phase, current.current_round
    assert phase is not None and round_ is not None
    if phase.speakers is Speakers.FREE:
        speakers = [p for p in current.participants if p != current.case_owner][:2]
    else:
        speakers = list(round_.order)
    before = len(current.contributions)
    made = 0
    for index, person in enumerate(speakers):
        text = "4 - a useful meeting" if phase.id == "evaluation" else f"{phase.id}: {person}?"
        if phase.id == "information_questions" and index == 0:
            world.click(
                person, a.MEETING_CONTRIBUTE, a.meeting_value(meeting_id, current.position), root_ts
            )
            form = world.opened_view(a.FORM_CONTRIBUTE)
            world.submit(person, form, {a.INPUT_TEXT: "Who else lives in the house?"})
        elif phase.id == "information_questions" and index == len(speakers) - 1:
            world.click(
                person, a.MEETING_PASS, a.meeting_value(meeting_id, current.position), root_ts
            )
            world.fake.wait_for(
                lambda p=person: p in (meeting(world, meeting_id).current_round or round_).passed,  # type: ignore[misc]
                what="a pass",
            )
            continue
        else:
            ts, (status, _) = world.reply(person, text, root_ts)
            world.sent_ts.append(ts)
            assert status == 200
        made += 1
        world.fake.wait_for(
            lambda n=before + made: len(meeting(world, meeting_id).contributions) >= n,  # type: ignore[misc]
            what=f"contribution {made} in {phase.id}",
        )
    return made
