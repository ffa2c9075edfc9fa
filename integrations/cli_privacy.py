"""The privacy commands of ``intervision``: ``privacy export | erase | purge`` and
``audit list`` (docs/decisions/0012). Like every command they only translate: arguments
-> a core service -> lines in the chosen language; refusals are one line, exit code 2.

Imported by ``integrations.cli.build_parser`` once that module is loaded."""

from __future__ import annotations

import argparse
import getpass
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from core.domain.common import Locale, Platform
from core.domain.errors import InvalidInput, NotFound
from core.domain.privacy import SYSTEM, is_erased
from core.domain.workspace import Workspace
from core.i18n import t
from core.services import privacy, retention
from core.services.context import Actor, Context
from integrations import cli

CLI_PURGE_BATCH = 500
AUDIT_LINES = 50


def add_commands(commands: argparse._SubParsersAction[cli._Parser]) -> None:
    group = commands.add_parser("privacy", help="retention, export and erasure of personal data")
    what = cli._subcommands(group, "what")
    export = cli._command(
        what,
        "export",
        "write everything held on a person in a workspace as JSON",
        _export,
        locale_help="language of the confirmation (default: the workspace's)",
    )
    _person_args(export)
    export.add_argument(
        "--out", help="write to this file (readable by its owner only) instead of stdout"
    )
    erase = cli._command(
        what,
        "erase",
        "remove or anonymise everything held on a person in a workspace",
        _erase,
        locale_help="language of the summary (default: the workspace's)",
    )
    _person_args(erase)
    purge = cli._command(
        what, "purge", "remove the texts whose retention has passed (run it from cron)", _purge
    )
    purge.add_argument(
        "--limit",
        type=cli._positive,
        default=CLI_PURGE_BATCH,
        help=f"at most this many meetings in one run (default {CLI_PURGE_BATCH})",
    )

    audit = cli._subcommands(
        commands.add_parser("audit", help="the audit trail of purges, exports and erasures"),
        "what",
    )
    listing = cli._command(
        audit,
        "list",
        "show the audit trail, newest first, one line per entry",
        _audit_list,
        locale_help="language of the list (default: the workspace's, else Dutch)",
    )
    listing.add_argument("--platform", choices=[p.value for p in Platform])
    listing.add_argument("--workspace", help="only this workspace's entries (with --platform)")
    listing.add_argument(
        "--limit", type=cli._positive, default=AUDIT_LINES, help=f"default {AUDIT_LINES}"
    )


def _person_args(parser: argparse.ArgumentParser) -> None:
    cli._workspace_args(parser)
    parser.add_argument("--user", required=True, help="the person's user id in that workspace")


# --- the commands -------------------------------------------------------------------------


def _export(args: argparse.Namespace, out: cli.Output) -> int:
    external_id = cli._text(args.workspace, "--workspace")
    person = _person(args.user)
    target = Path(args.out) if args.out is not None else None
    with cli._core(cli._settings()) as ctx:
        workspace = _known(ctx, args.platform, external_id)
        out.locale = args.locale or workspace.locale
        sink = _private_file(target) if target is not None else None  # refused before reading
        try:
            export = privacy.export_person(
                ctx, actor=_admin(workspace), person=person, requested_by=_requester()
            )
            if sink is None:
                print(export.model_dump_json(indent=2))
                return 0
            with sink:
                sink.write(export.model_dump_json(indent=2) + "\n")
        except OSError as exc:
            assert target is not None
            raise cli._unwritable(target, exc, example="export.json") from None
    print(
        t(
            "privacy.exported",
            out.locale,
            person=person,
            workspace=_label(workspace),
            path=target,
            summary=_summary(export.counts(), out.locale),
        )
    )
    return 0


def _erase(args: argparse.Namespace, out: cli.Output) -> int:
    external_id = cli._text(args.workspace, "--workspace")
    person = _person(args.user)
    with cli._core(cli._settings()) as ctx:
        workspace = _known(ctx, args.platform, external_id)
        out.locale = args.locale or workspace.locale
        erased = privacy.erase_person(
            ctx, actor=_admin(workspace), person=person, requested_by=_requester()
        )
    where = {"person": person, "workspace": _label(workspace)}
    if not erased.rows:
        print(t("privacy.nothing_held", out.locale, **where))
        return 0
    print(t("privacy.erased", out.locale, summary=_summary(erased.counts, out.locale), **where))
    for name in erased.without_facilitator:
        print(t("privacy.no_facilitator_now", out.locale, group=name))
    for name in erased.without_manager:
        print(t("privacy.no_manager_now", out.locale, group=name))
    return 0


