"""``intervision outbox``: what could not be delivered, and sending it again.

A delivery the platform refused for good (a channel closed to the app, a message too
large) or that failed ``MAX_ATTEMPTS`` times is parked: kept, never retried by itself.
``outbox list`` shows parked rows without their content (ids, what, why); ``outbox
retry`` gives them a fresh set of attempts once the cause is fixed.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from core.domain.errors import InvalidInput
from core.i18n import t
from core.jobs.outbox_worker import parked, requeue
from integrations import cli

LIST_LINES = 50


def add_commands(commands: argparse._SubParsersAction[cli._Parser]) -> None:
    what = cli._subcommands(
        commands.add_parser("outbox", help="messages that could not be delivered"), "what"
    )
    listing = cli._command(
        what, "list", "show the parked messages, newest first, without their content", _list
    )
    listing.add_argument(
        "--limit", type=cli._positive, default=LIST_LINES, help=f"default {LIST_LINES}"
    )
    retry = cli._command(what, "retry", "deliver parked messages again", _retry)
    retry.add_argument(
        "ids", nargs="*", type=cli._positive, help="ids from 'intervision outbox list'"
    )
    retry.add_argument("--all", action="store_true", help="every parked message")


def _list(args: argparse.Namespace, out: cli.Output) -> int:
    with cli._database(cli._settings()) as engine:
        rows = parked(engine, limit=args.limit)
    if not rows:
        print(t("outbox.none", out.locale))
    for row in rows:
        note = row.notification
        view = note.data.get("view")
        about = " ".join(
            f"{name}={value}"
            for name, value in (
                ("workspace", note.workspace_id),
                ("group", note.group_id),
                ("meeting", note.meeting_id),
            )
            if value is not None
        )
        what = f"{note.topic}:{view}" if view else note.topic
        error = (row.last_error or "").splitlines()[0] if row.last_error else "-"
        queued = row.created_at.strftime("%Y-%m-%d %H:%M")
        print(f"{row.id:6}  {queued}  {what}  {about}  attempts={row.attempts}  {error}")
    return 0


def _retry(args: argparse.Namespace, out: cli.Output) -> int:
    if bool(args.ids) == args.all:
        raise InvalidInput("outbox.ids_or_all")
    now = datetime.now(UTC)
    with cli._database(cli._settings()) as engine:
        ids = [row.id for row in parked(engine, limit=100_000)] if args.all else args.ids
        again = [outbox_id for outbox_id in ids if requeue(engine, outbox_id, now=now)]
    missing = sorted(set(ids) - set(again))
    print(t("outbox.requeued", out.locale, count=len(again)))
    if missing:
        print(t("outbox.not_parked", out.locale, ids=", ".join(map(str, missing))))
    return 0
