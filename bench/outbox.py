"""Benchmark: delivering thread posts over many channels at Slack's per-channel rate limit.

    .venv/bin/python -m bench.outbox [--posts 200] [--channels 20] [--repetitions 3]
                                     [--spacing 0 --spacing 1] [--database-url URL] [--record]

A local fake Slack (``tests/support/slack_fake.py``, on 127.0.0.1) accepts one
``chat.postMessage`` per channel per second and answers a faster one 429 with
``Retry-After`` (whole seconds, rounded up, as Slack does). ``--channels`` groups each have
a meeting whose message is posted; then ``--posts`` thread posts, spread evenly over the
meetings, are queued at once and timed until the last is delivered:

- **ours**: the real outbox worker (``core.jobs.outbox_worker``, its default 4 deliveries
  at once) with the real delivery path and Slack messenger, per ``--spacing``
  (``OUTBOX_SPACING_SECONDS``);
- **loop**: a channel-aware loop over slack_sdk's ``WebClient`` posting the same blocks,
  each channel again one second after its previous answer (and after a ``Retry-After``);
- **bound**: the lower bound, ``(ceil(posts / channels) - 1)`` seconds.

Then the same without the limit (messages per second, ours against a plain ``WebClient``
loop). Runs alternate ours and the loop, ``--repetitions`` times; the table gives medians
with their spread and the ratios of the medians (``--record`` appends it to
``bench/RESULTS.md``). Every run is bounded in time (``deadline``); a run that did not
deliver everything, or posted a meeting's thread out of order, fails (exit 1).
``tests/integration/test_outbox_bench.py`` runs it tiny in CI, with no claim on time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.domain.common import Platform, SystemClock
from core.jobs.outbox_worker import OutboxWorker, parked, pending_count, run_once
from core.services import groups, meetings, notify, queries
from core.services.context import Actor
from core.services.ports import Notification
from core.storage.migrate import upgrade
from core.views.meeting import started
from integrations.server import App, build_app
from integrations.settings import Settings
from integrations.slack import blocks
from tests.support.slack_fake import TEAM, FakeSlack

RESULTS = Path(__file__).with_name("RESULTS.md")
PACE = 1.0
"""Seconds between two posts in one channel that the fake Slack accepts."""
MEMBERS = [f"U0BENCH{n:03d}" for n in range(5)]
FACILITATOR = "U0BENCHLEAD"
TOKEN = "xoxb-bench-token"


@dataclass(frozen=True)
class World:
    app: App
    fake: FakeSlack
    workspace_id: int
    meetings: dict[str, tuple[int, int]]
    """Channel -> its group and the meeting in it."""
    roots: dict[str, str]
    """Channel -> the ts of its meeting's message."""
    payload: dict[str, Any]
    """What a thread post sends (blocks and text), for the loop to send the same."""


@dataclass(frozen=True)
class Run:
    seconds: float
    delivered: int
    refused: int
    """Posts the fake answered 429."""
    in_order: bool = True


@contextmanager
def world(url: str, channels: int) -> Iterator[World]:
    """An app on the database at ``url`` against a fake Slack; ``channels`` groups, each with
    a meeting whose message is posted (and everything else that start queued delivered)."""
    fake = FakeSlack().start()
    fake.teams[TOKEN] = TEAM
    settings = Settings(
        DATABASE_URL=url,
        PORT=0,
        SANDBOX=False,
        SLACK_SIGNING_SECRET="bench-secret",
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_API_URL=fake.api_url,
    )
    app = build_app(settings)
    try:
        upgrade(app.background)
        ctx = app.ctx
        workspace = groups.ensure_workspace(ctx, platform=Platform.SLACK, external_id=TEAM)
        assert workspace.id is not None
        admin = Actor(workspace.id, "", is_admin=True)
        found: dict[str, tuple[int, int]] = {}
        for number in range(channels):
            channel = f"C0BENCH{number:04d}"
            fake.members[channel] = [*MEMBERS, FACILITATOR]
            group = groups.create_group(
                ctx,
                actor=admin,
                name=f"Bench {number}",
                channel=channel,
                members=MEMBERS,
                facilitator=FACILITATOR,
            ).group
            assert group.id is not None
            starter = Actor(workspace.id, MEMBERS[0])
            begun = meetings.start_meeting(ctx, actor=starter, group_id=group.id)
            found[channel] = (group.id, begun.meeting.id or 0)
        _drain(app)
        roots = {}
        for channel, (_, meeting_id) in found.items():
            post = queries.meeting_post(ctx, meeting_id=meeting_id)
            assert post is not None and post.ref is not None
            roots[channel] = post.ref
        _, first = next(iter(found.values()))
        snapshot = queries.meeting_snapshot(ctx, meeting_id=first, viewer=None)
        payload = blocks.message(started(snapshot))
        yield World(app, fake, workspace.id, found, roots, payload)
    finally:
        app.dispose()
        fake.stop()


