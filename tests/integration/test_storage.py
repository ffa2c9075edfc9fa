"""core.storage on SQLite and PostgreSQL: every aggregate round-trips, transactions hold,
optimistic locking refuses the second of two concurrent changes, and the migrations
create exactly the tables of ``core.storage.tables``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import StatementError

from core.domain.case import Case, CaseStatus
from core.domain.common import Platform
from core.domain.errors import ConcurrentChange, NotFound
from core.domain.goals import Criterion, LearningGoal
from core.domain.group import Cadence, Group, Mode
from core.domain.meeting import Meeting, MeetingState
from core.domain.method import ContributionKind
from core.domain.round import RoundStatus
from core.domain.tasks import PreparationTask, TaskKind, TaskStatus
from core.domain.workspace import Workspace
from core.jobs.outbox_worker import pending_count
from core.services.ports import Notification
from core.storage.engine import make_engine
from core.storage.migrate import alembic_config, current_revision, upgrade
from core.storage.tables import inbound_events, metadata, outbox, workspaces
from core.storage.uow import SqlUnitOfWork
from tests.support.methods import SAMPLE

UowFactory = Callable[[], SqlUnitOfWork]
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FACILITATOR = "U_FACIL"
MEMBERS = ["U_ZOE", "U_ANNA", "U_MO", "U_BEA"]  # deliberately not sorted
OWNER = "U_ANNA"


def dump(model: Workspace | Group | Meeting | Case | LearningGoal | PreparationTask) -> object:
    return model.model_dump()


def add_group(uow_factory: UowFactory, *, channel: str = "C_GROUP") -> Group:
    with uow_factory() as uow:
        workspace = uow.workspaces.find(Platform.SLACK, "T1") or uow.workspaces.add(
            Workspace(platform=Platform.SLACK, external_id="T1")
        )
        assert workspace.id is not None
        group = uow.groups.add(
            Group.create(
                workspace_id=workspace.id,
                name="Ward 5 peers",
                channel=channel,
                members=MEMBERS,
                facilitator=FACILITATOR,
                managers=["U_BOSS", "U_ADMIN"],
                method_id=SAMPLE.id,
            )
        )
        uow.commit()
        return group


def add_meeting(uow_factory: UowFactory, group: Group, *, at: datetime = NOW) -> Meeting:
    assert group.id is not None
    with uow_factory() as uow:
        meeting = uow.meetings.add(
            Meeting.schedule(
                group_id=group.id,
                sequence=uow.meetings.next_sequence(group.id),
                method=SAMPLE,
                at=at,
            )
        )
        uow.commit()
        return meeting


def save_and_reload(uow_factory: UowFactory, meeting: Meeting) -> Meeting:
    """Save, commit, and load it again in a fresh unit of work; it must be equal."""
    assert meeting.id is not None
    version = meeting.version
    with uow_factory() as uow:
        uow.meetings.save(meeting)
        uow.commit()
    assert meeting.version == version + 1
    with uow_factory() as uow:
        loaded = uow.meetings.get(meeting.id)
    assert dump(loaded) == dump(meeting)
    assert loaded.events == ()
    return loaded


# ------------------------------------------------------------------ round trips


def test_workspace_round_trip(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        added = uow.workspaces.add(
            Workspace(
                platform=Platform.TEAMS,
                external_id="tenant-1",
                locale="en",
                time_zone="Europe/Brussels",
                managers_channel="19:abc@thread.tacv2",
                managers=["aad-2", "aad-1"],
            )
        )
        uow.commit()
    assert added.id is not None
    with uow_factory() as uow:
        loaded = uow.workspaces.get(added.id)
        assert dump(loaded) == dump(added)
        assert uow.workspaces.find(Platform.TEAMS, "tenant-1") == loaded
        assert uow.workspaces.find(Platform.SLACK, "tenant-1") is None
        loaded.name_manager("aad-3")
        uow.workspaces.save(loaded)
        uow.commit()
    with uow_factory() as uow:
        assert uow.workspaces.get(added.id).managers == ["aad-2", "aad-1", "aad-3"]
        with pytest.raises(NotFound) as missing:
            uow.workspaces.get(added.id + 100)
    assert missing.value.key == "workspace.not_found"


def test_group_round_trip_keeps_member_order(uow_factory: UowFactory) -> None:
    group = add_group(uow_factory)
    assert group.id is not None and group.version == 0
    with uow_factory() as uow:
        loaded = uow.groups.get(group.id)
        assert dump(loaded) == dump(group)
        assert loaded.members == MEMBERS
        assert loaded.managers == ["U_BOSS", "U_ADMIN"]
        assert uow.groups.by_channel(group.workspace_id, "C_GROUP") == loaded
        assert uow.groups.by_channel(group.workspace_id, "C_OTHER") is None
        assert [g.id for g in uow.groups.list()] == [group.id]
        assert uow.groups.list(group.workspace_id + 1) == []
        for person in ("U_MO", FACILITATOR, "U_BOSS"):
            assert [g.id for g in uow.groups.for_person(group.workspace_id, person)] == [group.id]
        assert uow.groups.for_person(group.workspace_id, "U_STRANGER") == []

        loaded.remove_member("U_ZOE")
        loaded.add_member("U_AARON")
        loaded.add_member("U_ZOE")
        loaded.set_facilitator("U_NEW_FACIL")
        loaded.cadence, loaded.mode, loaded.ground_rules = (
            Cadence.WEEKLY,
            Mode.ASYNC,
            "Vertrouwelijk",
        )
        uow.groups.save(loaded)
        uow.commit()
    assert loaded.version == 1
    with uow_factory() as uow:
        again = uow.groups.get(group.id)
        assert dump(again) == dump(loaded)
        assert again.members == ["U_ANNA", "U_MO", "U_BEA", "U_AARON", "U_ZOE"]
        with pytest.raises(NotFound) as missing:
            uow.groups.get(group.id + 100)
    assert missing.value.key == "group.not_found"


def test_meeting_round_trip_from_schedule_to_evaluated(uow_factory: UowFactory) -> None:
    group = add_group(uow_factory)
    meeting = add_meeting(uow_factory, group)
    assert meeting.id is not None
    with uow_factory() as uow:
        assert dump(uow.meetings.get(meeting.id)) == dump(meeting)

    meeting.choose_case(case_id=7, owner=OWNER)
    meeting = save_and_reload(uow_factory, meeting)
    later = NOW + timedelta(minutes=1)
    meeting.start(participants=MEMBERS, chair=FACILITATOR, method=SAMPLE, now=later)
    assert meeting.state is MeetingState.CASE_CHOSEN
    meeting = save_and_reload(uow_factory, meeting)
    assert meeting.skipped_steps == ["open_for_cases"]
    assert meeting.phases == list(SAMPLE.all_phases)

    meeting.advance(now=later)  # sketch: the case owner tells
    meeting.contribute(person=OWNER, text="What happened on the night shift", now=later)
    meeting = save_and_reload(uow_factory, meeting)

    meeting.advance(now=later)  # questions, with an edit and an answer
    asked = meeting.contribute(person="U_MO", text="What did you do next?", now=later)
    meeting.contribute(person=OWNER, text="I called the doctor", now=later, source_ref="ts.1")
    meeting.contribute(person="U_BEA", text="Who was there?", now=later)
    meeting.pass_turn(person="U_ZOE")
    meeting = save_and_reload(uow_factory, meeting)
    meeting.edit_contribution(
        contribution_id=asked.id, person="U_MO", text="What did you do right after?", now=later
    )
    meeting = save_and_reload(uow_factory, meeting)
    edited = meeting.contribution(asked.id)
    assert edited.text == "What did you do right after?"
    assert [e.text for e in edited.history] == ["What did you do next?"]
    assert meeting.contribution_by_source("ts.1") is not None

    meeting.advance(now=later)  # gossip: free round
    meeting.contribute(person="U_ZOE", text="Maybe she felt alone", now=later)
    meeting.advance(now=later)  # positions: write first, hidden until the round closes
    meeting.contribute(person="U_ZOE", text="Ask for a debrief", now=later)
    meeting.contribute(person="U_MO", text="Talk to the team lead", now=later)
    meeting = save_and_reload(uow_factory, meeting)
    hidden = meeting.contributions_in(meeting.phase_index or 0)
    assert hidden == []
    meeting.pause(now=later)
    meeting = save_and_reload(uow_factory, meeting)
    meeting.resume(now=later + timedelta(minutes=2))
    meeting.advance(now=later)  # summary; the positions are revealed
    assert all(c.revealed for c in meeting.contributions)
    meeting.contribute(person=FACILITATOR, text="We saw two patterns", now=later)
    meeting = save_and_reload(uow_factory, meeting)

    meeting.advance(now=later)  # takeaway
    meeting.contribute(person=OWNER, text="I will ask for a debrief", now=later)
    meeting.advance(now=later)  # evaluation
    assert meeting.state is MeetingState.CLOSING
    for person, score in zip(MEMBERS, ("4", "5 - good", "3/5", "4"), strict=True):
        meeting.contribute(person=person, text=score, now=later)
    meeting = save_and_reload(uow_factory, meeting)
    meeting.advance(now=later + timedelta(minutes=70))
    assert meeting.state is MeetingState.EVALUATED
    meeting = save_and_reload(uow_factory, meeting)

    assert meeting.average_rating() == 4.0
    assert meeting.ended_at == later + timedelta(minutes=70)
    assert meeting.ended_at is not None and meeting.ended_at.tzinfo is not None
    assert [r.status for r in meeting.rounds][:2] == [RoundStatus.COMPLETE, RoundStatus.COMPLETE]
    kinds = [c.kind for c in meeting.contributions]
    assert kinds.count(ContributionKind.RATING) == 4
    assert ContributionKind.ANSWER in kinds
    assert len(meeting.contributions) == 13
    assert all(c.meeting_id == meeting.id for c in meeting.contributions)


def test_meeting_current_and_next_sequence(uow_factory: UowFactory) -> None:
    group = add_group(uow_factory)
    assert group.id is not None
    with uow_factory() as uow:
        assert uow.meetings.current(group.id) is None
        assert uow.meetings.next_sequence(group.id) == 0
    late = add_meeting(uow_factory, group, at=NOW + timedelta(days=14))
    early = add_meeting(uow_factory, group, at=NOW + timedelta(days=7))
    with uow_factory() as uow:
        assert uow.meetings.next_sequence(group.id) == 2
        current = uow.meetings.current(group.id)
        assert current is not None and current.id == early.id
        assert [m.id for m in uow.meetings.for_group(group.id)] == [late.id, early.id]
        late.start(participants=MEMBERS, chair=FACILITATOR, method=SAMPLE, now=NOW)
        uow.meetings.save(late)
        uow.commit()
    with uow_factory() as uow:
        running = uow.meetings.current(group.id)
        assert running is not None and running.id == late.id
        assert running.state is MeetingState.OPEN_FOR_CASES
        with pytest.raises(NotFound) as missing:
            uow.meetings.get((late.id or 0) + 100)
    assert missing.value.key == "meeting.not_found"


def test_case_round_trip(uow_factory: UowFactory) -> None:
    group = add_group(uow_factory)
    meeting = add_meeting(uow_factory, group)
    assert group.id is not None and meeting.id is not None
    with uow_factory() as uow:
        case = uow.cases.add(
            Case.submit(
                group_id=group.id,
                owner=OWNER,
                title="A difficult night",
                help_question="How do I keep calm?",
                description="Long story",
                consent_to_report=True,
                now=NOW,
            )
        )
        uow.cases.add(
            Case.submit(
                group_id=group.id,
                owner="U_MO",
                title="Another",
                help_question="What now?",
                description="",
                consent_to_report=False,
                now=NOW,
            )
        )
        uow.commit()
    assert case.id is not None
    with uow_factory() as uow:
        loaded = uow.cases.get(case.id)
        assert dump(loaded) == dump(case)
        loaded.choose(meeting.id)
        uow.cases.save(loaded)
        uow.commit()
    with uow_factory() as uow:
        again = uow.cases.get(case.id)
        assert again.status is CaseStatus.CHOSEN and again.meeting_id == meeting.id
        assert [c.owner for c in uow.cases.for_group(group.id)] == [OWNER, "U_MO"]
        chosen = uow.cases.for_group(group.id, (CaseStatus.CHOSEN,))
        assert [c.id for c in chosen] == [case.id]
        with pytest.raises(NotFound) as missing:
            uow.cases.get(case.id + 100)
    assert missing.value.key == "case.not_found"


def test_goal_round_trip(uow_factory: UowFactory) -> None:
    group = add_group(uow_factory)
    assert group.id is not None
    goal = LearningGoal.write(
        group_id=group.id,
        person="U_MO",
        text="Ask one open question in every handover",
        where_and_when="At the morning handover",
        deadline=date(2027, 3, 1),
        ticked=[Criterion.POSITIVE, Criterion.OWN_CONTROL],
        now=NOW,
    )
    with uow_factory() as uow:
        uow.goals.add(goal)
        uow.commit()
    with uow_factory() as uow:
        loaded = uow.goals.get(goal.id)
        assert dump(loaded) == dump(goal)
        ws = group.workspace_id
        assert [g.id for g in uow.goals.for_person(ws, "U_MO")] == [goal.id]
        assert [g.id for g in uow.goals.for_person(ws, "U_MO", group.id)] == [goal.id]
        assert uow.goals.for_person(ws, "U_MO", group.id + 1) == []
        assert uow.goals.for_person(ws + 1, "U_MO") == []  # the same ref elsewhere is not them
        loaded.revise(
            editor="U_MO",
            text="Ask two open questions",
            where_and_when="",
            deadline=None,
            ticked=[Criterion.MOTIVATING],
            now=NOW + timedelta(days=1),
        )
        uow.goals.save(loaded)
        uow.commit()
    with uow_factory() as uow:
        assert dump(uow.goals.get(goal.id)) == dump(loaded)
        with pytest.raises(NotFound) as missing:
            uow.goals.get("nope")
    assert missing.value.key == "goal.not_found"


def test_task_round_trip(uow_factory: UowFactory) -> None:
    group = add_group(uow_factory)
    meeting = add_meeting(uow_factory, group)
    assert meeting.id is not None
    tasks = [
        PreparationTask.for_meeting(
            meeting_id=meeting.id, person="U_MO", kind=kind, meeting_at=meeting.scheduled_at
        )
        for kind in TaskKind
    ]
    with uow_factory() as uow:
        for task in tasks:
            uow.tasks.add(task)
        uow.commit()
    by_due = sorted(tasks, key=lambda t: t.due_at)
    with uow_factory() as uow:
        ws = group.workspace_id
        assert [dump(t) for t in uow.tasks.for_person(ws, "U_MO")] == [dump(t) for t in by_due]
        assert uow.tasks.for_person(ws + 1, "U_MO") == []  # the same ref elsewhere is not them
        assert len(uow.tasks.for_meeting(meeting.id)) == len(TaskKind)
        first = uow.tasks.get(by_due[0].id)
        assert first.offset == timedelta(days=-14)  # the intake
        first.complete("U_MO")
        uow.tasks.save(first)
        uow.commit()
    with uow_factory() as uow:
        assert uow.tasks.get(first.id).status is TaskStatus.DONE
        ws = group.workspace_id
        assert len(uow.tasks.for_person(ws, "U_MO")) == len(TaskKind) - 1
        assert len(uow.tasks.for_person(ws, "U_MO", open_only=False)) == len(TaskKind)
        with pytest.raises(NotFound) as missing:
            uow.tasks.get("nope")
    assert missing.value.key == "task.not_found"


# ------------------------------------------------------------------ transactions


def test_rollback_without_commit_stores_nothing(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.workspaces.add(Workspace(platform=Platform.SLACK, external_id="T_GONE"))
    with uow_factory() as uow:
        uow.workspaces.add(Workspace(platform=Platform.SLACK, external_id="T_ROLLED"))
        uow.rollback()
        assert uow.workspaces.find(Platform.SLACK, "T_ROLLED") is None
    with pytest.raises(RuntimeError), uow_factory() as uow:
        uow.workspaces.add(Workspace(platform=Platform.SLACK, external_id="T_BOOM"))
        raise RuntimeError("boom")
    with uow_factory() as uow:
        for external_id in ("T_GONE", "T_ROLLED", "T_BOOM"):
            assert uow.workspaces.find(Platform.SLACK, external_id) is None


def test_work_after_commit_needs_its_own_commit(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.workspaces.add(Workspace(platform=Platform.SLACK, external_id="T_KEPT"))
        uow.commit()
        uow.workspaces.add(Workspace(platform=Platform.SLACK, external_id="T_LATER"))
    with uow_factory() as uow:
        assert uow.workspaces.find(Platform.SLACK, "T_KEPT") is not None
        assert uow.workspaces.find(Platform.SLACK, "T_LATER") is None


def test_concurrent_advance_first_commit_wins(uow_factory: UowFactory) -> None:
    group = add_group(uow_factory)
    meeting = add_meeting(uow_factory, group)
    assert meeting.id is not None
    with uow_factory() as uow:
        meeting.choose_case(case_id=1, owner=OWNER)
        meeting.start(participants=MEMBERS, chair=FACILITATOR, method=SAMPLE, now=NOW)
        uow.meetings.save(meeting)
        uow.commit()

    first, second = uow_factory(), uow_factory()
    with first, second:
        mine = first.meetings.get(meeting.id)
        theirs = second.meetings.get(meeting.id)
        mine.advance(now=NOW)
        mine.contribute(person=OWNER, text="mine", now=NOW)
        theirs.advance(now=NOW)
        theirs.contribute(person=OWNER, text="theirs", now=NOW)
        first.meetings.save(mine)
        first.commit()
        with pytest.raises(ConcurrentChange) as refused:
            second.meetings.save(theirs)
        second.commit()  # even a commit now applies nothing of the refused save
    assert refused.value.key == "error.concurrent_change"
    assert theirs.version == mine.version - 1

    with uow_factory() as uow:
        stored = uow.meetings.get(meeting.id)
    assert stored.version == mine.version
    assert stored.phase_index == 0 and len(stored.rounds) == 1
    assert [c.text for c in stored.contributions] == ["mine"]


def test_concurrent_group_save_is_refused(uow_factory: UowFactory) -> None:
    group = add_group(uow_factory)
    assert group.id is not None
    with uow_factory() as first, uow_factory() as second:
        mine, theirs = first.groups.get(group.id), second.groups.get(group.id)
        mine.add_member("U_NEW")
        theirs.remove_member("U_MO")
        first.groups.save(mine)
        first.commit()
        with pytest.raises(ConcurrentChange):
            second.groups.save(theirs)
    with uow_factory() as uow:
        assert uow.groups.get(group.id).members == [*MEMBERS, "U_NEW"]


def test_inbound_first_time_then_redelivery(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.inbound.first_time("slack", "Ev123", now=NOW) is True
        assert uow.inbound.first_time("slack", "Ev123", now=NOW) is False
        assert uow.inbound.first_time("teams", "Ev123", now=NOW) is True
        # The duplicate did not break the transaction (it would, on PostgreSQL, with a
        # plain INSERT): more work in it still commits.
        uow.workspaces.add(Workspace(platform=Platform.SLACK, external_id="T_AFTER"))
        uow.commit()
    with uow_factory() as uow:
        assert uow.inbound.first_time("slack", "Ev123", now=NOW) is False
        assert uow.workspaces.find(Platform.SLACK, "T_AFTER") is not None
        count = uow.connection.execute(select(func.count()).select_from(inbound_events))
        assert count.scalar_one() == 2


def test_outbox_rows_follow_their_transaction(uow_factory: UowFactory, engine: Engine) -> None:
    note = Notification(topic="meeting.card", workspace_id=1, meeting_id=2, data={"view": "x"})
    with uow_factory() as uow:
        uow.outbox.add(note, now=NOW)
    with uow_factory() as uow:
        uow.outbox.add(note, now=NOW)
        uow.rollback()
    assert pending_count(engine) == 0
    with uow_factory() as uow:
        uow.outbox.add(note, now=NOW)
        uow.commit()
    assert pending_count(engine) == 1
    with engine.connect() as connection:
        row = connection.execute(select(outbox)).one()
    assert Notification.model_validate(row.payload) == note
    assert (row.status, row.attempts, row.available_at) == ("pending", 0, NOW)


# ------------------------------------------------------------------ schema


def test_migrations_match_the_tables(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert current_revision(engine) == head == "0011"
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()


def test_datetimes_come_back_aware_utc_and_naive_ones_are_refused(engine: Engine) -> None:
    amsterdam = timezone(timedelta(hours=1))
    with engine.begin() as connection:
        connection.execute(
            insert(inbound_events).values(
                platform="slack", key="k", received_at=datetime(2026, 1, 1, 10, 0, tzinfo=amsterdam)
            )
        )
        stored = connection.execute(select(inbound_events.c.received_at)).scalar_one()
    assert stored == datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    assert stored.tzinfo is UTC
    with pytest.raises(StatementError, match="naive datetime"), engine.begin() as connection:
        connection.execute(
            insert(inbound_events).values(
                platform="slack", key="naive", received_at=datetime(2026, 1, 1, 10, 0)
            )
        )


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    """SQLite enforces them only with ``PRAGMA foreign_keys=ON`` (set by make_engine)."""
    from sqlalchemy.exc import IntegrityError

    from core.storage.tables import groups

    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            insert(groups).values(
                workspace_id=999,
                name="orphan",
                channel="C",
                facilitator=None,
                rotating_chair=False,
                method_id="sample",
                cadence="monthly",
                ground_rules="",
                mode="live",
                locale="nl",
                version=0,
                created_at=NOW,
            )
        )
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(workspaces)).scalar_one() == 0
