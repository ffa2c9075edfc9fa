"""The ``intervision`` command: serve, db, methods, workspace and group administration."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from pydantic import ValidationError

from core.domain.common import Locale, Platform
from core.domain.errors import DomainError
from core.domain.group import Mode
from core.i18n import error_text, t
from core.methods import MethodFileError, load_library
from core.services import groups as group_services
from core.services.context import Actor, Context
from integrations.settings import Settings

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad arguments: one line on stderr, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _ids(value: str) -> list[str]:
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise argparse.ArgumentTypeError("expected a comma-separated list of ids")
    return items


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="intervision", description="Intervision for Slack and Microsoft Teams.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    commands.add_parser("serve", help="run the web server (Slack, Teams, sandbox, /healthz)")

    db = commands.add_parser("db", help="database maintenance")
    db.add_subparsers(dest="db_command", required=True, parser_class=_Parser).add_parser(
        "upgrade", help="apply the database migrations"
    )

    methods = commands.add_parser("methods", help="the method library")
    methods_sub = methods.add_subparsers(
        dest="methods_command", required=True, parser_class=_Parser
    )
    listing = methods_sub.add_parser("list", help="list the methods")
    listing.add_argument("--locale", choices=["nl", "en"], default="nl")
    show = methods_sub.add_parser("show", help="show one method's phases")
    show.add_argument("id")
    show.add_argument("--locale", choices=["nl", "en"], default="nl")

    workspace = commands.add_parser("workspace", help="workspace administration")
    ws_sub = workspace.add_subparsers(dest="workspace_command", required=True, parser_class=_Parser)
    configure = ws_sub.add_parser("configure", help="name managers, set language and time zone")
    _workspace_args(configure)
    configure.add_argument("--managers", type=_ids, default=[])
    configure.add_argument("--managers-channel")
    configure.add_argument("--locale", choices=["nl", "en"])
    configure.add_argument("--time-zone")

    slack = commands.add_parser("slack", help="Slack app tools")
    slack_sub = slack.add_subparsers(dest="slack_command", required=True, parser_class=_Parser)
    slack_manifest = slack_sub.add_parser("manifest", help="print the Slack app manifest (JSON)")
    slack_manifest.add_argument(
        "--url", required=True, type=_https_url, help="public base URL, e.g. https://example.org"
    )
    slack_manifest.add_argument("--socket-mode", action="store_true")

    teams = commands.add_parser("teams", help="Microsoft Teams tools")
    teams_sub = teams.add_subparsers(dest="teams_command", required=True, parser_class=_Parser)
    package = teams_sub.add_parser("package", help="build the Teams app package (zip)")
    package.add_argument("--out", default="intervision-teams.zip", help="where to write the zip")

    group = commands.add_parser("group", help="intervision groups")
    group_sub = group.add_subparsers(dest="group_command", required=True, parser_class=_Parser)
    create = group_sub.add_parser("create", help="add a group to an existing channel")
    _workspace_args(create)
    create.add_argument("--channel", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--members", required=True, type=_ids)
    create.add_argument("--facilitator")
    create.add_argument("--manager", action="append", default=[])
    create.add_argument("--method", default="incident")
    create.add_argument("--locale", choices=["nl", "en"])
    create.add_argument("--mode", choices=["live", "async"], default="live")
    group_list = group_sub.add_parser("list", help="list groups")
    group_list.add_argument("--platform", choices=[p.value for p in Platform])
    group_list.add_argument("--workspace")
    return parser


def _https_url(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise argparse.ArgumentTypeError(f"expected a URL like https://example.org, got {value!r}")
    return value


def _workspace_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--platform", required=True, choices=[p.value for p in Platform])
    parser.add_argument("--workspace", required=True, help="Slack team id or Microsoft tenant id")


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        args = build_parser().parse_args(argv)
        return _run(args)
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    except UsageError as exc:
        print(f"intervision: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except MethodFileError as exc:
        print(f"intervision: method file {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValidationError as exc:
        first = exc.errors()[0]
        print(f"intervision: setting {first['loc'][0]}: {first['msg']}", file=sys.stderr)
        return EXIT_USAGE
    except DomainError as exc:
        print(f"intervision: {error_text(exc, 'en')}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "methods":
        return _methods(args)
    if args.command == "slack":
        from integrations.slack.manifest import manifest

        print(json.dumps(manifest(args.url, args.socket_mode), indent=2, ensure_ascii=False))
        return 0
    settings = Settings()
    if args.command == "serve":
        from integrations.server import serve

        serve(settings)
        return 0
    if args.command == "teams":
        from integrations.teams.package import build_package

        if not settings.MICROSOFT_APP_ID:
            raise UsageError("set MICROSOFT_APP_ID to build the Teams app package")
        print(f"wrote {build_package(Path(args.out), settings)}")
        return 0
    if args.command == "db":
        from core.storage.engine import database_url
        from core.storage.migrate import upgrade

        upgrade(database_url(settings.DATABASE_URL))
        print("database is up to date")
        return 0
    from integrations.server import build_app

    app = build_app(settings)
    try:
        if args.command == "workspace":
            return _workspace(app.ctx, args)
        return _group(app.ctx, args)
    finally:
        app.engine.dispose()


def _methods(args: argparse.Namespace) -> int:
    locale: Locale = args.locale
    library = load_library(Settings().INTERVISION_METHODS_DIR)
    if args.methods_command == "list":
        for method in library:
            print(
                f"{method.id:22} {method.name(locale)}  "
                f"({len(method.all_phases)} {t('cli.phases', locale)}, "
                f"{method.total_minutes} min, ≥ {method.min_group_size})"
            )
        return 0
    try:
        method = library.get(args.id)
    except DomainError as exc:
        raise UsageError(error_text(exc, locale)) from None
    print(f"{method.name(locale)} ({method.id})\n{method.summary(locale)}\n")
    for number, phase in enumerate(method.all_phases, start=1):
        kinds = ", ".join(t(f"kind.{k.value}", locale) for k in phase.kinds)
        print(
            f"{number:2}. {phase.title(locale)} — {phase.minutes} min · "
            f"{t(f'speakers.{phase.speakers.value}', locale)} · {kinds}"
            + (f" · {t('rule.write_first', locale)}" if phase.write_first else "")
        )
        print(f"    {phase.prompt(locale)}")
    print(f"\n{t('cli.source', locale)}: {method.source}")
    return 0


def _admin(ctx: Context, args: argparse.Namespace) -> Actor:
    workspace = group_services.ensure_workspace(
        ctx, platform=Platform(args.platform), external_id=args.workspace
    )
    assert workspace.id is not None
    return Actor(workspace_id=workspace.id, person="", is_admin=True)


def _workspace(ctx: Context, args: argparse.Namespace) -> int:
    workspace = group_services.configure_workspace(
        ctx,
        actor=_admin(ctx, args),
        locale=args.locale,
        time_zone=args.time_zone,
        managers_channel=args.managers_channel,
        managers=args.managers,
    )
    print(
        f"workspace {workspace.platform.value}:{workspace.external_id} — "
        f"locale {workspace.locale}, time zone {workspace.time_zone}, "
        f"managers {', '.join(workspace.managers) or '-'}"
    )
    return 0


def _group(ctx: Context, args: argparse.Namespace) -> int:
    if args.group_command == "list":
        with ctx.uow() as uow:
            workspace_id = None
            if args.workspace and args.platform:
                found = uow.workspaces.find(Platform(args.platform), args.workspace)
                if found is None:
                    print("no such workspace", file=sys.stderr)
                    return 1
                workspace_id = found.id
            for group in uow.groups.list(workspace_id):
                ws = uow.workspaces.get(group.workspace_id)
                print(
                    f"{group.id:4}  {ws.platform.value}:{ws.external_id}  {group.channel}  "
                    f"{group.name}  ({len(group.members)} members, method {group.method_id})"
                )
        return 0
    if args.method not in ctx.methods:
        raise UsageError(f"unknown method {args.method!r}; see 'intervision methods list'")
    created = group_services.create_group(
        ctx,
        actor=_admin(ctx, args),
        name=args.name,
        channel=args.channel,
        members=args.members,
        facilitator=args.facilitator,
        managers=args.manager,
        method_id=args.method,
        locale=args.locale,
        mode=Mode(args.mode),
    )
    locale = created.group.locale
    print(t("group.created", locale, name=created.group.name) + f" (id {created.group.id})")
    if created.warning:
        print(t(created.warning, locale))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