def _drain(app: App) -> None:
    now = datetime.now(UTC)
    for _ in range(100):
        if not run_once(app.background, app.deliver, now=now, limit=1000).claimed:
            break
        now += timedelta(minutes=1)
    assert pending_count(app.background) == 0 and not parked(app.background), "set-up failed"


def spread(posts: int, channels: list[str]) -> list[str]:
    """The channel of each post: round the channels, so each gets its share."""
    return [channels[n % len(channels)] for n in range(posts)]


def ours(here: World, posts: int, *, spacing: float, deadline: float) -> Run:
    """Queue ``posts`` thread posts over the meetings, then time the real worker until the
    last is delivered (or ``deadline`` seconds passed)."""
    app, fake = here.app, here.fake
    channels = spread(posts, list(here.meetings))
    with app.ctx.uow() as uow:
        for channel in channels:
            group_id, meeting_id = here.meetings[channel]
            note = Notification(
                topic=notify.THREAD,
                workspace_id=here.workspace_id,
                group_id=group_id,
                meeting_id=meeting_id,
                data={"view": "started"},
                sequence=notify.sequence_of(meeting_id),
            )
            uow.outbox.add(note, now=datetime.now(UTC))
        uow.commit()
    before = len(fake.of("chat.postMessage")), fake.rate_limited
    worker = OutboxWorker(app.background, app.deliver, clock=SystemClock(), spacing=spacing)
    began = time.perf_counter()
    worker.start()
    try:
        while pending_count(app.background) and time.perf_counter() - began < deadline:
            time.sleep(0.01)
        seconds = time.perf_counter() - began
    finally:
        worker.stop()
    left = pending_count(app.background) + len(parked(app.background))
    sent = [c for c in fake.of("chat.postMessage")[before[0] :] if c.args.get("thread_ts")]
    keys: dict[str, list[int]] = {}
    for call in sent:
        if call.args.get("metadata"):
            key = _key(call.args["metadata"])
            keys.setdefault(str(call.args["channel"]), []).append(key)
    in_order = all(k == sorted(k) for k in keys.values())
    refused = fake.rate_limited - before[1]
    return Run(seconds, posts - left, refused, in_order)


def loop(here: World, posts: int, *, paced: bool, deadline: float) -> Run:
    """The baseline: slack_sdk's ``WebClient`` posting the same blocks in each channel's
    thread, in one thread; with ``paced``, each channel again ``PACE`` seconds after its
    previous answer, or after a 429's ``Retry-After``."""
    client = WebClient(token=TOKEN, base_url=here.fake.api_url)
    left = {channel: 0 for channel in here.meetings}
    for channel in spread(posts, list(here.meetings)):
        left[channel] += 1
    ready = dict.fromkeys(here.meetings, 0.0)
    before = here.fake.rate_limited
    began = time.perf_counter()
    while any(left.values()) and time.perf_counter() - began < deadline:
        now = time.perf_counter()
        due = [c for c, n in left.items() if n and ready[c] <= now]
        if not due:
            time.sleep(max(min(ready[c] for c, n in left.items() if n) - now, 0.0))
            continue
        for channel in due:
            try:
                client.chat_postMessage(
                    channel=channel, thread_ts=here.roots[channel], **here.payload
                )
            except SlackApiError as exc:
                wait = float(exc.response.headers.get("Retry-After") or PACE)
                ready[channel] = time.perf_counter() + wait
                continue
            left[channel] -= 1
            if paced:
                ready[channel] = time.perf_counter() + PACE
    seconds = time.perf_counter() - began
    return Run(seconds, posts - sum(left.values()), here.fake.rate_limited - before)


def _key(metadata: Any) -> int:
    """The outbox row of a post, from the key in its metadata (``outbox-<id>``)."""
    found = json.loads(metadata) if isinstance(metadata, str) else metadata
    return int(str(found["event_payload"]["key"]).removeprefix("outbox-").split(".")[0])


# ---------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class Figure:
    """One line of the table: ours against a baseline, each over the repetitions."""

    name: str
    unit: str
    ours: list[Run]
    baseline: list[Run]
    baseline_name: str
    bound: float | None = None
    """The lower bound in seconds (limited runs)."""
    posts: int = 0

    def value(self, run: Run) -> float:
        return run.seconds if self.unit == "s" else run.delivered / run.seconds

    @property
    def ratio(self) -> float:
        ours = statistics.median(self.value(r) for r in self.ours)
        theirs = statistics.median(self.value(r) for r in self.baseline)
        return ours / theirs if self.unit == "s" else theirs / ours

    @property
    def ok(self) -> bool:
        runs = self.ours + self.baseline
        return all(r.delivered == self.posts and r.in_order for r in runs)