def _purge(args: argparse.Namespace, out: cli.Output) -> int:
    settings = cli._settings()
    with cli._core(settings) as ctx:
        run = retention.purge_expired(
            ctx,
            default_days=settings.INTERVISION_RETENTION_DAYS,
            requested_by=_requester(),
            limit=args.limit,
        )
        with ctx.uow() as uow:
            places = {p.workspace_id: uow.workspaces.get(p.workspace_id) for p in run.purged}
    if not run.purged:
        print(t("privacy.nothing_due", out.locale))
    for done in run.purged:
        print(
            t(
                "privacy.purged",
                out.locale,
                workspace=_label(places[done.workspace_id]),
                days=done.days,
                summary=_summary(done.counts, out.locale),
            )
        )
    if run.more_due:
        print(t("privacy.more_due", out.locale))
    return 0


def _audit_list(args: argparse.Namespace, out: cli.Output) -> int:
    if args.workspace is not None and args.platform is None:
        raise InvalidInput("cli.platform_needed")
    if args.platform is not None and args.workspace is None:
        raise InvalidInput("audit.workspace_needed")
    with cli._core(cli._settings()) as ctx:
        workspace_id = None
        if args.workspace is not None:
            workspace = _known(ctx, args.platform, cli._text(args.workspace, "--workspace"))
            workspace_id = workspace.id
            out.locale = args.locale or workspace.locale
        lines = privacy.audit_trail(ctx, workspace_id=workspace_id, limit=args.limit)
    if not lines:
        print(t("audit.none", out.locale))
    for line in lines:
        print(_audit_line(line, out.locale))
    return 0


# --- helpers ------------------------------------------------------------------------------


def _audit_line(line: privacy.AuditLine, locale: Locale) -> str:
    entry = line.entry
    who = t("audit.system", locale) if entry.requested_by == SYSTEM else entry.requested_by
    rows = t("audit.rows", locale, rows=entry.rows)
    detail = f" ({_summary(entry.detail, locale)})" if entry.detail else ""
    return "  ".join(
        (
            entry.at.strftime("%Y-%m-%d %H:%M:%SZ"),
            _label(line.workspace),
            t(f"audit.action.{entry.action.value}", locale),
            entry.person or "-",
            who,
            rows + detail,
        )
    )


def _summary(counts: Mapping[str, int], locale: Locale) -> str:
    said = [
        f"{t(f'privacy.item.{kind}', locale)}: {n}" for kind, n in privacy.in_order(counts) if n
    ]
    return ", ".join(said) or t("privacy.item.none", locale)


def _person(value: str) -> str:
    person = cli._text(value, "--user")
    if is_erased(person):
        raise InvalidInput("privacy.not_a_person", user=person)
    return person


def _known(ctx: Context, platform: str, external_id: str) -> Workspace:
    """The workspace, which must exist: exporting or erasing never creates one."""
    with ctx.uow() as uow:
        found = uow.workspaces.find(Platform(platform), external_id)
    if found is None:
        raise NotFound("cli.workspace_unknown", workspace=f"{platform}:{external_id}")
    return found


def _admin(workspace: Workspace) -> Actor:
    assert workspace.id is not None
    return Actor(workspace_id=workspace.id, person="", is_admin=True)


def _label(workspace: Workspace) -> str:
    return f"{workspace.platform.value}:{workspace.external_id}"


def _requester() -> str:
    """Who asked, for the audit trail: the admin running the command, by login name."""
    try:
        return f"admin:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in the environment or the user database
        return "admin"


def _private_file(path: Path) -> TextIO:
    """Open ``path`` for writing, readable and writable by its owner only: an export holds
    what the person wrote."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        if stat.S_ISREG(os.fstat(descriptor).st_mode):  # not a device such as /dev/stdout
            os.fchmod(descriptor, 0o600)  # an existing file keeps no wider permissions
    except OSError as exc:
        raise cli._unwritable(path, exc, example="export.json") from None
    return os.fdopen(descriptor, "w", encoding="utf-8")
