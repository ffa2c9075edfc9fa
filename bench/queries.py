"""Benchmark: SQL statements per intention, which must not grow with the group's size, the
number of groups a person is in or manages, or the group's history.

    .venv/bin/python -m bench.queries [--database-url URL]

Each intention runs through the services (with the outbox writes its events cause) in two
worlds, small (4 members in each of 2 groups, 1 meeting held before) and large (8 members
in each of 20 groups, 4 meetings held before), side by side in one database (each its own
workspace); every statement
sent to the database is counted (SQLAlchemy's ``before_cursor_execute``). Prints the
counts side by side (``--record`` also appends them to ``bench/RESULTS.md``) and exits 1
when an intention needs more than ``LIMIT`` statements, or more in the large world than in
the small one. ``tests/integration/test_query_counts.py`` runs it on SQLite and
PostgreSQL in CI, so an N+1 cannot come back.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from core.domain.common import Platform, SystemClock
from core.interactions import Reply, Screen, render
from core.methods import load_library
from core.services import contributions, groups, meetings, notify, preparation
from core.services.context import Actor, Context
from core.storage.engine import make_engine
from core.storage.migrate import upgrade
from core.storage.uow import make_uow_factory
from tests.support.drive import play_to_the_end

RESULTS = Path(__file__).with_name("RESULTS.md")
LIMIT = 10
"""Statements one intention may need, whatever the size of the world."""

INTENTIONS = (
    "start",
    "submit case",
    "choose case",
    "advance",
    "contribute",
    "close",
    "home of a member",
    "home of a manager",
)


@dataclass(frozen=True)
class Size:
    name: str
    members: int
    groups: int
    history: int
    """Meetings held to their end in the measured group before."""


SMALL = Size("small", members=4, groups=2, history=1)
LARGE = Size("large", members=8, groups=20, history=4)


@dataclass
class Counter:
    statements: int = 0
    texts: list[str] = field(default_factory=list)

    def __call__(self, *args: Any) -> None:
        self.statements += 1
        self.texts.append(str(args[2]).split("\n")[0][:100])


@contextmanager
def counted(engine: Engine) -> Iterator[Counter]:
    counter = Counter()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", counter)


def measure(url: str, size: Size) -> dict[str, Counter]:
    """Statements per intention in a world of ``size`` (a workspace of its own) in the
    database at ``url``, migrated first if it is not."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        clock = SystemClock()
        ctx = Context(
            uow=make_uow_factory(engine, notify.publisher(clock)),
            methods=load_library(),
            clock=clock,
        )
        return _measure(engine, ctx, size)
    finally:
        engine.dispose()


def _measure(engine: Engine, ctx: Context, size: Size) -> dict[str, Counter]:
    workspace = groups.ensure_workspace(
        ctx, platform=Platform.SLACK, external_id=f"TQUERIES-{size.name}"
    )
    assert workspace.id is not None
    ws = workspace.id
    admin = Actor(ws, "", is_admin=True)
    manager, facilitator = "UMANAGER", "UFACIL"
    groups.configure_workspace(ctx, actor=admin, managers=[manager])
    members = [f"UM{i}" for i in range(size.members)]
    group_ids = []
    for number in range(size.groups):
        created = groups.create_group(
            ctx,
            actor=admin,
            name=f"Group {number}",
            channel=f"CG{number}",
            members=members,
            facilitator=facilitator,
            managers=[manager],
        ).group
        assert created.id is not None
        group_ids.append(created.id)
    group_id = group_ids[0]
    lead, owner = Actor(ws, facilitator), Actor(ws, members[1])
    for _ in range(size.history):
        _held(ctx, ws, group_id, owner, lead)

    counts: dict[str, Counter] = {}

    def step(name: str, action: Callable[[], Any]) -> Any:
        with counted(engine) as counter:
            result = action()
        counts[name] = counter
        return result

    meeting = step(
        "start", lambda: meetings.start_meeting(ctx, actor=owner, group_id=group_id).meeting
    )
    case = step(
        "submit case",
        lambda: preparation.submit_case(
            ctx, actor=owner, group_id=group_id, title="Night shift", help_question="How?"
        ),
    )
    step(
        "choose case",
        lambda: meetings.choose_case(ctx, actor=lead, meeting_id=meeting.id, case_id=case.id),
    )
    held = step("advance", lambda: meetings.advance_phase(ctx, actor=lead, meeting_id=meeting.id))
    speaker = held.current_round.order[0]
    step(
        "contribute",
        lambda: contributions.contribute(
            ctx, actor=Actor(ws, speaker), meeting_id=meeting.id, text="When did it start?"
        ),
    )
    step("close", lambda: meetings.close_meeting(ctx, actor=lead, meeting_id=meeting.id))
    home = Reply(locale="en", screen=Screen(name="home"))
    step("home of a member", lambda: render(ctx, home, actor=Actor(ws, members[2])))
    step("home of a manager", lambda: render(ctx, home, actor=Actor(ws, manager)))
    return counts


def _held(ctx: Context, ws: int, group_id: int, owner: Actor, lead: Actor) -> None:
    meeting = meetings.start_meeting(ctx, actor=owner, group_id=group_id).meeting
    case = preparation.submit_case(
        ctx, actor=owner, group_id=group_id, title="Earlier", help_question="Why?"
    )
    assert meeting.id is not None and case.id is not None
    meetings.choose_case(ctx, actor=lead, meeting_id=meeting.id, case_id=case.id)
    play_to_the_end(ctx, workspace_id=ws, meeting_id=meeting.id, facilitator=lead.person)


@dataclass(frozen=True)
class Finding:
    intention: str
    small: int
    large: int

    @property
    def ok(self) -> bool:
        return self.large <= LIMIT and self.large <= self.small


def compare(url: str) -> list[Finding]:
    small, large = measure(url, SMALL), measure(url, LARGE)
    return [Finding(i, small[i].statements, large[i].statements) for i in INTENTIONS]


def report(findings: list[Finding]) -> str:
    lines = [
        f"| intention | {SMALL.name} | {LARGE.name} | ok |",
        "|---|---|---|---|",
    ]
    for f in findings:
        lines.append(f"| {f.intention} | {f.small} | {f.large} | {'yes' if f.ok else 'NO'} |")
    return "\n".join(lines)


def record(findings: list[Finding], url: str) -> None:
    """Append the table to ``bench/RESULTS.md`` with the commit and the machine."""
    commit = _git("rev-parse", "--short", "HEAD") or "?"
    if _git("status", "--porcelain", "--", ".", ":!bench/RESULTS.md"):
        commit += " with uncommitted changes"
    backend = url.split(":", 1)[0]
    heading = (
        f"## bench/queries.py, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit}\n\n"
        f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{backend}; limit {LIMIT} statements per intention\n\n"
    )
    with RESULTS.open("a", encoding="utf-8") as results:
        results.write(heading + report(findings) + "\n\n")


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--database-url", help="a database to measure in (default: SQLite)")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'queries.db'}"
        findings = compare(url)
    print(report(findings))
    if args.record:
        record(findings, url)
    return 0 if all(f.ok for f in findings) else 1


if __name__ == "__main__":
    sys.exit(main())
