"""Reading what a Slack test needs to know: the meeting's state and the card we posted."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Executor
from datetime import timedelta
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import func, select

from core.domain.meeting import Meeting
from core.storage.tables import outbox
from tests.support.slack_fake import Call
from tests.support.slack_world import CHANNEL, SlackWorld


def meeting(world: SlackWorld, meeting_id: int) -> Meeting:
    with world.app.ctx.uow() as uow:
        return uow.meetings.get(meeting_id)


def wait_until(world: SlackWorld, check: Any, what: str, timeout: float = 15.0) -> Any:
    return world.fake.wait_for(check, timeout=timeout, what=what)


def settle(world: SlackWorld, timeout: float = 15.0) -> None:
    """Wait until the outbox has delivered everything due by the server's clock, retries
    included (bounded); reminders queued for later wait."""
    deadline = time.monotonic() + timeout
    while _waiting(world) and time.monotonic() < deadline:
        world.app.worker.wake()
        time.sleep(0.05)
    assert _waiting(world) == 0, world.fake.summary()


def _waiting(world: SlackWorld) -> int:
    """Pending rows due within five minutes (a retry's backoff or a platform's Retry-After
    is shorter; a reminder is due hours later, or waits for the end of quiet hours)."""
    soon = world.app.ctx.clock.now() + timedelta(minutes=5)
    with world.app.engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.status == "pending", outbox.c.available_at <= soon)
            ).scalar_one()
        )


def finish(world: SlackWorld, timeout: float = 15.0) -> None:
    """Wait until everything Slack sent so far has been handled to the end, before asserting
    that something did NOT happen: Bolt's listener pool finishes the listeners it was given
    (and takes no more, so call this last), then the outbox delivers what they queued."""
    pool = _listener_pool(world)
    done = threading.Thread(target=pool.shutdown, kwargs={"wait": True}, daemon=True)
    done.start()
    done.join(timeout)
    assert not done.is_alive(), f"Slack listeners still running after {timeout}s"
    settle(world, timeout)


def _listener_pool(world: SlackWorld) -> Executor:
    """The executor that runs the listeners of the Bolt app mounted at /slack/."""
    for _prefix, handler in world.app.router._routes:
        if isinstance(handler, SlackRequestHandler):
            pool: Executor = handler.app.listener_runner.listener_executor
            return pool
    raise AssertionError("no Bolt app is mounted in this world's router")


def root_posts(world: SlackWorld) -> list[Call]:
    """Messages posted in the group's channel outside any thread."""
    return [
        c
        for c in world.fake.of("chat.postMessage")
        if c.args.get("channel") == CHANNEL and not c.args.get("thread_ts")
    ]


def latest_card(world: SlackWorld) -> list[dict[str, Any]]:
    updates = world.fake.of("chat.update")
    if updates:
        blocks: list[dict[str, Any]] = updates[-1].args["blocks"]
        return blocks
    first: list[dict[str, Any]] = root_posts(world)[0].args["blocks"]
    return first


def button(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                found: dict[str, Any] = element
                return found
    raise AssertionError(f"no {action_id} button in {blocks}")
