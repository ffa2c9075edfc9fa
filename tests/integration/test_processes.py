"""More than one process (issue 15), on PostgreSQL: two gunicorn web processes that leave
the outbox to a separate ``intervision worker`` process (``OUTBOX_IN_WEB=0``) answer a
signed Slack command, and the worker posts the meeting to (a local fake of) Slack. SQLite
stays the one-process default: the multi-process entry refuses it. The web's commit wakes
the worker process at once (PostgreSQL NOTIFY), long before it would look by itself."""

from __future__ import annotations

import re
import sys
import urllib.request
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import ColumnElement, Engine, func, select, update

from core.bootstrap import bootstrap
from core.domain.common import Platform
from core.services import groups, trajectories
from core.services.context import Actor
from core.storage.engine import make_engine
from core.storage.tables import outbox
from integrations.web import SqliteInManyProcesses, application
from tests.support.factories import library
from tests.support.serve import running
from tests.support.slack_fake import TEAM, FakeSlack, SlackSender, fixture

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CHANNEL, FACILITATOR = "C0GROUP001", "U0FACIL001"
MEMBERS = [f"U0MEMBER0{i}" for i in range(1, 6)]
GUNICORN_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
WORKER_READY = re.compile(r"intervision worker delivering the outbox")


def _group(url: str) -> None:
    engine = make_engine(url)
    try:
        ctx = bootstrap(engine, methods=library())
        workspace = groups.ensure_workspace(ctx, platform=Platform.SLACK, external_id=TEAM)
        admin = Actor(workspace_id=workspace.id or 0, person="", is_admin=True)
        groups.create_group(
            ctx,
            actor=admin,
            name="Ward 5 peers",
            channel=CHANNEL,
            members=MEMBERS,
            facilitator=FACILITATOR,
        )
    finally:
        engine.dispose()


def _get(url: str) -> tuple[int, list[str]]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode().splitlines()


def test_web_processes_answer_and_a_worker_process_delivers(pg_url: str) -> None:
    fake = FakeSlack().start()
    fake.members[CHANNEL] = [*MEMBERS, FACILITATOR]
    slack = {
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_API_URL": fake.api_url,
    }
    _group(pg_url)
    web = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers=2",
        "--worker-class=gthread",
        "--threads=4",
        "--bind=127.0.0.1:0",
        "integrations.web:application()",
    ]
    worker = [sys.executable, "-m", "integrations.cli", "worker"]
    try:
        with (
            running(web, GUNICORN_LISTENING, pg_url, OUTBOX_IN_WEB="0", **slack) as served,
            # it would look by itself only after two minutes: the web's commit wakes it
            running(worker, WORKER_READY, pg_url, OUTBOX_POLL_SECONDS="120", **slack),
        ):
            status, ready = _get(served.url + "/readyz")
            assert status == 200 and "outbox worker: in its own processes" in ready, ready

            body = fixture("slash_command")
            body.update(user_id=MEMBERS[0], text="start", channel_id=CHANNEL)
            body.update(response_url=fake.response_url("cmd1"), trigger_id="trigger.1")
            status, _ = SlackSender(served.url, SECRET).form(body)
            assert status == 200

            fake.wait_for(
                lambda: [c for c in fake.of("chat.postMessage") if c.args["channel"] == CHANNEL],
                timeout=30,
                what="the meeting's message, posted by the worker process once woken",
            )
            booted = [line for line in served.lines if "Booting worker with pid" in line]
            assert len(booted) == 2, served.log
    finally:
        fake.stop()


def test_several_web_processes_refuse_sqlite(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/one.db")
    with pytest.raises(SqliteInManyProcesses, match="intervision serve"):
        application()


def _daytime_zone() -> str:
    """A fixed-offset zone in which it is now between 10:00 and 16:00, so that no reminder
    waits for the end of quiet hours, whenever the test runs."""
    hour = datetime.now(UTC).hour
    offset = (13 - hour + 12) % 24 - 12  # local = UTC + offset, about 13:00
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"


def test_two_worker_processes_deliver_each_reminder_once(pg_url: str) -> None:
    """Reminders are outbox rows due later: two ``intervision worker`` processes claiming
    them at once (FOR UPDATE SKIP LOCKED) send each one once. The test moves the rows'
    time to now (the clock reaching them) rather than waiting a day."""
    fake = FakeSlack().start()
    fake.members[CHANNEL] = [*MEMBERS, FACILITATOR]
    slack = {
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_API_URL": fake.api_url,
    }
    _group(pg_url)
    engine = make_engine(pg_url)
    try:
        ctx = bootstrap(engine, methods=library())
        zone = _daytime_zone()
        first = (datetime.now(UTC) + timedelta(days=30)).astimezone(ZoneInfo(zone))
        trajectories.plan_trajectory(
            ctx,
            actor=Actor(workspace_id=1, person="", is_admin=True),
            group_id=1,
            first=first.replace(tzinfo=None, hour=13, minute=0, second=0, microsecond=0),
            time_zone=zone,
            rule="FREQ=WEEKLY;INTERVAL=4",
            count=3,
        )
        reminder = outbox.c.topic == "person.reminder"
        with engine.begin() as connection:
            connection.execute(update(outbox).where(reminder).values(available_at=func.now()))
            rows = connection.execute(select(func.count()).where(reminder)).scalar_one()
        assert rows > 20
        worker = [sys.executable, "-m", "integrations.cli", "worker"]
        fast = {"OUTBOX_POLL_SECONDS": "0.2", **slack}
        with (
            running(worker, WORKER_READY, pg_url, **fast),
            running(worker, WORKER_READY, pg_url, **fast),
        ):
            fake.wait_for(
                lambda: _delivered(engine, reminder) == rows,
                timeout=60,
                what="every reminder delivered",
            )
        direct = [c for c in fake.of("chat.postMessage") if c.args["channel"].startswith("D")]
        assert len(direct) == rows  # each once: none lost, none twice
    finally:
        engine.dispose()
        fake.stop()


def _delivered(engine: Engine, which: ColumnElement[bool]) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count()).where(which, outbox.c.status == "delivered")
            ).scalar_one()
        )
