"""``intervision outbox list | retry`` on both databases: parked messages shown without
their content, sent again on request, and one line with exit code 2 for a bad request."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select

from core.jobs.outbox_worker import claim_due, mark_failed
from core.services.ports import Notification
from core.storage.engine import make_engine
from core.storage.tables import outbox
from core.storage.uow import make_uow_factory
from integrations.cli import main

Cli = Callable[..., tuple[int, str, str]]
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SECRET = "what the member wrote"


@pytest.fixture
def engine(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("DATABASE_URL", db_url)
    built = make_engine(db_url)
    yield built
    built.dispose()


@pytest.fixture
def cli(engine: Engine, capsys: pytest.CaptureFixture[str]) -> Cli:
    def call(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([*args, "--locale", "en"])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return call


def _queue(engine: Engine, count: int) -> list[int]:
    """``count`` thread messages of meeting 7, queued (the workspace need not exist)."""
    uow = make_uow_factory(engine)()
    with uow:
        for _ in range(count):
            note = Notification(
                topic="meeting.thread",
                workspace_id=1,
                group_id=3,
                meeting_id=7,
                data={"view": "contribution", "text": SECRET},
            )
            uow.outbox.add(note, now=NOW)
        uow.commit()
    return [item.id for item in claim_due(engine, now=NOW, limit=count)]


def _statuses(engine: Engine) -> dict[int, str]:
    with engine.connect() as connection:
        return dict(connection.execute(select(outbox.c.id, outbox.c.status)).all())  # type: ignore[arg-type]


def test_parked_messages_are_listed_without_content_and_sent_again(
    engine: Engine, cli: Cli
) -> None:
    assert cli("outbox", "list") == (
        0,
        "Nothing is parked: every message was delivered or is still on its way.\n",
        "",
    )
    refused, waiting = _queue(engine, 2)
    mark_failed(engine, refused, NOW, "Undeliverable: no_access: channel_not_found", permanent=True)

    code, out, err = cli("outbox", "list")
    assert (code, err) == (0, "")
    [line] = out.splitlines()
    assert line.split()[0] == str(refused)
    assert "meeting.thread:contribution" in line and "meeting=7" in line
    assert "attempts=1" in line and "no_access: channel_not_found" in line
    assert SECRET not in out

    code, out, err = cli("outbox", "retry", str(refused), str(waiting), "999")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Queued to be delivered again: 1. The server's worker sends them within seconds.",
        f"Not parked (delivered, still pending, or unknown): {waiting}, 999",
    ]
    assert _statuses(engine) == {refused: "pending", waiting: "pending"}


def test_retry_all_sends_every_parked_message_again(engine: Engine, cli: Cli) -> None:
    ids = _queue(engine, 3)
    for outbox_id in ids:
        mark_failed(engine, outbox_id, NOW, "refused: invalid_blocks", permanent=True)
    code, out, _ = cli("outbox", "retry", "--all")
    assert code == 0 and out.startswith("Queued to be delivered again: 3.")
    assert set(_statuses(engine).values()) == {"pending"}


@pytest.mark.parametrize(
    "args",
    [("outbox", "retry"), ("outbox", "retry", "1", "--all"), ("outbox", "retry", "0")],
)
def test_a_retry_without_a_clear_choice_is_one_line_and_exit_2(
    cli: Cli, args: tuple[str, ...]
) -> None:
    code, out, err = cli(*args)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("intervision: ")
