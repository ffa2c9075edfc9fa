"""A crash between posting the meeting's message and recording it does not post it twice.

The real ``intervision serve`` process delivers to a fake Slack. When Slack has accepted
the meeting's message, the test holds the database (an exclusive lock, before Slack's
answer reaches the server), so that the delivery's bookkeeping cannot commit; then it
kills the server with SIGKILL, releases the database and starts the server again. The new
server finds the message it had posted (by the key in its metadata) instead of posting a
second one, records it, and updates it in place. SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.interactions import Platform
from core.services import groups, queries
from core.services.context import Actor
from integrations.server import build_app
from integrations.settings import Settings
from tests.support.serve import serve
from tests.support.slack_fake import TEAM, FakeSlack, SlackSender, fixture
from tests.support.slack_world import CHANNEL, FACILITATOR, MANAGER, MEMBERS, SECRET


def test_a_crash_between_posting_and_bookkeeping_posts_the_message_once(db_url: str) -> None:
    _add_group(db_url)
    fake = FakeSlack().start()
    held = threading.Event()
    release = threading.Event()

    def hold(method: str, args: dict[str, Any]) -> None:
        """Once Slack has the meeting's message: lock the database, then answer."""
        if method == "chat.postMessage" and "thread_ts" not in args and args.get("metadata"):
            threading.Thread(target=_hold, args=(db_url, held, release), daemon=True).start()
            assert held.wait(30)

    fake.before_answer = hold
    env = {
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_API_URL": fake.api_url,
        "OUTBOX_LEASE_SECONDS": "1",
    }
    try:
        with serve(db_url, **env) as first:
            command = fixture("slash_command")
            command.update(user_id=MEMBERS[0], text="start", channel_id=CHANNEL)
            command.update(response_url=fake.response_url("start"), trigger_id="t.1")
            status, _ = SlackSender(first.url, SECRET).form(command)
            assert status == 200
            # The server has Slack's answer; its bookkeeping now waits for the database.
            fake.wait_for(lambda: "its message is posted" in first.log, what="the answer")
            first.process.kill()  # SIGKILL: no clean shutdown, the bookkeeping never commits
            first.process.wait(timeout=20)
            release.set()
        [posted] = _roots(fake)
        before = _post(db_url)
        assert before is not None and before.ref is None  # begun, never recorded

        with serve(db_url, **env):
            recorded = fake.wait_for(lambda: _recorded(db_url), timeout=30, what="the record")
            fake.wait_for(lambda: fake.of("chat.update"), what="the card updated in place")
        assert _roots(fake) == [posted], "the meeting's message was posted a second time"
        assert recorded == posted.args_ts
        assert [c.args["ts"] for c in fake.of("chat.update")][-1] == posted.args_ts
        assert fake.of("conversations.history"), "the message was found, not assumed"
    finally:
        release.set()
        fake.stop()


# ------------------------------------------------------------------ helpers


class _Root:
    def __init__(self, ts: str) -> None:
        self.args_ts = ts

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Root) and other.args_ts == self.args_ts

    def __repr__(self) -> str:
        return f"root {self.args_ts}"


def _roots(fake: FakeSlack) -> list[_Root]:
    """The meeting messages Slack accepted (posts to the channel, not in a thread)."""
    return [
        _Root(m["ts"])
        for m in fake.history.get(CHANNEL, [])
        if "thread_ts" not in m and m.get("metadata")
    ]


def _add_group(db_url: str) -> None:
    app = build_app(Settings(DATABASE_URL=db_url, SANDBOX=False))
    try:
        workspace = groups.ensure_workspace(app.ctx, platform=Platform.SLACK, external_id=TEAM)
        admin = Actor(workspace_id=workspace.id or 0, person="", is_admin=True)
        groups.create_group(
            app.ctx,
            actor=admin,
            name="Ward 5 peers",
            channel=CHANNEL,
            members=list(MEMBERS),
            facilitator=FACILITATOR,
            managers=[MANAGER],
            locale="en",
        )
    finally:
        app.engine.dispose()


def _post(db_url: str) -> Any:
    app = build_app(Settings(DATABASE_URL=db_url, SANDBOX=False))
    try:
        return queries.meeting_post(app.ctx, meeting_id=1)
    finally:
        app.engine.dispose()


def _recorded(db_url: str) -> str | None:
    post = _post(db_url)
    return post.ref if post is not None else None


def _hold(db_url: str, held: threading.Event, release: threading.Event) -> None:
    with _locked(db_url):
        held.set()
        release.wait(60)


@contextmanager
def _locked(db_url: str) -> Iterator[None]:
    """Nobody else may write to the database while the block runs."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(url.database or "", timeout=30, isolation_level=None)
        try:
            connection.execute("BEGIN EXCLUSIVE")
            yield
            connection.execute("ROLLBACK")
        finally:
            connection.close()
        return
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("LOCK TABLE outbox, meeting_posts IN ACCESS EXCLUSIVE MODE"))
            yield
    finally:
        engine.dispose()