def compare(
    url: str,
    *,
    posts: int,
    channels: int,
    repetitions: int = 3,
    spacings: tuple[float, ...] = (0.0, 1.0),
) -> list[Figure]:
    """Every figure, ours against its baseline, alternating which runs first."""
    bound = (math.ceil(posts / channels) - 1) * PACE
    deadline = 5 * bound + 30
    figures = []
    with world(url, channels) as here:
        for spacing in spacings:
            mine, theirs = _alternate(
                repetitions,
                partial(ours, here, posts, spacing=spacing, deadline=deadline),
                partial(loop, here, posts, paced=True, deadline=deadline),
                before=lambda: _limit(here, PACE),
            )
            name = f"{posts} posts / {channels} channels, 1/s per channel, spacing {spacing:g} s"
            figures.append(Figure(name, "s", mine, theirs, "channel-aware loop", bound, posts))
        mine, theirs = _alternate(
            repetitions,
            partial(ours, here, posts, spacing=0.0, deadline=deadline),
            partial(loop, here, posts, paced=False, deadline=deadline),
            before=lambda: _limit(here, None),
        )
        name = f"{posts} posts / {channels} channels, no limit"
        figures.append(Figure(name, "msg/s", mine, theirs, "plain loop", None, posts))
    return figures


def _limit(here: World, pace: float | None) -> None:
    """Every channel's window open again, at ``pace`` (None: no limit)."""
    here.fake.pace = None
    time.sleep(PACE)
    here.fake.pace = pace


def _alternate(
    repetitions: int,
    first: Callable[[], Run],
    second: Callable[[], Run],
    *,
    before: Callable[[], None],
) -> tuple[list[Run], list[Run]]:
    mine: list[Run] = []
    theirs: list[Run] = []
    for n in range(repetitions):
        order = [(first, mine), (second, theirs)]
        for run, into in order if n % 2 == 0 else reversed(order):
            before()
            into.append(run())
    return mine, theirs


def report(figures: list[Figure]) -> str:
    lines = [
        "| measure | ours (median, spread) | baseline (median, spread) | ratio | lower bound "
        "| ratio to it | 429s answered to ours | all delivered, in order |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        bound = f"{f.bound:.0f} s" if f.bound is not None else "–"
        to_bound = "–"
        if f.bound:
            to_bound = f"{statistics.median(r.seconds for r in f.ours) / f.bound:.2f}"
        refused = statistics.median(r.refused for r in f.ours)
        lines.append(
            f"| {f.name} | {_figure(f, f.ours)} | {f.baseline_name}: {_figure(f, f.baseline)} "
            f"| {f.ratio:.2f} | {bound} | {to_bound} | {refused:.0f} | "
            f"{'yes' if f.ok else 'NO'} |"
        )
    return "\n".join(lines)


def _figure(figure: Figure, runs: list[Run]) -> str:
    values = [figure.value(r) for r in runs]
    low, high = min(values), max(values)
    digits = 2 if figure.unit == "s" else 0
    return (
        f"{statistics.median(values):.{digits}f} {figure.unit} ({low:.{digits}f}–{high:.{digits}f})"
    )


def record(figures: list[Figure], url: str, repetitions: int) -> None:
    """Append the table to ``bench/RESULTS.md`` with the commit and the machine."""
    commit = _git("rev-parse", "--short", "HEAD") or "?"
    if _git("status", "--porcelain", "--", ".", ":!bench/RESULTS.md"):
        commit += " with uncommitted changes"
    backend = url.split(":", 1)[0]
    heading = (
        f"## bench/outbox.py, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit}\n\n"
        f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{backend}; {repetitions} repetitions, alternating; the fake Slack accepts one post "
        f"per channel per {PACE:g} s\n\n"
    )
    with RESULTS.open("a", encoding="utf-8") as results:
        results.write(heading + report(figures) + "\n\n")


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument(
        "--spacing", type=float, action="append", help="OUTBOX_SPACING_SECONDS (repeatable)"
    )
    parser.add_argument("--database-url", help="a database to measure in (default: SQLite)")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args(argv)
    if not 1 <= args.channels <= args.posts <= 5000:
        parser.error("1 <= channels <= posts <= 5000")
    spacings = tuple(args.spacing or (0.0, 1.0))
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'outbox.db'}"
        figures = compare(
            url,
            posts=args.posts,
            channels=args.channels,
            repetitions=args.repetitions,
            spacings=spacings,
        )
    print(report(figures))
    if args.record:
        record(figures, url, args.repetitions)
    return 0 if all(f.ok for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
