"""Rounds keep their promises on Slack and Teams (issue 14), replayed through our real
servers against local fakes of the Slack Web API and the Bot Connector, on SQLite and
PostgreSQL.

Situation 3: a member posts client details in a write-first round by mistake and deletes
the message (Slack ``message_deleted``; Teams ``messageDelete``, a soft delete). The
contribution goes with it: not stored, never shown again by us, not in the report; the
author is told privately and is due again in the open round."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC
from typing import Any

import pytest
from sqlalchemy import select

from core.services import contributions, meetings, preparation, queries
from core.services.context import Actor
from core.storage.tables import contributions as contribution_rows
from core.views import actions as a
from integrations.teams import cards
from tests.support.slack_meeting import finish, latest_card, meeting, settle
from tests.support.slack_world import CHANNEL, FACILITATOR, MEMBERS, SlackWorld, slack_world
from tests.support.teams_harness import CHANNEL as TEAMS_CHANNEL
from tests.support.teams_harness import TeamsHarness, running_teams
from tests.support.teams_servers import MicrosoftStandIns

SECRET = "Client J. de Vries, room 12, born 1961"


def _opened(ctx: object, ws: int, group_id: int, people: list[str], lead: str) -> int:
    """The group's meeting with a case chosen, four phases on: in the incident method (the
    default), at "What would I do?"; in the Socratic one, at its questions (both
    write-first)."""
    begun = meetings.start_meeting(ctx, actor=Actor(ws, people[0]), group_id=group_id)  # type: ignore[arg-type]
    meeting_id = begun.meeting.id or 0
    case = preparation.submit_case(
        ctx,  # type: ignore[arg-type]
        actor=Actor(ws, people[1]),
        group_id=group_id,
        title="Night shift",
        help_question="How do I say no?",
    )
    chair = Actor(ws, lead)
    meetings.choose_case(ctx, actor=chair, meeting_id=meeting_id, case_id=case.id or 0)  # type: ignore[arg-type]
    for _ in range(4):
        meetings.advance_phase(ctx, actor=chair, meeting_id=meeting_id)  # type: ignore[arg-type]
    return meeting_id


def _slack_opened(world: SlackWorld) -> tuple[int, str]:
    """``_opened`` in a Slack world's group, delivered: (meeting id, its message's ts)."""
    ctx = world.app.ctx
    meeting_id = _opened(ctx, world.workspace_id(), world.add_group(), MEMBERS, FACILITATOR)
    settle(world)
    root = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert root is not None and root.ref is not None
    return meeting_id, root.ref


TEAMS_PEOPLE = [f"aad-{n}" for n in range(1, 6)]


def _teams_group(teams: TeamsHarness) -> tuple[int, int]:
    """A Teams group of five (facilitator ``aad-f``), all of whom wrote in its channel:
    (workspace id, group id)."""
    return teams.group(TEAMS_PEOPLE, introduce=(*TEAMS_PEOPLE, "aad-f"))


def _teams_opened(teams: TeamsHarness) -> tuple[int, int, int, str]:
    """``_opened`` in ``_teams_group``, delivered: (workspace id, group id, meeting id, its
    message's id)."""
    ctx = teams.app.ctx
    ws, group_id = _teams_group(teams)
    meeting_id = _opened(ctx, ws, group_id, TEAMS_PEOPLE, "aad-f")
    teams.deliver()
    root = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert root is not None and root.ref is not None
    return ws, group_id, meeting_id, root.ref


def _stored_texts(engine: object) -> list[str]:
    with engine.connect() as connection:  # type: ignore[attr-defined]
        return [str(t) for t in connection.execute(select(contribution_rows.c.text)).scalars()]


# ------------------------------------------------------------------------------- Slack


@pytest.fixture
def world(db_url: str) -> Iterator[SlackWorld]:
    with slack_world(db_url) as built:
        yield built


def test_slack_a_deleted_reply_is_withdrawn_and_its_author_is_due_again(
    world: SlackWorld,
) -> None:
    ctx = world.app.ctx
    meeting_id, root_ref = _slack_opened(world)
    held = meeting(world, meeting_id)
    assert held.phase.write_first and held.current_round is not None
    author = held.current_round.order[0]

    ts, _ = world.reply(author, SECRET, root_ref)
    world.fake.wait_for(lambda: meeting(world, meeting_id).contributions, what="contribution")
    for _ in range(2):  # Slack may deliver it again: the second finds nothing to withdraw
        status, _ = world.delete(author, ts, root_ref)
        assert status == 200
    world.fake.wait_for(
        lambda: not meeting(world, meeting_id).contributions, what="the contribution withdrawn"
    )
    now = meeting(world, meeting_id)
    assert now.current_round is not None and author in now.current_round.due

    # the round goes on: everyone writes (the author again), it is revealed, the meeting ends
    for person in now.current_round.order:
        world.reply(person, f"I would ask for help ({person})", root_ref)
    world.fake.wait_for(
        lambda: meeting(world, meeting_id).current_round.everyone_done,  # type: ignore[union-attr]
        what="everyone wrote",
    )
    lead = Actor(world.workspace_id(), FACILITATOR)
    meetings.close_meeting(ctx, actor=lead, meeting_id=meeting_id)
    meetings.publish_report(ctx, actor=lead, meeting_id=meeting_id)
    finish(world)

    assert SECRET not in json.dumps([c.args for c in world.fake.calls])
    assert all(SECRET not in text for text in _stored_texts(world.app.engine))
    told = [
        c
        for c in world.fake.of("chat.postMessage")
        if c.args["channel"] == "D" + author.lstrip("U") and "was deleted" in str(c.args)
    ]
    assert len(told) == 1


def test_slack_deleting_a_message_that_was_no_contribution_changes_nothing(
    world: SlackWorld,
) -> None:
    meeting_id, root_ref = _slack_opened(world)
    author = meeting(world, meeting_id).current_round.order[0]  # type: ignore[union-attr]
    world.reply(author, "I would ask for help", root_ref)
    world.fake.wait_for(lambda: meeting(world, meeting_id).contributions, what="contribution")
    status, _ = world.delete(author, "1700999999.000001", root_ref)  # never seen by us
    assert status == 200
    finish(world)
    assert [c.text for c in meeting(world, meeting_id).contributions] == ["I would ask for help"]
    assert not [c for c in world.fake.of("chat.postMessage") if "was deleted" in str(c.args)]


# ------------------------------------------------------------------------------- Teams


@pytest.fixture
def teams(
    db_url: str, microsoft: MicrosoftStandIns, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TeamsHarness]:
    with running_teams(db_url, microsoft, monkeypatch) as harness:
        yield harness


def test_teams_a_soft_deleted_reply_is_withdrawn_and_its_author_is_due_again(
    teams: TeamsHarness,
) -> None:
    ctx = teams.app.ctx
    ws, _group_id, meeting_id, root_ref = _teams_opened(teams)
    author = teams.meeting().current_round.order[0]

    reply = teams.channel_message(author, f"<at>Intervision</at> {SECRET}", root=root_ref)
    teams.ok(reply)
    assert [c.source_ref for c in teams.meeting().contributions] == [reply["id"]]
    deletion = teams.delete(author, reply["id"], root=root_ref)
    teams.ok(deletion)
    teams.ok(deletion)  # delivered again: handled once
    teams.deliver()
    now = teams.meeting()
    assert now.contributions == []
    assert author in now.current_round.due

    for person in now.current_round.order:
        teams.ok(
            teams.channel_message(
                person, f"<at>Intervision</at> I would ask ({person})", root=root_ref
            )
        )
    assert teams.meeting().current_round.everyone_done
    meetings.close_meeting(ctx, actor=Actor(ws, "aad-f"), meeting_id=meeting_id)
    meetings.publish_report(ctx, actor=Actor(ws, "aad-f"), meeting_id=meeting_id)
    teams.deliver()

    assert SECRET not in json.dumps([c.body for c in teams.connector.calls])
    assert all(SECRET not in text for text in _stored_texts(teams.app.engine))
    told = [
        c
        for c in teams.connector.sent("POST")
        if c.path.startswith("/v3/conversations/a:personal-") and "was deleted" in str(c.body)
    ]
    assert len(told) == 1


# ---------------------------------------------------------------------------------------
# Situation 9: `/intervision start` in a private channel the app was never invited to.
# Slack answers channel_not_found for good: nothing is retried in vain, the people who can
# act hear why and what to do, and a start after the invitation posts what waited, in order.


def _notices(world: SlackWorld, person: str, words: str) -> list[str]:
    direct = "D" + person.lstrip("U")
    return [
        json.dumps(c.args)
        for c in world.fake.of("chat.postMessage")
        if c.args["channel"] == direct and words in json.dumps(c.args)
    ]


def _answers(world: SlackWorld) -> list[str]:
    return [json.dumps(c.args) for c in world.fake.calls if c.method.startswith("/respond/")]


def test_slack_start_in_a_channel_closed_to_the_app_is_told_and_undone_until_invited(
    world: SlackWorld,
) -> None:
    world.fake.closed.add(CHANNEL)
    group_id = world.add_group()
    settle(world)
    # asked who is in the channel when the group was added: the facilitator hears at once
    assert len(_notices(world, FACILITATOR, "could not post messages")) == 1

    starter = MEMBERS[0]
    world.command(starter, "start")
    world.fake.wait_for(
        lambda: _notices(world, FACILITATOR, "could not start the meeting"), what="the notice"
    )
    settle(world)
    for person in (starter, FACILITATOR):  # who started it, and the facilitator (its chair)
        [told] = _notices(world, person, "could not start the meeting")
        assert "channel_not_found" in told and "/invite @Intervision" in told
    tries = [c for c in world.fake.of("conversations.members") if c.args["channel"] == CHANNEL]
    assert len(tries) == 2  # once for the group, once for the meeting: not retried in vain
    assert not [p for p in world.fake.of("chat.postMessage") if p.args["channel"] == CHANNEL]
    with world.app.ctx.uow() as uow:  # nothing is left half-started
        [planned] = uow.meetings.for_group(group_id)
    assert planned.state.value == "planned" and planned.started_at is None

    world.fake.closed.discard(CHANNEL)  # someone types /invite @Intervision there
    world.command(starter, "start")
    world.fake.wait_for(lambda: world.fake.history.get(CHANNEL), what="the meeting's message")
    settle(world)
    history = world.fake.history[CHANNEL]
    roots = [m for m in history if "thread_ts" not in m]
    assert len(roots) == 1
    thread = [m for m in history if m.get("thread_ts") == roots[0]["ts"]]
    assert len(thread) == 1, "the thread opened once, after its root"
    assert count_parked(world) == 1  # the group's own channel check, made moot by the start

    world.command(starter, "start")  # and now: simply under way
    world.fake.wait_for(lambda: _answers(world), what="the answer")
    assert "already under way." in _answers(world)[-1]


def test_slack_a_channel_closed_mid_meeting_is_told_and_start_posts_what_waited(
    world: SlackWorld,
) -> None:
    ctx = world.app.ctx
    meeting_id = _opened(ctx, world.workspace_id(), world.add_group(), MEMBERS, FACILITATOR)
    settle(world)
    before = len(world.fake.history[CHANNEL])
    world.fake.closed.add(CHANNEL)  # the channel made private without the app, say
    lead = Actor(world.workspace_id(), FACILITATOR)
    meetings.advance_phase(ctx, actor=lead, meeting_id=meeting_id)
    world.fake.wait_for(
        lambda: _notices(world, FACILITATOR, "could not post the meeting's message"),
        what="the notice",
    )
    settle(world)
    [told] = _notices(world, FACILITATOR, "could not post the meeting's message")
    assert "start the meeting again there" in told
    assert meeting(world, meeting_id).state.value == "in_phase"  # under way: it stays
    assert count_parked(world) >= 2  # the card's update and the new phase's heading

    world.fake.closed.discard(CHANNEL)
    world.command(MEMBERS[0], "start")
    world.fake.wait_for(lambda: _answers(world), what="the answer")
    assert "Posting them again now" in _answers(world)[-1]
    settle(world)
    assert count_parked(world) == 0
    assert len(world.fake.history[CHANNEL]) > before  # the phase's heading, in its thread


def count_parked(world: SlackWorld) -> int:
    from core.jobs.outbox_worker import parked

    return len(parked(world.app.engine))


# ---------------------------------------------------------------------------------------
# Situation 10: a Socratic write-first round with nine long questions (about 2,700
# characters each). The reveal is more than one message may hold on either platform: it
# goes as several, in order, each within the platform's limit; nothing is refused whole.


def _socratic_round(
    ctx: object,
    ws: int,
    group_id: int,
    people: list[str],
    lead: str,
    before_the_last: Callable[[], None] = lambda: None,
) -> int:
    """Nine questions of about 2,700 characters written first, then revealed together
    (``before_the_last`` is called before the ninth, which reveals them). The group's
    method is the Socratic one: its fourth phase is the write-first question round."""
    meeting_id = _opened(ctx, ws, group_id, people, lead)
    writers = [p for p in people if p != people[1]]
    plan = [writers[0]] * 3 + [writers[1]] * 3 + [writers[2]] * 2 + [writers[3]]
    for number, person in enumerate(plan, start=1):
        if number == len(plan):
            before_the_last()
        contributions.contribute(
            ctx,  # type: ignore[arg-type]
            actor=Actor(ws, person),
            meeting_id=meeting_id,
            text=_question(number),
        )
    return meeting_id


def _question(number: int) -> str:
    return f"Q{number}: what makes 'no' so hard, é ü? " + "Is it loyalty, or fear? " * 110


def test_teams_a_long_reveal_goes_in_several_messages_each_within_the_limit(
    teams: TeamsHarness,
) -> None:
    ctx = teams.app.ctx
    ws, group_id = _teams_group(teams)
    _group_method(ctx, group_id, "socratic")
    meeting_id = _socratic_round(ctx, ws, group_id, TEAMS_PEOPLE, "aad-f")
    teams.deliver()
    root = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert root is not None
    thread = [
        json.dumps(c.body, ensure_ascii=False)
        for c in teams.connector.sent("POST")
        if c.path.endswith(f";messageid={root.ref}/activities")
    ]
    revealed = [body for body in thread if re.search(r"Q\d:", body)]
    assert len(revealed) >= 2
    order = [f"Q{n}:" for n in range(1, 10)]
    seen = [q for body in revealed for q in order if q in body]
    assert seen == order  # every question, once, in order
    assert not [c for c in teams.connector.calls if c.path.endswith("/activities")] or all(
        len(json.dumps(c.body).encode()) <= teams.connector.max_activity_bytes
        for c in teams.connector.calls
        if c.body is not None
    )
    assert teams.rows("outbox") and not _parked(teams.app.engine)


def test_slack_a_long_reveal_goes_in_several_messages_each_within_the_limits(
    world: SlackWorld,
) -> None:
    ctx = world.app.ctx
    group_id = world.add_group(method_id="socratic")
    meeting_id = _socratic_round(ctx, world.workspace_id(), group_id, MEMBERS, FACILITATOR)
    settle(world)
    root = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert root is not None
    posts = [
        c.args
        for c in world.fake.of("chat.postMessage")
        if c.args.get("thread_ts") == root.ref and "Q" in json.dumps(c.args)
    ]
    revealed = [p for p in posts if any(f"Q{n}:" in json.dumps(p) for n in range(1, 10))]
    assert len(revealed) >= 2
    order = [f"Q{n}:" for n in range(1, 10)]
    seen = [q for p in revealed for q in order if q in json.dumps(p)]
    assert seen == order
    assert world.fake.problems == []  # every message passed Slack's block limits
    assert not _parked(world.app.engine)


def test_teams_a_message_refused_as_too_large_is_parked_and_the_chair_told(
    teams: TeamsHarness,
) -> None:
    """Should a page still be over the limit (a tenant that refuses smaller activities),
    the refusal is not retried in vain and the chair and facilitator hear of it."""
    ctx = teams.app.ctx
    ws, group_id = _teams_group(teams)
    _group_method(ctx, group_id, "socratic")

    def tighten() -> None:  # everything before the reveal is delivered first
        teams.deliver()
        teams.connector.max_activity_bytes = 4_000

    meeting_id = _socratic_round(ctx, ws, group_id, TEAMS_PEOPLE, "aad-f", before_the_last=tighten)
    teams.deliver(strict=False)
    refused = [c for c in teams.connector.calls if c.path.endswith("/activities")]
    assert refused
    [parked_row] = _parked(teams.app.engine)
    assert parked_row.attempts == 1 and "too_large" in (parked_row.last_error or "")
    told = [
        c
        for c in teams.connector.sent("POST")
        if c.path.startswith("/v3/conversations/a:personal-")
        and "larger than the platform accepts" in json.dumps(c.body)
    ]
    assert len(told) == 1  # the facilitator chairs this group's meetings
    assert queries.meeting_post(ctx, meeting_id=meeting_id) is not None


def _group_method(ctx: object, group_id: int, method_id: str) -> None:
    with ctx.uow() as uow:  # type: ignore[attr-defined]
        group = uow.groups.get(group_id)
        group.method_id = method_id
        uow.groups.save(group)
        uow.commit()


def _parked(engine: object) -> list[object]:
    from core.jobs.outbox_worker import parked

    return list(parked(engine))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# Situations 6 and 7: what people typed is stored as they read it, decoded once on input
# (Slack's escaping and markup; Teams' HTML, with colleagues' names kept and their own
# angle brackets), so that it is escaped once on output and shown as written.


def test_slack_a_reply_is_stored_as_the_person_read_it(world: SlackWorld) -> None:
    meeting_id, root_ref = _slack_opened(world)
    author = meeting(world, meeting_id).current_round.order[0]  # type: ignore[union-attr]
    world.fake.names[MEMBERS[2]] = "Carmen"
    sent = (
        f"A &amp; B, x &lt; 3, ask <@{MEMBERS[2]}>, see <https://example.org|example.org> "
        "and <https://a.b/c?d=1&amp;e=2|the protocol>"
    )
    world.reply(author, sent, root_ref)
    world.fake.wait_for(lambda: meeting(world, meeting_id).contributions, what="contribution")
    [stored] = meeting(world, meeting_id).contributions
    assert stored.text == (
        "A & B, x < 3, ask @Carmen, see example.org and the protocol (https://a.b/c?d=1&e=2)"
    )


def test_teams_a_reply_is_stored_as_the_person_read_it(teams: TeamsHarness) -> None:
    _ws, _group_id, _meeting_id, root_ref = _teams_opened(teams)
    author = teams.meeting().current_round.order[0]
    reply = teams.recorded(
        "thread_reply_mentions",
        author,
        replyToId=root_ref,
        text="<p><at>Intervision</at> What if the load is x<5 and the team size y>3? "
        "<at>Bram</at> &amp; <at>Carmen</at>, at 6&nbsp;a.m.</p>",
    )
    reply["conversation"]["id"] = (
        f"{reply['conversation']['id'].split(';')[0]};messageid={root_ref}"
    )
    reply["entities"].insert(
        0,
        {
            "type": "mention",
            "text": "<at>Intervision</at>",
            "mentioned": {"id": reply["recipient"]["id"], "name": "Intervision"},
        },
    )
    teams.ok(reply)
    [stored] = teams.meeting().contributions
    assert stored.text == (
        "What if the load is x<5 and the team size y>3? Bram & Carmen, at 6 a.m."
    )


# ---------------------------------------------------------------------------------------
# Situation 5: a thread reply with "Also send to #channel" (``thread_broadcast``) is a
# contribution like any other reply, and its later edit (``message_changed``) edits it.


def test_slack_a_reply_also_sent_to_the_channel_counts_and_its_edit_edits_it(
    world: SlackWorld,
) -> None:
    from tests.support.slack_fake import fixture

    meeting_id, root_ref = _slack_opened(world)
    author = meeting(world, meeting_id).current_round.order[0]  # type: ignore[union-attr]

    broadcast = fixture("thread_broadcast")
    ts = "1700000300.000500"
    broadcast["event"].update(user=author, ts=ts, thread_ts=root_ref, text="Who signs &amp; when?")
    broadcast["event"]["root"]["ts"] = root_ref
    assert world.sender.event(broadcast)[0] == 200
    world.fake.wait_for(lambda: meeting(world, meeting_id).contributions, what="contribution")
    [stored] = meeting(world, meeting_id).contributions
    assert (stored.author, stored.text, stored.source_ref) == (author, "Who signs & when?", ts)
    assert author not in meeting(world, meeting_id).current_round.due  # type: ignore[union-attr]

    changed = fixture("thread_broadcast_changed")
    changed["event"]["message"].update(
        user=author, ts=ts, thread_ts=root_ref, text="Who signs it, and when?"
    )
    assert world.sender.event(changed)[0] == 200
    world.fake.wait_for(
        lambda: meeting(world, meeting_id).contributions[0].text == "Who signs it, and when?",
        what="the edit",
    )
    assert len(meeting(world, meeting_id).contributions) == 1


# ---------------------------------------------------------------------------------------
# An event that changes nothing the member wrote (a link preview arrives as
# ``message_changed`` with the same text) is no edit and never a refusal, whatever the
# phase; a real change after the phase closed is still refused, privately.


def test_slack_an_edit_that_changes_nothing_is_no_edit_and_no_refusal(world: SlackWorld) -> None:
    ctx = world.app.ctx
    meeting_id, root_ref = _slack_opened(world)
    author = meeting(world, meeting_id).current_round.order[0]  # type: ignore[union-attr]
    said = "I would ask <https://example.org|the protocol> first"
    ts, _ = world.reply(author, said, root_ref)
    world.fake.wait_for(lambda: meeting(world, meeting_id).contributions, what="contribution")
    meetings.advance_phase(
        ctx, actor=Actor(world.workspace_id(), FACILITATOR), meeting_id=meeting_id
    )

    assert world.edit(author, said, ts, root_ref)[0] == 200  # the link preview
    world.edit(author, "I would ask HR first", ts, root_ref)  # a real change, too late
    world.fake.wait_for(
        lambda: [c for c in world.fake.calls if "can no longer be changed" in json.dumps(c.args)],
        what="the refusal of the real change",
    )
    finish(world)
    refusals = [c for c in world.fake.calls if "can no longer be changed" in json.dumps(c.args)]
    assert len(refusals) == 1
    [stored] = meeting(world, meeting_id).contributions
    assert (stored.text, stored.history) == (
        "I would ask the protocol (https://example.org) first",
        [],
    )


# ---------------------------------------------------------------------------------------
# Situation 13: times. A Teams schedule form without ``localTimezone`` is read in the
# workspace's time zone, never a built-in one; preparation tasks are due in local
# wall-clock time across a daylight-saving change; a local time the clocks skip or show
# twice is refused with a clear message.


def _schedule_in(teams: TeamsHarness, zone: str | None, when: tuple[str, str]) -> dict[str, Any]:
    """``aad-f`` (the facilitator) submits the schedule form from personal chat, with the
    activity saying ``zone`` as its ``localTimezone`` (None: saying none)."""
    from tests.integration.teams.test_forms import _last_card

    teams.ok(teams.personal_message("aad-f", "schedule"))
    form = _last_card(teams, "aad-f")
    [action] = [x for x in form["actions"] if x["type"] == "Action.Execute"]
    values = {f"{a.INPUT_WHEN}__date": when[0], f"{a.INPUT_WHEN}__time": when[1]}
    activity = teams.card_action("aad-f", action["verb"], {**action["data"], **values})
    activity.pop("localTimezone", None)
    if zone is not None:
        activity["localTimezone"] = zone
    body = teams.ok(activity)
    card: dict[str, Any] = body["value"]
    return card


@pytest.mark.parametrize(
    ("workspace_zone", "said_zone", "meeting_utc", "bring_case_utc"),
    [
        # New York: on 29 March 2027 summer time (UTC-4) holds, as on the 26th
        ("America/New_York", None, "2027-03-29T14:00", "2027-03-26T14:00"),
        # Amsterdam: summer time begins on 28 March; 10:00 three days before is 09:00 UTC
        ("Europe/Amsterdam", "Europe/Amsterdam", "2027-03-29T08:00", "2027-03-26T09:00"),
        # the person's zone wins over the workspace's: 10:00 in Amsterdam, not New York
        ("America/New_York", "Europe/Amsterdam", "2027-03-29T08:00", "2027-03-26T09:00"),
    ],
)
def test_teams_a_scheduled_meeting_and_its_tasks_keep_local_wall_clock_time(
    teams: TeamsHarness,
    workspace_zone: str,
    said_zone: str | None,
    meeting_utc: str,
    bring_case_utc: str,
) -> None:
    from core.services import groups

    ws, group_id = _teams_group(teams)
    groups.configure_workspace(
        teams.app.ctx, actor=Actor(ws, "", is_admin=True), time_zone=workspace_zone
    )
    answer = _schedule_in(teams, said_zone, ("2027-03-29", "10:00"))
    used = said_zone or workspace_zone  # the person's zone, else the workspace's
    assert "2027-03-29 10:00" in json.dumps(answer) and f"({used})" in json.dumps(answer)
    with teams.app.ctx.uow() as uow:
        [planned] = uow.meetings.for_group(group_id)
        tasks = uow.tasks.for_meeting(planned.id or 0)
    assert planned.scheduled_at.astimezone(UTC).isoformat()[:16] == meeting_utc
    bring = {
        t.due_at.astimezone(UTC).isoformat()[:16] for t in tasks if t.kind.value == "bring_case"
    }
    assert bring == {bring_case_utc}


@pytest.mark.parametrize(
    ("when", "said"),
    [
        (("2027-03-28", "02:30"), "does not exist in Europe/Amsterdam"),
        (("2027-10-31", "02:30"), "happens twice in Europe/Amsterdam"),
    ],
)
def test_teams_a_local_time_the_clocks_skip_or_repeat_is_refused(
    teams: TeamsHarness, when: tuple[str, str], said: str
) -> None:
    _, group_id = _teams_group(teams)
    answer = _schedule_in(teams, "Europe/Amsterdam", when)
    assert said in json.dumps(answer)
    with teams.app.ctx.uow() as uow:
        assert uow.meetings.for_group(group_id) == []


# ---------------------------------------------------------------------------------------
# A command from a place that is not a group's channel is answered there, privately, and
# never acts on another channel: `start` in a direct message starts nothing.


def test_slack_start_in_a_direct_message_is_answered_there_and_starts_nothing(
    world: SlackWorld,
) -> None:
    group_id = world.add_group()
    settle(world)
    world.command(MEMBERS[0], "start", channel="D0MEMBER01")
    world.fake.wait_for(lambda: _answers(world), what="the answer")
    assert "takes place in its group's channel" in _answers(world)[-1]
    finish(world)
    with world.app.ctx.uow() as uow:
        assert uow.meetings.for_group(group_id) == []
    assert CHANNEL not in world.fake.history


def test_teams_start_in_personal_chat_is_answered_there_and_starts_nothing(
    teams: TeamsHarness,
) -> None:
    _, group_id = _teams_group(teams)
    teams.deliver()  # the group's own channel check
    before = len(teams.connector.calls)
    teams.ok(teams.personal_message("aad-1", "start"))
    teams.deliver()
    said = [json.dumps(c.body) for c in teams.connector.calls[before:]]
    assert any("takes place in its group" in body for body in said)
    assert all(TEAMS_CHANNEL not in c.path for c in teams.connector.calls[before:])
    with teams.app.ctx.uow() as uow:
        assert uow.meetings.for_group(group_id) == []


# ---------------------------------------------------------------------------------------
# Situation 8: in a Slack Connect channel the envelope's ``team_id`` is the partner
# organisation's; ``authorizations[0].team_id`` and ``event.team`` are ours. Our member's
# reply counts, and no workspace is made for the partner.


def test_slack_a_reply_in_a_slack_connect_channel_counts_and_the_partner_gets_no_workspace(
    world: SlackWorld,
) -> None:
    from core.storage.tables import workspaces
    from tests.support.slack_fake import fixture

    meeting_id, root_ref = _slack_opened(world)
    author = meeting(world, meeting_id).current_round.order[0]  # type: ignore[union-attr]
    reply = fixture("slack_connect_thread_reply")
    assert reply["team_id"] != reply["authorizations"][0]["team_id"]  # the partner's envelope
    reply["event"].update(
        user=author, channel=CHANNEL, thread_ts=root_ref, text="Who else was on shift?"
    )
    assert world.sender.event(reply)[0] == 200
    world.fake.wait_for(lambda: meeting(world, meeting_id).contributions, what="contribution")
    [stored] = meeting(world, meeting_id).contributions
    assert (stored.author, stored.text) == (author, "Who else was on shift?")
    finish(world)
    with world.app.engine.connect() as connection:
        teams_known = set(connection.execute(select(workspaces.c.external_id)).scalars())
    assert teams_known == {reply["authorizations"][0]["team_id"]}
    assert not [c for c in world.fake.calls if "another workspace" in json.dumps(c.args)]


# ---------------------------------------------------------------------------------------
# A private message that cannot reach a member (a deactivated account) is not retried in
# vain: it is parked and the facilitator hears who is out of reach; nothing else stops.


def test_slack_a_member_out_of_reach_privately_is_told_to_the_facilitator(
    world: SlackWorld,
) -> None:
    from core.services import notify
    from core.services.ports import Notification

    ctx = world.app.ctx
    group_id = world.add_group()
    settle(world)
    absent = MEMBERS[3]
    with ctx.uow() as uow:
        note = Notification(
            topic=notify.DIRECT,
            workspace_id=world.workspace_id(),
            group_id=group_id,
            person=absent,
            data={"view": "withdrawn"},
        )
        uow.outbox.add(note, now=ctx.clock.now())
        uow.commit()
    world.fake.fail_next("conversations.open", "user_disabled")
    world.app.worker.wake()
    world.fake.wait_for(
        lambda: _notices(world, FACILITATOR, "could not reach"), what="the facilitator told"
    )
    settle(world)
    [told] = _notices(world, FACILITATOR, "could not reach")
    assert f"<@{absent}>" in told and "user_disabled" in told
    [parked_row] = _parked(world.app.engine)
    assert "unreachable: user_disabled" in (parked_row.last_error or "")  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------
# Situation 12: a member whose account was deactivated (Slack ``users.info`` ``deleted:
# true``) or who left the group's channel keeps no place in the turn order: looked at when
# the meeting starts, skipped, and the facilitator told privately (the group is not told
# why).


def _each_in_turn(ctx: object, ws: int, meeting_id: int, owner: str, lead: str) -> None:
    """A case brought and chosen, and the meeting on to its first round in turn."""
    case = preparation.submit_case(
        ctx,  # type: ignore[arg-type]
        actor=Actor(ws, owner),
        group_id=queries.group_of_meeting(ctx, actor=Actor(ws, lead), meeting_id=meeting_id),  # type: ignore[arg-type]
        title="Night shift",
        help_question="How do I say no?",
    )
    chair = Actor(ws, lead)
    meetings.choose_case(ctx, actor=chair, meeting_id=meeting_id, case_id=case.id or 0)  # type: ignore[arg-type]
    for _ in range(2):
        meetings.advance_phase(ctx, actor=chair, meeting_id=meeting_id)  # type: ignore[arg-type]


def test_slack_members_deactivated_or_out_of_the_channel_are_skipped_and_the_facilitator_told(
    world: SlackWorld,
) -> None:
    ctx = world.app.ctx
    group_id = world.add_group()
    settle(world)
    gone, left = MEMBERS[3], MEMBERS[4]
    world.fake.deactivated.add(gone)  # still listed in the channel
    world.fake.members[CHANNEL] = [*(m for m in MEMBERS if m != left), FACILITATOR]

    world.command(MEMBERS[0], "start")
    world.fake.wait_for(
        lambda: _notices(world, FACILITATOR, "has started without"), what="the facilitator told"
    )
    settle(world)
    [told] = _notices(world, FACILITATOR, "has started without")
    assert f"No longer in the group's channel: <@{left}>." in told
    assert f"deactivated or deleted: <@{gone}>." in told
    with ctx.uow() as uow:
        [started] = uow.meetings.for_group(group_id)
    assert started.participants == MEMBERS[:3]

    _each_in_turn(ctx, world.workspace_id(), started.id or 0, MEMBERS[1], FACILITATOR)
    held = meeting(world, started.id or 0)
    assert held.current_round is not None and held.current_round.order
    assert set(held.current_round.order) == {MEMBERS[0], MEMBERS[2]}
    finish(world)
    for person in MEMBERS:  # only the facilitator hears of it
        assert _notices(world, person, "has started without") == []
    posts = [json.dumps(c.args) for c in world.fake.of("chat.postMessage")]
    assert sum("has started without" in post for post in posts) == 1


def test_slack_a_second_look_at_the_same_absence_tells_nobody_again(world: SlackWorld) -> None:
    group_id = world.add_group()
    settle(world)
    world.fake.deactivated.add(MEMBERS[4])
    world.command(MEMBERS[0], "start")
    world.fake.wait_for(
        lambda: _notices(world, FACILITATOR, "has started without"), what="the facilitator told"
    )
    before = len(_answers(world))
    world.command(MEMBERS[0], "start")  # already under way: nothing is looked at again
    world.fake.wait_for(lambda: len(_answers(world)) > before, what="the second answer")
    assert "already under way." in _answers(world)[-1]
    finish(world)
    assert len(_notices(world, FACILITATOR, "has started without")) == 1
    with world.app.ctx.uow() as uow:
        [started] = uow.meetings.for_group(group_id)
    assert MEMBERS[4] not in started.participants and len(started.participants) == 4


def test_teams_a_member_who_left_the_channel_is_skipped_mid_round_and_the_facilitator_told(
    teams: TeamsHarness,
) -> None:
    ctx = teams.app.ctx
    teams.connector.members = teams.roster([*TEAMS_PEOPLE[:4], "aad-f"])  # aad-5 left the team
    ws, group_id = _teams_group(teams)
    _opened(ctx, ws, group_id, TEAMS_PEOPLE, "aad-f")  # a round open before the look
    teams.deliver()
    now = teams.meeting()
    assert "aad-5" not in now.participants
    assert now.current_round.order and "aad-5" not in now.current_round.order
    told = [
        c
        for c in teams.connector.sent("POST")
        if c.path.startswith("/v3/conversations/a:personal-")
        and "has started without" in json.dumps(c.body)
    ]
    assert len(told) == 1 and "No longer in the group's channel" in json.dumps(told[0].body)
    opened = [c for c in teams.connector.sent("POST") if c.path.rstrip("/") == "/v3/conversations"]
    assert any("aad-f" in json.dumps(c.body) for c in opened)  # the facilitator's chat


# ---------------------------------------------------------------------------------------
# The thread opens with the meeting, and with last time's first step: the case owner's
# takeaway from the meeting held before comes back in the next meeting's thread. A reply
# there, with no round open, is visible to everyone and no contribution: the member is told.

FIRST_STEP = "I will ask the night team first & write the rule down <together>."


def _held_with_a_takeaway(ctx: object, ws: int, group_id: int, owner: str, lead: str) -> int:
    chair = Actor(ws, lead)
    begun = meetings.start_meeting(ctx, actor=Actor(ws, owner), group_id=group_id)  # type: ignore[arg-type]
    meeting_id = begun.meeting.id or 0
    case = preparation.submit_case(
        ctx,  # type: ignore[arg-type]
        actor=Actor(ws, owner),
        group_id=group_id,
        title="Night shift",
        help_question="How do I say no?",
    )
    meetings.choose_case(ctx, actor=chair, meeting_id=meeting_id, case_id=case.id or 0)  # type: ignore[arg-type]
    while True:
        held = meetings.advance_phase(ctx, actor=chair, meeting_id=meeting_id)  # type: ignore[arg-type]
        if held.phase is not None and held.phase.id == "takeaway":
            break
    contributions.contribute(ctx, actor=Actor(ws, owner), meeting_id=meeting_id, text=FIRST_STEP)  # type: ignore[arg-type]
    meetings.close_meeting(ctx, actor=chair, meeting_id=meeting_id)  # type: ignore[arg-type]
    return meeting_id


def test_slack_the_next_meeting_opens_its_thread_with_last_times_first_step(
    world: SlackWorld,
) -> None:
    ctx = world.app.ctx
    group_id = world.add_group()
    owner = MEMBERS[1]
    first = _held_with_a_takeaway(ctx, world.workspace_id(), group_id, owner, FACILITATOR)
    settle(world)

    world.command(MEMBERS[0], "start")
    world.fake.wait_for(
        lambda: [m for m in world.fake.history[CHANNEL] if "first step" in json.dumps(m)],
        what="the follow-up",
    )
    settle(world)
    lead = Actor(world.workspace_id(), FACILITATOR)
    latest = queries.latest_meeting_in(ctx, actor=lead, channel=CHANNEL)
    assert latest is not None and latest != first
    root = queries.meeting_post(ctx, meeting_id=latest)
    assert root is not None and root.ref is not None
    thread = [
        c.args for c in world.fake.of("chat.postMessage") if c.args.get("thread_ts") == root.ref
    ]
    assert [m["text"] for m in thread] == ["The meeting has started", "Last time's first step"]
    shown = json.dumps(thread[1]["blocks"])
    assert f"<@{owner}> said at the close of the meeting of" in shown
    assert "I will ask the night team first &amp; write the rule down &lt;together&gt;." in shown

    world.reply(owner, "It went well: we wrote it down on Tuesday.", root.ref)
    world.fake.wait_for(
        lambda: [
            c
            for c in world.fake.of("chat.postEphemeral")
            if c.args["user"] == owner and "not recorded as a contribution" in json.dumps(c.args)
        ],
        what="the answer",
    )
    finish(world)
    assert meeting(world, latest).contributions == []
    assert not [t for t in _stored_texts(world.app.engine) if "went well" in t]


def test_teams_the_next_meeting_opens_its_thread_with_last_times_first_step(
    teams: TeamsHarness,
) -> None:
    ctx = teams.app.ctx
    ws, group_id = _teams_group(teams)
    _held_with_a_takeaway(ctx, ws, group_id, "aad-2", "aad-f")
    teams.deliver()
    before = len(teams.connector.sent("POST"))
    meetings.start_meeting(ctx, actor=Actor(ws, "aad-1"), group_id=group_id)
    teams.deliver()
    posted = [json.dumps(c.body) for c in teams.connector.sent("POST")[before:]]
    follow_up = [p for p in posted if "Last time's first step" in p]
    assert len(follow_up) == 1
    assert json.dumps(cards.escape(FIRST_STEP))[1:-1] in follow_up[0]
    started = [i for i, p in enumerate(posted) if "The meeting has started" in p]
    assert started and started[0] < posted.index(follow_up[0])


# ---------------------------------------------------------------------------------------
# Situations 1, 2 and 4: privacy that is promised is kept. In a write-first round a thread
# reply is visible to the channel at once: it counts as said and its author is told so,
# privately; what is written privately stays private until everyone due has written, and
# then it is revealed at once, without the chair moving on. A turned-away case owner's
# thread message is visible too, and they are told exactly that.


def _told(world: SlackWorld, person: str, words: str) -> list[str]:
    """What ``person`` was told privately: an ephemeral message, or a direct message (to
    their direct-message channel, or addressed to their user id)."""
    ephemeral = [
        json.dumps(c.args)
        for c in world.fake.of("chat.postEphemeral")
        if c.args.get("user") == person and words in json.dumps(c.args)
    ]
    direct = [
        json.dumps(c.args)
        for c in world.fake.of("chat.postMessage")
        if c.args.get("channel") == person and words in json.dumps(c.args)
    ]
    return ephemeral + direct + _notices(world, person, words)


def _thread_posts(world: SlackWorld, root: str) -> list[str]:
    posts = world.fake.of("chat.postMessage")
    return [json.dumps(c.args) for c in posts if c.args.get("thread_ts") == root]


def test_slack_write_first_is_public_in_the_thread_private_in_the_form_revealed_when_all_wrote(
    world: SlackWorld,
) -> None:
    meeting_id, root_ref = _slack_opened(world)
    held = meeting(world, meeting_id)
    assert held.phase is not None and held.phase.write_first and held.current_round is not None
    first, *others = held.current_round.order

    # 1: a thread reply is in the channel at once; it counts, and its author hears so
    world.reply(first, "In the thread: I would call the family", root_ref)
    world.fake.wait_for(
        lambda: _told(world, first, "visible to everyone in the channel now"), what="the answer"
    )
    for number, person in enumerate(others, start=1):
        opened = len(world.fake.of("views.open"))
        value = a.meeting_value(meeting_id, held.position)
        world.click(person, a.MEETING_CONTRIBUTE, value, root_ref)
        world.fake.wait_for(lambda n=opened: len(world.fake.of("views.open")) > n, what="form")
        form = world.opened_view(a.FORM_CONTRIBUTE)
        world.submit(person, form, {a.INPUT_TEXT: f"Privately: {person} would wait a day"})
        world.fake.wait_for(
            lambda n=number: len(meeting(world, meeting_id).contributions) == 1 + n,
            what=f"private contribution {number}",
        )
        if person != others[-1]:
            settle(world)
            assert not [p for p in _thread_posts(world, root_ref) if "Privately:" in p]
            world.fake.wait_for(
                lambda p=person: _told(world, p, "Only you can see your contribution"),
                what="the private answer",
            )

    # 4: everyone due has written: revealed at once, the chair has not moved on
    world.fake.wait_for(
        lambda: [p for p in _thread_posts(world, root_ref) if "Privately:" in p], what="reveal"
    )
    finish(world)
    assert meeting(world, meeting_id).phase_index == held.phase_index
    [reveal] = [p for p in _thread_posts(world, root_ref) if "Privately:" in p]
    assert all(f"Privately: {person} would wait a day" in reveal for person in others)
    assert "In the thread: I would call the family" not in reveal  # in the thread already
    last = others[-1]
    assert _told(world, last, "Only you can see") == []  # no promise that is not kept
    assert _told(world, last, "your contribution is in the meeting's thread")


def test_slack_a_turned_away_case_owner_is_told_the_thread_is_visible(world: SlackWorld) -> None:
    ctx = world.app.ctx
    group_id = world.add_group()
    _group_method(ctx, group_id, "troika")
    ws, owner = world.workspace_id(), MEMBERS[1]
    meeting_id = _opened_at(ctx, ws, group_id, owner, FACILITATOR, phase="consultation")
    settle(world)
    root = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert root is not None and root.ref is not None

    world.reply(owner, "But I did ask for help!", root.ref)
    world.fake.wait_for(lambda: _told(world, owner, "back turned"), what="the answer")
    finish(world)
    [told] = _told(world, owner, "back turned")
    assert "stays visible to everyone in the channel" in told
    assert "the group does not see" not in told.lower()
    assert meeting(world, meeting_id).contributions == []


def _opened_at(ctx: object, ws: int, group_id: int, owner: str, lead: str, *, phase: str) -> int:
    """The group's meeting started, ``owner``'s case chosen, and on to ``phase``."""
    begun = meetings.start_meeting(ctx, actor=Actor(ws, lead), group_id=group_id)  # type: ignore[arg-type]
    meeting_id = begun.meeting.id or 0
    case = preparation.submit_case(
        ctx,  # type: ignore[arg-type]
        actor=Actor(ws, owner),
        group_id=group_id,
        title="Night shift",
        help_question="How do I say no?",
    )
    chair = Actor(ws, lead)
    meetings.choose_case(ctx, actor=chair, meeting_id=meeting_id, case_id=case.id or 0)  # type: ignore[arg-type]
    while True:
        held = meetings.advance_phase(ctx, actor=chair, meeting_id=meeting_id)  # type: ignore[arg-type]
        if held.phase is not None and held.phase.id == phase:
            return meeting_id
        assert held.phase is not None, f"no phase {phase!r}"


def _cards_since(teams: TeamsHarness, body: Any, calls: int) -> list[dict[str, Any]]:
    """The Adaptive Cards an invoke answered with, and those sent since call ``calls``."""
    shown = []
    if isinstance(body, dict) and body.get("type") == "application/vnd.microsoft.card.adaptive":
        shown.append(body["value"])
    for call in teams.connector.calls[calls:]:
        if isinstance(call.body, dict):
            shown += [item["content"] for item in call.body.get("attachments", [])]
    return shown


def _teams_told(teams: TeamsHarness, words: str) -> list[str]:
    return [
        json.dumps(c.body)
        for c in teams.connector.sent("POST")
        if c.path.startswith("/v3/conversations/a:personal-") and words in json.dumps(c.body)
    ]


def test_teams_write_first_is_public_in_the_thread_private_in_the_form_revealed_when_all_wrote(
    teams: TeamsHarness,
) -> None:
    _ws, _group_id, meeting_id, root_ref = _teams_opened(teams)
    held = teams.meeting()
    first, *others = held.current_round.order

    # 1: a thread reply is in the channel at once; it counts, and its author hears so
    body = teams.ok(
        teams.channel_message(
            first, "<at>Intervision</at> In the thread: I would call", root=root_ref
        )
    )
    teams.deliver()
    said = json.dumps(body) + json.dumps(_teams_told(teams, "visible to everyone"))
    assert "visible to everyone in the channel now" in said
    for person in others:
        calls = len(teams.connector.calls)
        value = {"value": a.meeting_value(meeting_id, held.position)}
        body = teams.ok(teams.card_action(person, a.MEETING_CONTRIBUTE, value, reply_to=root_ref))
        teams.deliver()
        [form] = [
            card
            for card in _cards_since(teams, body, calls)
            if any(x.get("verb") == a.FORM_CONTRIBUTE for x in card.get("actions", []))
        ]
        [submit] = [x for x in form["actions"] if x.get("verb") == a.FORM_CONTRIBUTE]
        data = {**submit["data"], a.INPUT_TEXT: f"Privately: {person} would wait a day"}
        answer = teams.ok(teams.card_action(person, a.FORM_CONTRIBUTE, data))
        teams.deliver()
        if person != others[-1]:
            assert "Only you can see your contribution" in json.dumps(answer)
            sent = json.dumps([c.body for c in teams.connector.sent("POST")])
            assert "Privately:" not in sent.replace(json.dumps(answer), "")

    # 4: everyone due has written: revealed at once, the chair has not moved on
    assert "Only you can see" not in json.dumps(answer)  # the last writer: no such promise
    now = teams.meeting()
    assert now.phase_index == held.phase_index
    thread = [
        json.dumps(c.body)
        for c in teams.connector.sent("POST")
        if c.path == f"/v3/conversations/{TEAMS_CHANNEL};messageid={root_ref}/activities"
    ]
    [reveal] = [p for p in thread if "Privately:" in p]
    for person in others:
        assert json.dumps(cards.escape(f"Privately: {person} would wait a day"))[1:-1] in reveal
    assert "In the thread: I would" not in reveal


def test_teams_a_turned_away_case_owner_is_told_the_thread_is_visible(
    teams: TeamsHarness,
) -> None:
    ctx = teams.app.ctx
    ws, group_id = _teams_group(teams)
    _group_method(ctx, group_id, "troika")
    meeting_id = _opened_at(ctx, ws, group_id, "aad-2", "aad-f", phase="consultation")
    teams.deliver()
    root = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert root is not None and root.ref is not None
    body = teams.ok(
        teams.channel_message("aad-2", "<at>Intervision</at> But I did ask!", root=root.ref)
    )
    teams.deliver()
    told = json.dumps(body) + json.dumps(_teams_told(teams, "back turned"))
    assert "stays visible to everyone in the channel" in told
    assert teams.meeting().contributions == []


# ---------------------------------------------------------------------------------------
# Situation 15: what cannot be undone is asked first. "End meeting" carries Slack's
# confirmation dialog and, in Teams (no dialog), opens a card with the question and the
# button that does it; calling a meeting off before its first phase is asked the same way.


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_slack_ending_or_calling_off_a_meeting_is_confirmed_first(world: SlackWorld) -> None:
    ctx = world.app.ctx
    group_id = world.add_group()
    world.command(FACILITATOR, "start")
    world.fake.wait_for(lambda: world.fake.history.get(CHANNEL), what="the meeting's message")
    settle(world)
    [call_off] = [b for b in _walk(latest_card(world)) if b.get("action_id") == a.MEETING_CANCEL]
    assert call_off["confirm"]["title"]["text"] == "Call off this meeting?"
    assert call_off["confirm"]["deny"]["text"] == "Go back"

    # Slack shows the dialog; what reaches us is the click after "Call off the meeting"
    root = queries.meeting_post(ctx, meeting_id=_current(world, group_id))
    assert root is not None and root.ref is not None
    world.click(FACILITATOR, a.MEETING_CANCEL, call_off["value"], root.ref)
    world.fake.wait_for(
        lambda: [p for p in _thread_posts(world, root.ref) if "called off" in p], what="called off"
    )
    finish(world)
    with ctx.uow() as uow:
        [cancelled] = uow.meetings.for_group(group_id)
    assert cancelled.state.value == "cancelled"

    meeting_id = _opened(ctx, world.workspace_id(), group_id, MEMBERS, FACILITATOR)
    settle(world)
    card = _newest_card(world)
    [end] = [b for b in _walk(card) if b.get("action_id") == a.MEETING_CLOSE]
    assert end["confirm"]["title"]["text"] == "Close this meeting?"
    assert not [b for b in _walk(card) if b.get("action_id") == a.MEETING_CANCEL]
    assert meeting(world, meeting_id).state.value == "in_phase"


def _newest_card(world: SlackWorld) -> list[dict[str, Any]]:
    """The blocks of the newest meeting message in the channel: posted, or updated."""
    cards = [
        c
        for c in world.fake.calls
        if c.method == "chat.update"
        or (
            c.method == "chat.postMessage"
            and c.args.get("channel") == CHANNEL
            and not c.args.get("thread_ts")
        )
    ]
    blocks: list[dict[str, Any]] = cards[-1].args["blocks"]
    return blocks


def _current(world: SlackWorld, group_id: int) -> int:
    with world.app.ctx.uow() as uow:
        current = uow.meetings.current(group_id)
    assert current is not None and current.id is not None
    return current.id


def test_teams_ending_or_calling_off_a_meeting_opens_the_question_first(
    teams: TeamsHarness,
) -> None:
    ctx = teams.app.ctx
    ws, group_id = _teams_group(teams)
    meeting_id = _opened(ctx, ws, group_id, TEAMS_PEOPLE, "aad-f")
    teams.deliver()
    posted = [c.body for c in teams.connector.calls if "End meeting" in json.dumps(c.body)]
    shown = [
        action
        for action in _walk(posted[-1])
        if action.get("type") == "Action.ShowCard" and action.get("title") == "End meeting"
    ]
    assert shown, "End meeting asks first"
    [question] = shown
    [does_it] = question["card"]["actions"]
    assert does_it["verb"] == a.MEETING_CLOSE and does_it["title"] == "Close the meeting"
    assert "cannot be reopened" in json.dumps(question["card"]["body"])
    closing = [x for x in _walk(posted[-1]) if x.get("verb") == a.MEETING_CLOSE]
    assert closing == [does_it]  # only behind the question
    root = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert root is not None and root.ref is not None
    teams.ok(teams.card_action("aad-f", a.MEETING_CLOSE, does_it["data"], reply_to=root.ref))
    teams.deliver()
    assert teams.meeting().state.value == "evaluated"


def _states(teams: TeamsHarness, group_id: int) -> list[str]:
    with teams.app.ctx.uow() as uow:
        return [m.state.value for m in uow.meetings.for_group(group_id)]


def test_teams_calling_off_a_meeting_opens_the_question_first(teams: TeamsHarness) -> None:
    ctx = teams.app.ctx
    ws, group_id = _teams_group(teams)
    meetings.start_meeting(ctx, actor=Actor(ws, "aad-f"), group_id=group_id)
    teams.deliver()
    posted = [c.body for c in teams.connector.calls if "Call off" in json.dumps(c.body)]
    [question] = [
        x
        for x in _walk(posted[-1])
        if x.get("type") == "Action.ShowCard" and x.get("title") == "Call off"
    ]
    [does_it] = question["card"]["actions"]
    assert does_it["verb"] == a.MEETING_CANCEL and does_it["title"] == "Call off the meeting"
    assert "Call off this meeting?" in json.dumps(question["card"]["body"])
    assert [x for x in _walk(posted[-1]) if x.get("verb") == a.MEETING_CANCEL] == [does_it]
    root = queries.meeting_post(ctx, meeting_id=teams.meeting().id)
    assert root is not None and root.ref is not None
    teams.ok(teams.card_action("aad-f", a.MEETING_CANCEL, does_it["data"], reply_to=root.ref))
    assert _states(teams, group_id) == ["cancelled"]


# ---------------------------------------------------------------------------------------
# Situation 9 on Teams: the app was removed from the team (the Bot Connector answers 403):
# the start is told to who started it and the facilitator, undone, and posts once the app
# is back; nothing is retried in vain.


def test_teams_start_in_a_channel_closed_to_the_app_is_told_and_undone(
    teams: TeamsHarness,
) -> None:
    ctx = teams.app.ctx
    _, group_id = _teams_group(teams)
    teams.deliver()
    teams.connector.fail_next = [(403, {})]  # the roster: the app is not in the team
    before = len(teams.connector.calls)
    teams.ok(teams.channel_message("aad-1", "<at>Intervision</at> start"))

    told = _teams_told(teams, "could not start the meeting")
    assert len(told) == 2  # who started it, and the facilitator
    assert all("Teams: add the app to the team" in t for t in told)
    assert _states(teams, group_id) == ["planned"]
    asked = [c for c in teams.connector.calls[before:] if c.path.endswith("/members")]
    assert len(asked) == 1  # asked once, not again and again
    assert not [
        c
        for c in teams.connector.calls[before:]
        if c.method == "POST" and c.path.startswith(f"/v3/conversations/{TEAMS_CHANNEL}")
    ]

    teams.ok(teams.channel_message("aad-1", "<at>Intervision</at> start"))  # the app is back
    assert _states(teams, group_id) == ["open_for_cases"]
    assert queries.meeting_post(ctx, meeting_id=teams.meeting().id) is not None


def test_teams_an_edit_that_changes_nothing_is_no_edit_and_no_refusal(
    teams: TeamsHarness,
) -> None:
    ctx = teams.app.ctx
    ws, _group_id, meeting_id, root_ref = _teams_opened(teams)
    author = teams.meeting().current_round.order[0]
    said = "<at>Intervision</at> I would ask <b>the protocol</b> first"
    reply = teams.channel_message(author, said, root=root_ref)
    teams.ok(reply)
    meetings.advance_phase(ctx, actor=Actor(ws, "aad-f"), meeting_id=meeting_id)
    before = len(teams.connector.calls)

    teams.ok(teams.edit(author, reply["id"], said, root=root_ref))  # nothing changed

    refused = [
        c
        for c in teams.connector.calls[before:]
        if "can no longer be changed" in json.dumps(c.body)
    ]
    assert refused == []
    [stored] = teams.meeting().contributions
    assert (stored.text, stored.history) == ("I would ask the protocol first", [])


def test_slack_a_write_first_round_is_revealed_once_everyone_due_has_written_or_passed(
    world: SlackWorld,
) -> None:
    meeting_id, root_ref = _slack_opened(world)
    held = meeting(world, meeting_id)
    assert held.current_round is not None
    *writers, passer = held.current_round.order
    for person in writers:  # written privately, through the form the card's button opens
        opened = len(world.fake.of("views.open"))
        world.click(
            person, a.MEETING_CONTRIBUTE, a.meeting_value(meeting_id, held.position), root_ref
        )
        world.fake.wait_for(lambda n=opened: len(world.fake.of("views.open")) > n, what="form")
        form = world.opened_view(a.FORM_CONTRIBUTE)
        world.submit(person, form, {a.INPUT_TEXT: f"Privately: {person} would wait"})
    world.fake.wait_for(
        lambda: len(meeting(world, meeting_id).contributions) == len(writers), what="writes"
    )
    settle(world)
    assert not [p for p in _thread_posts(world, root_ref) if "Privately:" in p]

    world.click(passer, a.MEETING_PASS, a.meeting_value(meeting_id, held.position), root_ref)
    world.fake.wait_for(
        lambda: [p for p in _thread_posts(world, root_ref) if "Privately:" in p], what="reveal"
    )
    finish(world)
    assert meeting(world, meeting_id).phase_index == held.phase_index  # the chair did nothing
    [reveal] = [p for p in _thread_posts(world, root_ref) if "Privately:" in p]
    assert all(f"Privately: {person} would wait" in reveal for person in writers)


# ---------------------------------------------------------------------------------------
# Situation 9, the whole kind on Slack: the channel archived, or the app still not in it
# after joining it: the start is told (in the group's language) and undone, not retried.


@pytest.mark.parametrize(
    ("error", "failures", "locale", "told"),
    [
        ("is_archived", 1, "en", "could not start the meeting"),
        ("not_in_channel", 2, "nl", "kon de bijeenkomst van intervisiegroep"),
    ],
)
def test_slack_a_start_the_channel_refuses_for_good_is_told_and_undone(
    world: SlackWorld, error: str, failures: int, locale: str, told: str
) -> None:
    group_id = world.add_group(locale=locale)
    settle(world)
    for _ in range(failures):  # not_in_channel: the post, and again after joining
        world.fake.fail_next("chat.postMessage", error)

    world.command(FACILITATOR, "start")
    world.fake.wait_for(lambda: _notices(world, FACILITATOR, told), what="the notice")
    finish(world)
    [notice] = _notices(world, FACILITATOR, told)
    assert error in notice
    posts = [c for c in world.fake.of("chat.postMessage") if c.args["channel"] == CHANNEL]
    assert len(posts) == failures  # never retried in vain
    if error == "not_in_channel":
        assert len(world.fake.of("conversations.join")) == 1
    with world.app.ctx.uow() as uow:
        [planned] = uow.meetings.for_group(group_id)
    assert planned.state.value == "planned"


def _elsewhere(activity: dict[str, Any], conversation: str, kind: str) -> dict[str, Any]:
    """``activity`` as sent in another conversation: a group chat, or another channel."""
    activity["conversation"].update(id=conversation, conversationType=kind)
    data = activity["channelData"]
    if kind == "channel":
        data.update(teamsChannelId=conversation, channel={"id": conversation})
    else:
        for key in ("teamsChannelId", "teamsTeamId", "channel", "team"):
            data.pop(key, None)
    return activity


@pytest.mark.parametrize(
    ("conversation", "kind", "answer"),
    [
        ("19:chat-of-three@thread.v2", "groupChat", "takes place in its group"),
        ("19:another-channel@thread.tacv2", "channel", "no intervision group in this channel"),
    ],
)
def test_teams_start_in_a_chat_or_a_channel_without_a_group_is_answered_and_starts_nothing(
    teams: TeamsHarness, conversation: str, kind: str, answer: str
) -> None:
    _, group_id = _teams_group(teams)
    teams.deliver()
    before = len(teams.connector.calls)
    activity = teams.channel_message("aad-1", "<at>Intervision</at> start")
    body = teams.ok(_elsewhere(activity, conversation, kind))
    teams.deliver()

    said = json.dumps(body) + json.dumps([c.body for c in teams.connector.calls[before:]])
    assert answer in said
    assert all(TEAMS_CHANNEL not in c.path for c in teams.connector.calls[before:])
    with teams.app.ctx.uow() as uow:
        assert uow.meetings.for_group(group_id) == []


def test_slack_start_in_a_group_direct_message_is_answered_there_and_starts_nothing(
    world: SlackWorld,
) -> None:
    group_id = world.add_group()
    settle(world)
    before = len(_answers(world))
    status, body = world.command(MEMBERS[0], "start", channel="G0MPIM00001")  # a group DM
    assert status == 200
    world.fake.wait_for(
        lambda: len(_answers(world)) > before or b"no intervision group" in body,
        what="the answer",
    )
    finish(world)
    said = body.decode() + "".join(_answers(world)[before:])
    assert "no intervision group in this channel" in said
    assert not [c for c in world.fake.of("chat.postMessage") if c.args["channel"] == CHANNEL]
    with world.app.ctx.uow() as uow:
        assert uow.meetings.for_group(group_id) == []
