"""Export and erasure of a person on SQLite and PostgreSQL: everything held on them in one
workspace and nothing of the same user id in another; after erasure their private data
is gone, the groups' statistics still add up, and the audit trail says so."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from core.domain.errors import NotAllowed, NotFound, NotPossibleNow
from core.domain.group import Role
from core.domain.meeting import Meeting, MeetingState
from core.domain.privacy import AuditAction, TextRemoval, is_erased
from core.services import groups, meetings, preparation, privacy, queries
from core.services.notify import CARD, reply_to
from core.storage.tables import outbox
from core.views.meeting import meeting_card
from core.views.report import meeting_report
from tests.support.factories import FACILITATOR, MANAGER
from tests.support.privacy import DAY, OWNER, TITLE, Place, place, statistics, words

BY = "admin:test"


@dataclass
class Scene:
    """OWNER in two workspaces: in ``here`` a member with a discussed case, a case chosen
    for the next meeting, a learning goal, tasks, a conversation reference and messages;
    in ``elsewhere`` (the same user id, someone else) a goal, tasks and a reference too."""

    here: Place
    elsewhere: Place
    group_id: int
    held: Meeting
    planned: Meeting
    next_case: int


def private_bits(where: Place, group_id: int, person: str) -> None:
    preparation.set_learning_goal(
        where.ctx, actor=where.actor(person), group_id=group_id, text=f"Goal of {where.external_id}"
    )
    with where.ctx.uow() as uow:
        uow.conversations.put(
            where.workspace_id, person, {"name": f"Anna {where.external_id}"}, now=where.clock.now()
        )
        reply_to(
            uow,
            workspace_id=where.workspace_id,
            person=person,
            reply={"locale": "en", "notices": [{"key": "case.submitted", "params": {}}]},
            channel=None,
            invoked_as="",
            now=where.clock.now(),
        )
        uow.commit()


@pytest.fixture
def scene(engine: Engine) -> Scene:
    here = place(engine)
    elsewhere = place(engine, external_id="T_OTHER", clock=here.clock)
    group_id = here.group()
    held = here.hold(group_id)
    lead = here.actor(FACILITATOR)
    planned = meetings.schedule_meeting(
        here.ctx, actor=lead, group_id=group_id, at=here.clock.now() + 7 * DAY
    )
    next_case = preparation.submit_case(
        here.ctx, actor=here.actor(OWNER), group_id=group_id, title="Next one", help_question="?"
    )
    meetings.choose_case(
        here.ctx, actor=lead, meeting_id=planned.id or 0, case_id=next_case.id or 0
    )
    private_bits(here, group_id, OWNER)
    other_group = elsewhere.group(name="Elders")
    meetings.schedule_meeting(
        elsewhere.ctx,
        actor=elsewhere.actor(FACILITATOR),
        group_id=other_group,
        at=here.clock.now() + DAY,
    )
    private_bits(elsewhere, other_group, OWNER)
    return Scene(here, elsewhere, group_id, held, here.meeting(planned.id or 0), next_case.id or 0)


def addressed_to(engine: Engine, workspace_id: int, person: str) -> list[int]:
    with engine.connect() as connection:
        rows = connection.execute(select(outbox.c.id, outbox.c.workspace_id, outbox.c.payload))
        return [
            r.id
            for r in rows
            if r.workspace_id == workspace_id and r.payload.get("person") == person
        ]


def test_an_export_holds_everything_on_the_person_in_that_workspace_only(
    scene: Scene, engine: Engine
) -> None:
    here = scene.here

    export = privacy.export_person(here.ctx, actor=here.admin, person=OWNER, requested_by=BY)

    assert (export.platform.value, export.workspace, export.person) == ("slack", "T1", OWNER)
    assert [(m.group, m.roles) for m in export.memberships] == [("Noord", [Role.MEMBER])]
    assert export.workspace_roles == []
    assert [(p.meeting_id, p.roles) for p in export.meetings] == [
        (scene.held.id, ["participant", "case_owner"]),
        (scene.planned.id, ["case_owner"]),
    ]
    said = [c for c in scene.held.contributions if c.author == OWNER]
    assert export.contributions == said and all(c.text for c in said)
    assert export.meetings[0].contributed_in == sorted(
        {scene.held.phases[c.phase_index].id for c in said},
        key=[p.id for p in scene.held.phases].index,
    )
    assert [(c.title, c.status.value) for c in export.cases] == [
        (TITLE, "discussed"),
        ("Next one", "chosen"),
    ]
    assert [g.text for g in export.learning_goals] == ["Goal of T1"]
    assert {t.meeting_id for t in export.preparation_tasks} == {scene.planned.id}
    assert len(export.preparation_tasks) == 4
    assert export.conversation_reference == {"name": "Anna T1"}
    assert [r.id for r in export.outbox] == addressed_to(engine, here.workspace_id, OWNER)
    assert {r.payload["person"] for r in export.outbox} == {OWNER}
    assert {r.topic for r in export.outbox} >= {"person.reply", "person.direct"}
    assert json.loads(export.model_dump_json())["contributions"][0]["text"] == said[0].text

    [line] = privacy.audit_trail(here.ctx, limit=10)
    entry = line.entry
    assert (entry.action, entry.requested_by, entry.person) == (AuditAction.EXPORT, BY, OWNER)
    assert entry.detail == {k: v for k, v in export.counts().items() if v}
    assert entry.rows == sum(export.counts().values())


def test_the_same_user_id_in_another_workspace_is_someone_else(scene: Scene) -> None:
    elsewhere = scene.elsewhere

    export = privacy.export_person(
        elsewhere.ctx, actor=elsewhere.admin, person=OWNER, requested_by=BY
    )

    assert [m.group for m in export.memberships] == ["Elders"]
    assert export.meetings == [] and export.cases == [] and export.contributions == []
    assert [g.text for g in export.learning_goals] == ["Goal of T_OTHER"]
    assert export.conversation_reference == {"name": "Anna T_OTHER"}
    assert {r.payload["person"] for r in export.outbox} == {OWNER}
    # The answer to what they did there, and the reminders queued for them there.
    assert [r.topic for r in export.outbox if r.topic != "person.reminder"] == ["person.reply"]
    nobody = privacy.export_person(
        elsewhere.ctx, actor=elsewhere.admin, person="U_NOBODY", requested_by=BY
    )
    assert sum(nobody.counts().values()) == 0


def test_erasure_removes_the_person_and_the_statistics_still_add_up(
    scene: Scene, engine: Engine
) -> None:
    here = scene.here
    health = queries.group_health(here.ctx, actor=None, group_id=scene.group_id)
    before = statistics(scene.held)
    theirs = [c.id for c in scene.held.contributions if c.author == OWNER]
    others = {c.id: c.text for c in scene.held.contributions if c.author != OWNER}
    messages = addressed_to(engine, here.workspace_id, OWNER)
    assert len(messages) > 1  # "your turn" during the meeting, and a reply
    elsewhere_before = privacy.export_person(
        scene.elsewhere.ctx, actor=scene.elsewhere.admin, person=OWNER, requested_by=BY
    )

    erased = privacy.erase_person(here.ctx, actor=here.admin, person=OWNER, requested_by=BY)

    held = here.meeting(scene.held.id or 0)
    assert not held.involves(OWNER) and is_erased(held.case_owner)
    assert statistics(held) == before
    removal = TextRemoval(at=here.clock.now())
    for contribution in held.contributions:
        if contribution.id in theirs:
            assert contribution.author == held.case_owner
            assert (contribution.text, contribution.removed) == ("", removal)
        else:
            assert contribution.text == others[contribution.id]
    after = queries.group_health(here.ctx, actor=None, group_id=scene.group_id)
    assert (after.meetings_held, after.attendance_percent, after.average_rating) == (
        health.meetings_held,
        health.attendance_percent,
        health.average_rating,
    )
    assert (after.members, after.members_with_goals) == (health.members - 1, 0)
    with here.ctx.uow() as uow:
        discussed = uow.cases.get(held.case_id or 0)
        assert (discussed.owner, discussed.title, discussed.removed) == (
            held.case_owner,
            "",
            removal,
        )
        with pytest.raises(NotFound):
            uow.cases.get(scene.next_case)
        assert OWNER not in uow.groups.get(scene.group_id).members
    planned = here.meeting(scene.planned.id or 0)
    assert (planned.case_id, planned.case_owner) == (None, None)
    assert addressed_to(engine, here.workspace_id, OWNER) == []
    with engine.connect() as connection:  # the planned meeting's message loses the case
        topics = connection.execute(
            select(outbox.c.payload).where(outbox.c.topic == CARD).order_by(outbox.c.id.desc())
        ).first()
    assert topics is not None and topics.payload["meeting_id"] == planned.id
    assert erased.counts == {
        "meetings": 2,
        "contributions": len(theirs),
        "cases": 1,
        "cases_deleted": 1,
        "memberships": 1,
        "goals": 1,
        "tasks": 4,
        "conversations": 1,
        "outbox": len(messages),
    }
    gone = privacy.export_person(here.ctx, actor=here.admin, person=OWNER, requested_by=BY)
    assert sum(gone.counts().values()) == 0
    untouched = privacy.export_person(
        scene.elsewhere.ctx, actor=scene.elsewhere.admin, person=OWNER, requested_by=BY
    )
    assert untouched.model_dump(exclude={"exported_at"}) == elsewhere_before.model_dump(
        exclude={"exported_at"}
    )
    trail = privacy.audit_trail(here.ctx, workspace_id=here.workspace_id, limit=10)
    assert [line.entry.action for line in trail] == [AuditAction.EXPORT, AuditAction.ERASE]
    erasure = trail[1].entry
    assert (erasure.person, erasure.requested_by, erasure.rows) == (OWNER, BY, erased.rows)
    assert erasure.detail == erased.counts


def test_screens_show_a_former_participant_and_a_removed_case(scene: Scene) -> None:
    here = scene.here
    privacy.erase_person(here.ctx, actor=here.admin, person=OWNER, requested_by=BY)

    snapshot = queries.meeting_snapshot(here.ctx, meeting_id=scene.held.id or 0, viewer=None)
    card = words(meeting_card(snapshot, now=here.clock.now()))
    report = words(meeting_report(snapshot))

    assert "removed on request" in card and "a former participant" in card
    assert "erased:" not in card and TITLE not in card and OWNER not in card
    assert "removed on request" in report and TITLE not in report


def test_erasing_the_facilitator_and_the_only_manager(engine: Engine) -> None:
    here = place(engine)
    groups.configure_workspace(here.ctx, actor=here.admin, managers=[MANAGER, "U_BOSS"])
    group_id = here.group()
    held = here.hold(group_id)
    assert held.chair == FACILITATOR

    as_facilitator = privacy.erase_person(
        here.ctx, actor=here.admin, person=FACILITATOR, requested_by=BY
    )
    as_manager = privacy.erase_person(here.ctx, actor=here.admin, person=MANAGER, requested_by=BY)

    assert as_facilitator.without_facilitator == ("Noord",)
    assert as_manager.without_manager == ("Noord",)
    assert as_manager.counts == {"memberships": 1, "workspace_roles": 1}
    with here.ctx.uow() as uow:
        group = uow.groups.get(group_id)
        workspace = uow.workspaces.get(here.workspace_id)
    assert (group.facilitator, group.managers, workspace.managers) == (None, [], ["U_BOSS"])
    meeting = here.meeting(held.id or 0)
    assert is_erased(meeting.chair) and statistics(meeting) == statistics(held)


def test_erasure_waits_while_a_meeting_of_theirs_is_under_way(engine: Engine) -> None:
    here = place(engine)
    group_id = here.group()
    lead = here.actor(FACILITATOR)
    running = meetings.start_meeting(here.ctx, actor=lead, group_id=group_id).meeting
    assert running.state is MeetingState.OPEN_FOR_CASES

    with pytest.raises(NotPossibleNow) as refused:
        privacy.erase_person(here.ctx, actor=here.admin, person=OWNER, requested_by=BY)

    assert refused.value.key == "privacy.erase_waits"
    assert refused.value.params == {"person": OWNER, "group": "Noord"}
    with here.ctx.uow() as uow:
        assert OWNER in uow.groups.get(group_id).members
    assert privacy.audit_trail(here.ctx, limit=10) == []
    meetings.cancel_meeting(here.ctx, actor=lead, meeting_id=running.id or 0)

    erased = privacy.erase_person(here.ctx, actor=here.admin, person=OWNER, requested_by=BY)

    assert erased.counts["meetings"] == 1 and erased.counts["memberships"] == 1
    assert not here.meeting(running.id or 0).involves(OWNER)


def test_only_the_admin_exports_or_erases(scene: Scene) -> None:
    member = scene.here.actor("U_M1")
    with pytest.raises(NotAllowed):
        privacy.export_person(scene.here.ctx, actor=member, person=OWNER, requested_by=BY)
    with pytest.raises(NotAllowed):
        privacy.erase_person(scene.here.ctx, actor=member, person=OWNER, requested_by=BY)


def test_the_audit_trail_is_newest_first_per_workspace_and_limited(scene: Scene) -> None:
    here, elsewhere = scene.here, scene.elsewhere
    for person in ("U_M1", "U_M3"):
        privacy.export_person(here.ctx, actor=here.admin, person=person, requested_by=BY)
        here.later(minutes=1)
    privacy.export_person(elsewhere.ctx, actor=elsewhere.admin, person=OWNER, requested_by=BY)

    everything = privacy.audit_trail(here.ctx, limit=10)
    mine = privacy.audit_trail(here.ctx, workspace_id=here.workspace_id, limit=10)
    latest = privacy.audit_trail(here.ctx, limit=1)

    assert [(line.workspace.external_id, line.entry.person) for line in everything] == [
        ("T_OTHER", OWNER),
        ("T1", "U_M3"),
        ("T1", "U_M1"),
    ]
    assert [line.entry.person for line in mine] == ["U_M3", "U_M1"]
    assert [line.entry.person for line in latest] == [OWNER]
    assert everything[1].entry.at - everything[2].entry.at == timedelta(minutes=1)
