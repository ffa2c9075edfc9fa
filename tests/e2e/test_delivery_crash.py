"""A crash between posting the meeting's message and recording it does not post it twice.

The real ``intervision serve`` process delivers to a fake Slack, or to a fake Bot
Connector. When the platform has accepted the meeting's message, the test holds the
database (an exclusive lock, before the platform's answer reaches the server), so that the
delivery's bookkeeping cannot commit; then it kills the server with SIGKILL, releases the
database and starts the server again. The new server finds the message it had posted (by
the key it carries: Slack's message metadata; on Teams an element id of the card, read back
through Microsoft Graph) instead of posting a second one, records it, and updates it in
place. SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from core.interactions import Platform
from core.services import groups, queries
from core.services.context import Actor
from integrations.server import build_app
from integrations.settings import Settings
from tests.support import locks
from tests.support.serve import serve
from tests.support.slack_fake import TEAM, FakeSlack, SlackSender, fixture
from tests.support.slack_world import SECRET
from tests.support.teams_harness import APP_ID, CHANNEL, TENANT, TeamsHarness
from tests.support.teams_servers import MicrosoftStandIns

MEMBERS = ["p1", "p2", "p3", "p4", "p5"]


@dataclass
class Fake:
    """How to run the test against one platform's fake."""

    env: dict[str, str]
    workspace: tuple[Platform, str, str]
    """(platform, workspace id, the group's channel)."""
    start: Callable[[str], None]
    """Sends "start" to the server at the given URL, as the platform would."""
    roots: Callable[[], list[str]]
    """The meeting messages the platform accepted (their refs)."""
    updated: Callable[[], list[str]]
    """The refs of the messages updated in place."""
    found_by_reading: Callable[[], bool]
    set_hold: Callable[[Callable[[], None]], None]
    """Installs a hook run when the platform gets the meeting's message, before it answers."""


@pytest.fixture(params=["slack", "teams"])
def platform(request: pytest.FixtureRequest, microsoft: MicrosoftStandIns) -> Iterator[Fake]:
    if request.param == "slack":
        fake = FakeSlack().start()
        try:
            yield _slack(fake)
        finally:
            fake.stop()
        return
    yield _teams(microsoft)


def test_a_crash_between_posting_and_bookkeeping_posts_the_message_once(
    db_url: str, platform: Fake
) -> None:
    _add_group(db_url, *platform.workspace)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        """The platform has the meeting's message: lock the database, then answer."""
        threading.Thread(target=_hold, args=(db_url, held, release), daemon=True).start()
        assert held.wait(30)

    platform.set_hold(hold)
    try:
        with serve(db_url, OUTBOX_LEASE_SECONDS="1", **platform.env) as first:
            platform.start(first.url)
            # The server has the platform's answer; its bookkeeping now waits for the database.
            _wait(lambda: "its message is posted" in first.log, "the platform's answer")
            first.process.kill()  # SIGKILL: no clean shutdown, the bookkeeping never commits
            first.process.wait(timeout=20)
            release.set()
        [posted] = platform.roots()
        before = _post(db_url)
        assert before is not None and before.ref is None  # begun, never recorded

        with serve(db_url, OUTBOX_LEASE_SECONDS="1", **platform.env):
            _wait(lambda: _post(db_url).ref is not None, "the message recorded")  # type: ignore[union-attr]
            _wait(lambda: posted in platform.updated(), "the message updated in place")
        assert platform.roots() == [posted], "the meeting's message was posted a second time"
        assert _post(db_url).ref == posted  # type: ignore[union-attr]
        assert platform.found_by_reading(), "the message was found, not assumed"
    finally:
        release.set()


# ------------------------------------------------------------------ the platforms


