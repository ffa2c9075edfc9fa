"""Benchmark: whole incident meetings through the services on a real database.

    .venv/bin/python -m bench.meeting_throughput [--meetings 20] [--database-url URL]

(an empty database: it creates groups named G0, G1, ... in workspace TBENCH).

Prints meetings per second, contributions per second and peak memory. A goal to keep:
on the 2-core reference machine, a contribution (load, rules, save, outbox) takes well
under 20 ms on SQLite, so one process keeps up with many live groups at once.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from core.domain.common import Platform
from core.methods import load_library
from core.services import groups, meetings, preparation
from core.services.context import Actor, Context
from core.storage.engine import make_engine
from core.storage.migrate import upgrade
from core.storage.uow import make_uow_factory
from tests.support.drive import play_to_the_end


def run(url: str, count: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    ctx = Context(uow=make_uow_factory(engine), methods=load_library())
    workspace = groups.ensure_workspace(ctx, platform=Platform.SLACK, external_id="TBENCH")
    assert workspace.id is not None
    admin = Actor(workspace.id, "", is_admin=True)
    members = [f"U{i}" for i in range(6)]
    started = time.perf_counter()
    contributions = 0
    for n in range(count):
        group = groups.create_group(
            ctx, actor=admin, name=f"G{n}", channel=f"C{n}", members=members, facilitator="F"
        ).group
        assert group.id is not None
        owner = Actor(workspace.id, members[0])
        case = preparation.submit_case(
            ctx, actor=owner, group_id=group.id, title="t", help_question="q"
        )
        meeting = meetings.start_meeting(ctx, actor=owner, group_id=group.id).meeting
        assert meeting.id is not None and case.id is not None
        meetings.choose_case(
            ctx, actor=Actor(workspace.id, "F"), meeting_id=meeting.id, case_id=case.id
        )
        play_to_the_end(ctx, workspace_id=workspace.id, meeting_id=meeting.id, facilitator="F")
        with ctx.uow() as uow:
            contributions += len(uow.meetings.get(meeting.id).contributions)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{count} meetings, {contributions} contributions in {elapsed:.2f} s: "
        f"{count / elapsed:.2f} meetings/s, {1000 * elapsed / contributions:.1f} ms per "
        f"contribution (including phase changes); peak memory {peak_mb:.0f} MB"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=20)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}", args.meetings)


if __name__ == "__main__":
    main()
