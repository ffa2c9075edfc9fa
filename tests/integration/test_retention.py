"""Retention on SQLite and PostgreSQL: the texts of a finished meeting go the day its
retention ends, once; the report, the statistics and the rounds stay; every purge is in
the audit trail; the server's job does it by itself."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from core.domain.case import CaseStatus
from core.domain.meeting import MeetingState
from core.domain.privacy import SYSTEM, AuditAction, TextRemoval
from core.jobs.outbox_worker import Claimed, mark_delivered, run_once
from core.jobs.retention import RetentionJob
from core.services import groups, meetings, preparation, privacy, queries
from core.services.notify import reply_to
from core.services.retention import purge_expired
from core.storage.tables import outbox
from core.views.meeting import meeting_card, revealed
from core.views.report import meeting_report
from tests.support.factories import FACILITATOR
from tests.support.privacy import DAY, OWNER, QUESTION, TITLE, Place, place, statistics, words

DAYS = 30


def audit_of(where: Place) -> list[privacy.AuditLine]:
    return privacy.audit_trail(where.ctx, workspace_id=where.workspace_id, limit=100)


def test_texts_go_the_day_their_retention_ends_not_a_second_before(engine: Engine) -> None:
    here = place(engine)
    held = here.hold(here.group())
    assert held.ended_at == here.clock.now() and held.contributions
    here.later(days=DAYS, seconds=-1)

    early = purge_expired(here.ctx, default_days=DAYS)

    assert (early.rows, early.more_due, early.purged) == (0, False, ())
    assert here.meeting(held.id or 0).contributions == held.contributions
    assert audit_of(here) == []

    here.later(seconds=1)
    run = purge_expired(here.ctx, default_days=DAYS)

    assert run.more_due is False
    [done] = run.purged
    said = len(held.contributions)
    assert done.counts == {"meetings": 1, "contributions": said, "cases": 1, "outbox": 0}
    purged = here.meeting(held.id or 0)
    removal = TextRemoval(at=here.clock.now(), after_days=DAYS)
    assert {(c.text, c.removed) for c in purged.contributions} == {("", removal)}
    with here.ctx.uow() as uow:
        case = uow.cases.get(held.case_id or 0)
    assert (case.title, case.help_question, case.description) == ("", "", "")
    assert (case.removed, case.owner, case.status) == (removal, OWNER, CaseStatus.DISCUSSED)
    [entry] = audit_of(here)
    assert (entry.entry.action, entry.entry.requested_by, entry.entry.person) == (
        AuditAction.PURGE,
        SYSTEM,
        None,
    )
    assert entry.entry.rows == said + 1
    assert entry.entry.detail == {"meetings": 1, "contributions": said, "cases": 1}
    assert (entry.workspace.external_id, entry.entry.at) == ("T1", here.clock.now())

    here.later(days=1)
    again = purge_expired(here.ctx, default_days=DAYS)
    assert (again.rows, again.purged) == (0, ())
    assert len(audit_of(here)) == 1
    assert here.meeting(held.id or 0).contributions == purged.contributions  # first mark kept


@pytest.mark.parametrize(
    ("locale", "marker"), [("en", "removed after 30 days"), ("nl", "verwijderd na 30 dagen")]
)
def test_the_report_numbers_and_rounds_stay_and_screens_say_what_was_removed(
    engine: Engine, locale: str, marker: str
) -> None:
    here = place(engine)
    group_id = here.group(locale=locale)
    held = here.hold(group_id)
    health = queries.group_health(here.ctx, actor=None, group_id=group_id)
    before = statistics(held)
    snapshot = queries.meeting_snapshot(here.ctx, meeting_id=held.id or 0, viewer=None)
    report = words(meeting_report(snapshot))
    assert TITLE in report and QUESTION in report and "takeaway by U_M2?" in report
    here.later(days=DAYS)

    purge_expired(here.ctx, default_days=DAYS)

    purged = here.meeting(held.id or 0)
    assert statistics(purged) == before
    assert [c.author for c in purged.contributions] == [c.author for c in held.contributions]
    assert queries.group_health(here.ctx, actor=None, group_id=group_id) == health
    after = queries.meeting_snapshot(here.ctx, meeting_id=held.id or 0, viewer=None)
    screens = {
        "report": words(meeting_report(after)),
        "card": words(meeting_card(after, now=here.clock.now())),
        "revealed": words(revealed(after, 3)),  # the incident method's write-first round
    }
    for name, text in screens.items():
        assert marker in text, name
        assert TITLE not in text and QUESTION not in text and " by U_M" not in text, name
    assert f"@{OWNER}" in screens["card"]  # who brought it is no text: it stays
    average = before["rating"]
    assert f"{average} / 5" in screens["report"]


def test_a_workspace_keeps_texts_for_its_own_number_of_days(engine: Engine) -> None:
    short = place(engine, external_id="T_SHORT")
    default = place(engine, external_id="T_LONG", clock=short.clock)
    groups.configure_workspace(short.ctx, actor=short.admin, retention_days=7)
    held_short = short.hold(short.group())
    held_default = default.hold(default.group())
    short.later(days=7)

    run = purge_expired(short.ctx, default_days=DAYS)

    assert [(p.workspace_id, p.days) for p in run.purged] == [(short.workspace_id, 7)]
    assert {c.text for c in short.meeting(held_short.id or 0).contributions} == {""}
    assert "" not in {c.text for c in default.meeting(held_default.id or 0).contributions}
    assert (
        queries.workspace_settings(short.ctx, workspace_id=short.workspace_id).retention_days == 7
    )
    assert audit_of(default) == []


def test_each_run_is_bounded_and_a_backlog_goes_in_several(engine: Engine) -> None:
    here = place(engine)
    group_id = here.group()
    held = [here.hold(group_id) for _ in range(3)]
    here.later(days=DAYS)

    first = purge_expired(here.ctx, default_days=DAYS, limit=2)
    second = purge_expired(here.ctx, default_days=DAYS, limit=2)
    third = purge_expired(here.ctx, default_days=DAYS, limit=2)

    assert [p.counts["meetings"] for p in first.purged] == [2] and first.more_due
    assert [p.counts["meetings"] for p in second.purged] == [1] and not second.more_due
    assert third.purged == () and not third.more_due
    for meeting in held:
        assert {c.text for c in here.meeting(meeting.id or 0).contributions} == {""}
    assert len(audit_of(here)) == 2


def test_evaluated_never_reported_is_purged_under_way_and_cancelled_keep_theirs(
    engine: Engine,
) -> None:
    here = place(engine)
    lead = here.actor(FACILITATOR)
    evaluated = here.hold(here.group(name="Evaluated"), report=False)
    assert evaluated.state is MeetingState.EVALUATED
    under_way_group = here.group(name="Under way")
    running = meetings.start_meeting(here.ctx, actor=lead, group_id=under_way_group).meeting
    cancelled_group = here.group(name="Cancelled")
    parked = preparation.submit_case(
        here.ctx, actor=here.actor(OWNER), group_id=cancelled_group, title=TITLE, help_question="?"
    )
    planned = meetings.schedule_meeting(
        here.ctx, actor=lead, group_id=cancelled_group, at=here.clock.now() + DAY
    )
    meetings.choose_case(here.ctx, actor=lead, meeting_id=planned.id or 0, case_id=parked.id or 0)
    meetings.cancel_meeting(here.ctx, actor=lead, meeting_id=planned.id or 0)
    here.later(days=DAYS * 10)

    run = purge_expired(here.ctx, default_days=DAYS)

    assert [p.counts["meetings"] for p in run.purged] == [1]
    assert {c.text for c in here.meeting(evaluated.id or 0).contributions} == {""}
    assert here.meeting(running.id or 0).state is MeetingState.OPEN_FOR_CASES
    with here.ctx.uow() as uow:
        released = uow.cases.get(parked.id or 0)
    assert (released.title, released.status, released.removed) == (TITLE, CaseStatus.PARKED, None)
    reported = meetings.publish_report(here.ctx, actor=lead, meeting_id=evaluated.id or 0)
    snapshot = queries.meeting_snapshot(here.ctx, meeting_id=reported.id or 0, viewer=None)
    assert "removed after 30 days" in words(meeting_report(snapshot))


def test_delivered_outbox_rows_past_retention_go_pending_ones_stay(engine: Engine) -> None:
    here = place(engine)
    here.hold(here.group())

    def deliver(item: Claimed) -> None:
        mark_delivered(engine, item.id, here.clock.now())

    delivered = 0
    while run := run_once(engine, deliver, now=here.clock.now(), limit=1000).delivered:
        delivered += run  # a meeting's rows go one at a time, in order
    assert delivered > 0
    with here.ctx.uow() as uow:
        reply = {"locale": "en", "notices": [{"key": "case.submitted", "params": {"title": TITLE}}]}
        reply_to(
            uow,
            workspace_id=here.workspace_id,
            person=OWNER,
            reply=reply,
            channel=None,
            invoked_as="",
            now=here.clock.now(),
        )
        uow.commit()
    here.later(days=DAYS)

    [done] = purge_expired(here.ctx, default_days=DAYS).purged

    assert done.counts["outbox"] == delivered
    with engine.connect() as connection:
        left = connection.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status))
        assert dict(left.all()) == {"pending": 1}


def test_the_server_job_purges_by_itself_and_stops(engine: Engine) -> None:
    here = place(engine)
    held = here.hold(here.group())
    here.later(days=DAYS + 1)
    job = RetentionJob(here.ctx, default_days=DAYS)

    job.start()
    try:
        deadline = time.monotonic() + 20
        while not audit_of(here) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        job.stop()

    assert [line.entry.action for line in audit_of(here)] == [AuditAction.PURGE]
    assert {c.text for c in here.meeting(held.id or 0).contributions} == {""}
    assert not job.running


def test_the_purge_waits_for_a_meeting_that_ends_later(engine: Engine) -> None:
    here = place(engine)
    first = here.hold(here.group(name="First"))
    here.later(days=10)
    second = here.hold(here.group(name="Second"))
    here.later(days=DAYS - 10)

    purge_expired(here.ctx, default_days=DAYS)

    assert {c.text for c in here.meeting(first.id or 0).contributions} == {""}
    assert "" not in {c.text for c in here.meeting(second.id or 0).contributions}
    assert second.ended_at == first.ended_at + timedelta(days=10)  # type: ignore[operator]