def _slack(fake: FakeSlack) -> Fake:
    def start(url: str) -> None:
        command = fixture("slash_command")
        command.update(user_id=MEMBERS[0], text="start", channel_id="C0GROUP001")
        command.update(response_url=fake.response_url("start"), trigger_id="t.1")
        assert SlackSender(url, SECRET).form(command)[0] == 200

    def roots() -> list[str]:
        history = fake.history.get("C0GROUP001", [])
        return [m["ts"] for m in history if "thread_ts" not in m and m.get("metadata")]

    def set_hold(hold: Callable[[], None]) -> None:
        def hook(method: str, args: dict[str, Any]) -> None:
            if method == "chat.postMessage" and "thread_ts" not in args and args.get("metadata"):
                hold()

        fake.before_answer = hook

    return Fake(
        env={
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "SLACK_API_URL": fake.api_url,
        },
        workspace=(Platform.SLACK, TEAM, "C0GROUP001"),
        start=start,
        roots=roots,
        updated=lambda: [c.args["ts"] for c in fake.of("chat.update")],
        found_by_reading=lambda: bool(fake.of("conversations.history")),
        set_hold=set_hold,
    )


def _teams(microsoft: MicrosoftStandIns) -> Fake:
    keys, tokens, connector = microsoft.fresh()
    root_path = f"/v3/conversations/{CHANNEL}/activities"
    builder = TeamsHarness(None, "", keys, connector, tokens)  # type: ignore[arg-type]

    def start(url: str) -> None:
        activity = builder.channel_message(MEMBERS[0], "<at>Intervision</at> start")
        request = urllib.request.Request(
            url + "/api/messages",
            json.dumps(activity).encode(),
            {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {keys.token(activity['serviceUrl'])}",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200

    def roots() -> list[str]:
        return [m["id"] for m in connector.channel_messages.get(CHANNEL, [])]

    def set_hold(hold: Callable[[], None]) -> None:
        def hook(method: str, path: str, body: Any) -> None:
            if method == "POST" and path == root_path:
                hold()

        connector.before_answer = hook

    return Fake(
        env={
            "MICROSOFT_APP_ID": APP_ID,
            "MICROSOFT_APP_PASSWORD": "test-secret",
            "MICROSOFT_APP_TENANT_ID": TENANT,
            "MICROSOFT_AUTHORITY_HOST": tokens.base,
            "BOTFRAMEWORK_OPENID_METADATA_URL": keys.metadata_url,
            "MICROSOFT_GRAPH_URL": connector.base,
            "REQUESTS_CA_BUNDLE": str(tokens.ca_file),
        },
        workspace=(Platform.TEAMS, TENANT, CHANNEL),
        start=start,
        roots=roots,
        updated=lambda: [
            c.path.rsplit("/", 1)[1] for c in connector.sent("PUT") if c.path.startswith(root_path)
        ],
        found_by_reading=lambda: any(c.path.startswith("/v1.0/teams/") for c in connector.calls),
        set_hold=set_hold,
    )


# ------------------------------------------------------------------ helpers


def _wait(predicate: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _add_group(db_url: str, platform: Platform, workspace: str, channel: str) -> None:
    app = build_app(Settings(DATABASE_URL=db_url, SANDBOX=False))
    try:
        found = groups.ensure_workspace(app.ctx, platform=platform, external_id=workspace)
        admin = Actor(workspace_id=found.id or 0, person="", is_admin=True)
        groups.create_group(
            app.ctx,
            actor=admin,
            name="Ward 5 peers",
            channel=channel,
            members=list(MEMBERS),
            facilitator="facilitator",
            locale="en",
        )
    finally:
        app.dispose()


def _post(db_url: str) -> Any:
    app = build_app(Settings(DATABASE_URL=db_url, SANDBOX=False))
    try:
        return queries.meeting_post(app.ctx, meeting_id=1)
    finally:
        app.dispose()


def _hold(db_url: str, held: threading.Event, release: threading.Event) -> None:
    with locks.held(db_url, "outbox", "meeting_posts"):
        held.set()
        release.wait(60)
