"""A form submission with a key is carried out once, and nothing is committed after the
platform's deadline to answer (``core.services.guard``), on the in-memory fakes."""

from __future__ import annotations

import time

import pytest

from core import interactions
from core.interactions import Platform, Who
from core.services.guard import AlreadyApplied, RequestGuard, guarded
from core.views import actions as a
from tests.support.factories import World, make_world

CASE = {a.INPUT_TITLE: "A case", a.INPUT_HELP_QUESTION: "How?"}


@pytest.fixture
def world() -> World:
    built = make_world()
    built.group(5, channel="C_GROUP")
    return built


def who(person: str = "U_M1") -> Who:
    return Who(platform=Platform.SLACK, workspace="T1", person=person, channel="C_GROUP")


def submit(
    world: World,
    *,
    once: str | None = None,
    deadline: float | None = None,
    values: dict[str, object] | None = None,
) -> interactions.Reply:
    group_id = str(next(iter(world.store.groups)))
    return interactions.submit(
        world.ctx,
        who(),
        a.FORM_CASE,
        {"group_id": group_id},
        values or CASE,
        guard=RequestGuard("slack", key=once, deadline=deadline),
    )


def test_the_same_key_twice_creates_one_case_and_the_second_reply_is_empty(world: World) -> None:
    first = submit(world, once="T1:view:V1:h1")
    assert not first.refused and len(world.store.cases) == 1
    second = submit(world, once="T1:view:V1:h1")
    assert second.is_empty and len(world.store.cases) == 1
    assert len(submit(world, once="T1:view:V2:h1").notices) == 1  # another modal: another case
    assert len(world.store.cases) == 2


def test_past_its_deadline_nothing_is_committed_and_the_key_stays_free(world: World) -> None:
    late = submit(world, once="T1:view:V1:h1", deadline=time.monotonic() - 0.001)
    [notice] = late.notices
    assert notice.key == "error.busy" and notice.refusal and notice.field == a.INPUT_TITLE
    assert interactions.field_errors(late) == {
        a.INPUT_TITLE: "We could not save this just now. Nothing was saved; please try again."
    }
    assert world.store.cases == {} and world.store.inbound == set()
    assert not submit(world, once="T1:view:V1:h1", deadline=time.monotonic() + 60).refused
    assert len(world.store.cases) == 1


def test_a_refused_submission_records_no_key(world: World) -> None:
    refused = submit(world, once="T1:view:V1:h1", values={**CASE, a.INPUT_TITLE: ""})
    assert refused.refused and world.store.inbound == set()
    assert not submit(world, once="T1:view:V1:h1").refused and len(world.store.cases) == 1


def test_the_key_goes_with_the_first_commit_only(world: World) -> None:
    guard = RequestGuard("slack", key="k")
    ctx = guarded(world.ctx, guard)
    for _ in range(2):  # one request that commits twice records its key once
        with ctx.uow() as uow:
            uow.commit()
    assert world.store.inbound == {("slack", "k")}
    with (
        pytest.raises(AlreadyApplied),
        guarded(world.ctx, RequestGuard("slack", key="k")).uow() as uow,
    ):
        uow.commit()
