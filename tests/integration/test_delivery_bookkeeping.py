"""Meeting posts, conversation refs and inbound keys through the services, on both databases."""

from __future__ import annotations

from sqlalchemy import Engine

from core.domain.common import Platform
from core.services import delivery, groups, meetings, queries
from core.services.context import Actor, Context
from core.storage.uow import make_uow_factory
from tests.support.factories import library
from tests.support.fakes import FakeClock


def test_posts_conversations_and_redeliveries(engine: Engine) -> None:
    ctx = Context(uow=make_uow_factory(engine), methods=library())
    workspace = groups.ensure_workspace(ctx, platform=Platform.SLACK, external_id="T1")
    assert workspace.id is not None
    admin = Actor(workspace_id=workspace.id, person="", is_admin=True)
    group = groups.create_group(
        ctx, actor=admin, name="G", channel="C1", members=["U1", "U2", "U3", "U4"], facilitator="F"
    ).group
    assert group.id is not None
    meeting = meetings.start_meeting(ctx, actor=Actor(workspace.id, "U1"), group_id=group.id)
    meeting_id = meeting.meeting.id
    assert meeting_id is not None
    actor = Actor(workspace.id, "U1")
    assert queries.meeting_post(ctx, meeting_id=meeting_id) is None
    now = FakeClock().now()
    with ctx.uow() as uow:  # recorded before it is posted: no ref yet, a key to find it by
        uow.posts.begin(meeting_id, "C1", key="meeting-1", now=now)
        uow.commit()
    begun = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert begun is not None and (begun.ref, begun.key, begun.created_at) == (
        None,
        "meeting-1",
        now,
    )
    with ctx.uow() as uow:  # posted twice before (a crash), recorded again: the last counts
        uow.posts.begin(meeting_id, "C1", key="meeting-1", now=now)
        uow.posts.confirm(meeting_id, "1700.0002")
        uow.commit()
    found = queries.meeting_of_thread(ctx, actor=actor, channel="C1", message="1700.0002")
    assert found == meeting_id
    assert queries.meeting_of_thread(ctx, actor=actor, channel="C1", message="1700.0001") is None
    post = queries.meeting_post(ctx, meeting_id=meeting_id)
    assert post is not None and post.ref == "1700.0002"
    delivery.remember_conversation(
        ctx, workspace_id=workspace.id, person="U1", data={"conversation": {"id": "a:1"}}
    )
    delivery.remember_conversation(
        ctx, workspace_id=workspace.id, person="U1", data={"conversation": {"id": "a:2"}}
    )
    assert delivery.conversation_of(ctx, workspace_id=workspace.id, person="U1") == {
        "conversation": {"id": "a:2"}
    }
    assert delivery.first_delivery(ctx, platform="slack", key="T1:Ev1")
    assert not delivery.first_delivery(ctx, platform="slack", key="T1:Ev1")
