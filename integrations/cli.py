"""The ``intervision`` command: serve, db, methods, workspace and group administration;
privacy and the audit trail in ``cli_privacy``.

An admin tool (docs/decisions/0009-cli-admin-tool.md): commands other than ``serve`` log
warnings only unless ``--verbose``; a bad argument or refused request is one line on stderr
and exit code 2; what a command prints follows ``--locale``, else the workspace's language,
else Dutch.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from zoneinfo import available_timezones

from pydantic import ValidationError
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from core.domain.common import DEFAULT_LOCALE, LOCALES, Locale, Platform, is_ref
from core.domain.errors import DomainError, InvalidInput, NotFound, NotPossibleNow
from core.domain.group import Mode
from core.i18n import error_text, t
from core.methods import MethodFileError, load_library
from core.services import groups as group_services
from core.services.context import Actor, Context
from integrations.settings import Settings

EXIT_FAILED = 1
EXIT_REFUSED = 2
EXIT_INTERRUPTED = 130
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger("intervision")


class UsageError(Exception):
    """argparse's own complaint (in argparse's English): one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


@dataclass
class Output:
    """How this run speaks: in which language, and whether it tells the details."""

    locale: Locale = DEFAULT_LOCALE
    verbose: bool = False


Handler = Callable[[argparse.Namespace, Output], int]


def main(argv: Sequence[str] | None = None) -> int:
    out = Output()
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        return _refuse(str(exc))
    out.locale = args.locale or DEFAULT_LOCALE
    out.verbose = args.verbose
    quiet = args.command not in ("serve", "worker") and not out.verbose
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format=LOG_FORMAT)
    if not out.verbose:  # Alembic announces its plugins when imported: noise, even for serve
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    handler: Handler = args.handler
    try:
        return handler(args, out)
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except DomainError as exc:
        return _refuse(error_text(exc, out.locale))
    except MethodFileError as exc:
        return _refuse(t("cli.methods_broken", out.locale, problem=str(exc)))
    except Exception as exc:  # a bug, not a refusal: still one line, the details on request
        if out.verbose:
            log.exception("unexpected error")
        _refuse(t("cli.unexpected", out.locale, error=f"{type(exc).__name__}: {exc}"))
        return EXIT_FAILED


def _refuse(message: str) -> int:
    """One line on stderr, whatever the message holds (an OS or driver reason may wrap)."""
    print(f"intervision: {' '.join(message.split())}", file=sys.stderr)
    return EXIT_REFUSED


# --- the parser ---------------------------------------------------------------------------

VERBOSE_HELP = "log progress (INFO); without it only warnings are logged ('serve' always logs)"
LOCALE_HELP = "language of what the command prints (default: Dutch)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="intervision",
        description="Intervision for Slack and Microsoft Teams: run the server, administer "
        "workspaces and groups.",
        epilog="A bad argument or refused request prints one line on stderr and exits with "
        "code 2. --locale nl|en chooses the language of what a command prints; by default the "
        "workspace's language, else Dutch. Options go after the command, e.g. "
        "'intervision group list --locale en'.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help=VERBOSE_HELP)
    parser.set_defaults(locale=None)
    commands = _subcommands(parser, "command")

    _command(
        commands,
        "serve",
        "run the web server (Slack, Teams, sandbox, /healthz)",
        _serve,
        locale_help="language of a refusal at start-up, e.g. a busy port (the log is English)",
    )

    _command(
        commands,
        "worker",
        "deliver the outbox and run the retention job, without a web server (beside web "
        "processes started with OUTBOX_IN_WEB=0)",
        _worker,
    )

    db = commands.add_parser("db", help="database maintenance")
    _command(_subcommands(db, "db_command"), "upgrade", "apply the database migrations", _db)

    methods = _subcommands(commands.add_parser("methods", help="the method library"), "what")
    _command(methods, "list", "list the methods", _methods_list)
    show = _command(methods, "show", "show one method's phases", _methods_show)
    show.add_argument("id", help="a method id from 'intervision methods list'")

    workspace = commands.add_parser("workspace", help="workspace administration")
    configure = _command(
        _subcommands(workspace, "workspace_command"),
        "configure",
        "name managers, set language and time zone",
        _workspace_configure,
        locale_help="the workspace's language; this command's output follows it",
    )
    _workspace_args(configure)
    configure.add_argument("--managers", help="comma-separated user ids to name as managers")
    configure.add_argument("--managers-channel", help="channel id for trajectory reports")
    configure.add_argument("--time-zone", help="e.g. Europe/Amsterdam")
    configure.add_argument(
        "--retention-days",
        type=int,
        help="days after a meeting has ended that its case and contribution texts are removed "
        "(default: INTERVISION_RETENTION_DAYS)",
    )

    slack = _subcommands(commands.add_parser("slack", help="Slack app tools"), "slack_command")
    manifest = _command(slack, "manifest", "print the Slack app manifest (JSON)", _slack)
    manifest.add_argument("--url", required=True, help="public base URL, e.g. https://example.org")
    manifest.add_argument("--socket-mode", action="store_true", help="requests over a WebSocket")

    teams = _subcommands(commands.add_parser("teams", help="Microsoft Teams tools"), "what")
    package = _command(teams, "package", "build the Teams app package (zip)", _teams_package)
    package.add_argument("--out", default="intervision-teams.zip", help="where to write the zip")

    group = _subcommands(commands.add_parser("group", help="intervision groups"), "what")
    create = _command(
        group,
        "create",
        "add a group to an existing channel",
        _group_create,
        locale_help="the group's language (default: the workspace's); the output follows it",
    )
    _workspace_args(create)
    create.add_argument("--channel", required=True, help="the group's home channel id")
    create.add_argument("--name", required=True)
    create.add_argument("--members", required=True, help="comma-separated user ids")
    create.add_argument("--facilitator", help="user id")
    create.add_argument("--manager", action="append", default=[], help="user id (repeatable)")
    create.add_argument("--method", default="incident", help="see 'intervision methods list'")
    create.add_argument("--mode", choices=[m.value for m in Mode], default=Mode.LIVE.value)
    create.add_argument(
        "--async-days",
        type=_positive,
        help="async mode: days each phase is open (default: the method's minutes, 10 a day)",
    )
    create.add_argument(
        "--async-waits",
        action="store_true",
        help="async mode: at a phase's deadline wait for the chair (default: move on)",
    )
    listing = _command(
        group,
        "list",
        "list groups",
        _group_list,
        locale_help="language of the list (default: the workspace's, else Dutch)",
    )
    listing.add_argument("--platform", choices=[p.value for p in Platform])
    listing.add_argument("--workspace", help="only this workspace's groups (with --platform)")

    # They build on this module, now loaded.
    from integrations import cli_outbox, cli_planning, cli_privacy

    cli_planning.add_commands(commands)
    cli_privacy.add_commands(commands)
    cli_outbox.add_commands(commands)
    return parser


def _subcommands(parser: argparse.ArgumentParser, dest: str) -> argparse._SubParsersAction[_Parser]:
    return parser.add_subparsers(dest=dest, required=True, parser_class=_Parser)


def _command(
    subcommands: argparse._SubParsersAction[_Parser],
    name: str,
    help_text: str,
    handler: Handler,
    *,
    locale_help: str = LOCALE_HELP,
) -> _Parser:
    """A command that runs: ``--verbose`` is accepted here as well as before the command
    (SUPPRESS keeps the global value when it is not repeated), and ``--locale``."""
    parser = subcommands.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP
    )
    parser.add_argument("--locale", choices=LOCALES, help=locale_help)
    parser.set_defaults(handler=handler)
    return parser


def _positive(value: str) -> int:
    """An argparse type: a whole number of 1 or more."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not {value!r}")
    return number


def _workspace_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--platform", required=True, choices=[p.value for p in Platform])
    parser.add_argument("--workspace", required=True, help="Slack team id or Microsoft tenant id")


# --- commands without a database ----------------------------------------------------------


def _methods_list(args: argparse.Namespace, out: Output) -> int:
    for method in load_library(_settings().INTERVISION_METHODS_DIR):
        print(
            f"{method.id:22} {method.name(out.locale)}  "
            f"({len(method.all_phases)} {t('cli.phases', out.locale)}, "
            f"{method.total_minutes} min, ≥ {method.min_group_size})"
        )
    return 0


def _methods_show(args: argparse.Namespace, out: Output) -> int:
    locale = out.locale
    method = load_library(_settings().INTERVISION_METHODS_DIR).get(args.id)
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


def _slack(args: argparse.Namespace, out: Output) -> int:
    from integrations.slack.manifest import manifest

    if not args.url.startswith(("https://", "http://")):
        raise InvalidInput("cli.url_expected", url=args.url)
    print(json.dumps(manifest(args.url, args.socket_mode), indent=2, ensure_ascii=False))
    return 0


def _teams_package(args: argparse.Namespace, out: Output) -> int:
    from integrations.teams.package import build_package

    settings = _settings()
    if not settings.MICROSOFT_APP_ID:
        raise InvalidInput("cli.teams_app_id_missing")
    path = Path(args.out)
    try:
        build_package(path, settings)
    except OSError as exc:
        raise _unwritable(path, exc) from None
    print(t("cli.teams_package_written", out.locale, path=path))
    return 0


def _unwritable(path: Path, error: OSError, example: str = "intervision-teams.zip") -> DomainError:
    if error.errno == errno.ENOENT:
        return InvalidInput("cli.folder_missing", path=path, folder=path.parent)
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return InvalidInput("cli.write_not_allowed", path=path)
    if error.errno == errno.EISDIR:
        return InvalidInput("cli.out_is_folder", path=path, example=path / example)
    return InvalidInput("cli.cannot_write", path=path, reason=error.strerror or error)


def _serve(args: argparse.Namespace, out: Output) -> int:
    from core.storage.engine import database_url
    from integrations.server import CannotListen, serve

    settings = _settings()
    url = database_url(settings.DATABASE_URL)
    _engine(url).dispose()  # a URL SQLAlchemy cannot use is refused before the port is taken
    try:
        with _reachable(url):
            serve(settings)
    except CannotListen as exc:
        where = {"host": exc.host, "port": exc.port}
        os_error = exc.error if isinstance(exc.error, OSError) else None
        if os_error and os_error.errno == errno.EADDRINUSE:
            raise NotPossibleNow("cli.port_in_use", **where) from None
        if os_error and os_error.errno in (errno.EACCES, errno.EPERM):
            raise NotPossibleNow("cli.port_not_allowed", **where) from None
        reason = (os_error and os_error.strerror) or exc.error
        raise NotPossibleNow("cli.cannot_listen", reason=reason, **where) from None
    return 0


def _worker(args: argparse.Namespace, out: Output) -> int:
    from core.storage.engine import database_url
    from integrations.server import run_worker

    settings = _settings()
    url = database_url(settings.DATABASE_URL)
    _engine(url).dispose()
    with _reachable(url):
        run_worker(settings)
    return 0


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput("cli.bad_setting", name=first["loc"][0], reason=first["msg"]) from None


# --- commands on the database -------------------------------------------------------------


def _engine(url: str) -> Engine:
    from core.storage.engine import make_engine

    try:
        return make_engine(url)
    except (ArgumentError, ImportError) as exc:  # not a URL, or a dialect or driver we lack
        raise InvalidInput("cli.database_url_invalid", reason=exc) from None


@contextmanager
def _reachable(url: str) -> Iterator[None]:
    """A database that cannot be reached is a refusal, not a traceback."""
    try:
        yield
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise NotPossibleNow(
            "cli.database_unavailable", database=_shown(url), reason=reason
        ) from None


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _db(args: argparse.Namespace, out: Output) -> int:
    from core.storage.engine import database_url

    url = database_url(_settings().DATABASE_URL)
    engine = _engine(url)
    try:
        with _reachable(url):
            _upgrade(engine)
    finally:
        engine.dispose()
    print(t("cli.database_up_to_date", out.locale, database=_shown(url)))
    return 0


def _upgrade(engine: Engine) -> None:
    from alembic.util import CommandError

    from core.storage.migrate import upgrade

    try:
        upgrade(engine)
    except CommandError as exc:  # e.g. the database is at a revision this version lacks
        raise NotPossibleNow("cli.database_upgrade_refused", reason=exc) from None


@contextmanager
def _core(settings: Settings) -> Iterator[Context]:
    """The core's services over the database, without the platforms: an admin command opens
    no connection to Slack or Teams."""
    from core.bootstrap import bootstrap

    library = load_library(settings.INTERVISION_METHODS_DIR)
    with _database(settings) as engine:
        yield bootstrap(
            engine,
            methods=library,
            public_url=settings.public_url,
            calendar_platforms=settings.calendar_platforms,
        )


@contextmanager
def _database(settings: Settings) -> Iterator[Engine]:
    """The database at its current schema: SQLite is migrated here, as ``serve`` does;
    PostgreSQL must have been upgraded with ``intervision db upgrade``."""
    from core.storage.engine import database_url

    url = database_url(settings.DATABASE_URL)
    engine = _engine(url)
    try:
        with _reachable(url):
            if engine.dialect.name == "sqlite":
                _upgrade(engine)
            elif not _at_head(engine):
                raise NotPossibleNow("cli.database_not_upgraded", database=_shown(url))
            yield engine
    finally:
        engine.dispose()


def _at_head(engine: Engine) -> bool:
    from alembic.script import ScriptDirectory

    from core.storage.migrate import alembic_config, current_revision

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return current_revision(engine) == head


def _workspace_locale(ctx: Context, platform: str, external_id: str) -> Locale | None:
    with ctx.uow() as uow:
        found = uow.workspaces.find(Platform(platform), external_id)
        return found.locale if found else None


def _admin(ctx: Context, platform: str, external_id: str) -> Actor:
    """The installer's own actor in the workspace, which is created on first use."""
    workspace = group_services.ensure_workspace(
        ctx, platform=Platform(platform), external_id=external_id
    )
    assert workspace.id is not None
    return Actor(workspace_id=workspace.id, person="", is_admin=True)


def _workspace_configure(args: argparse.Namespace, out: Output) -> int:
    external_id = _ref(args.workspace, "--workspace")
    settings = _settings()
    with _core(settings) as ctx:
        out.locale = args.locale or _workspace_locale(ctx, args.platform, external_id) or out.locale
        managers = _ids(args.managers, "--managers") if args.managers is not None else []
        if args.managers_channel is not None:
            args.managers_channel = _ref(args.managers_channel, "--managers-channel")
        if args.time_zone is not None:
            _known_zone(args.time_zone)
        workspace = group_services.configure_workspace(
            ctx,
            actor=_admin(ctx, args.platform, external_id),
            locale=args.locale,
            time_zone=args.time_zone,
            managers_channel=args.managers_channel,
            managers=managers,
            retention_days=args.retention_days,
        )
    out.locale = workspace.locale
    languages = {"nl": t("cli.language_nl", out.locale), "en": t("cli.language_en", out.locale)}
    none = t("cli.none", out.locale)
    print(
        t(
            "cli.workspace_configured",
            out.locale,
            workspace=f"{workspace.platform.value}:{workspace.external_id}",
            language=languages[workspace.locale],
            time_zone=workspace.time_zone,
            managers=", ".join(workspace.managers) or none,
            managers_channel=workspace.managers_channel or none,
        )
    )
    retention = "privacy.retention_own" if workspace.retention_days else "privacy.retention_default"
    print(t(retention, out.locale, days=workspace.retention(settings.INTERVISION_RETENTION_DAYS)))
    return 0


def _group_create(args: argparse.Namespace, out: Output) -> int:
    external_id = _ref(args.workspace, "--workspace")
    with _core(_settings()) as ctx:
        out.locale = args.locale or _workspace_locale(ctx, args.platform, external_id) or out.locale
        name = _text(args.name, "--name")
        channel = _ref(args.channel, "--channel")
        members = _ids(args.members, "--members")
        facilitator = None if args.facilitator is None else _ref(args.facilitator, "--facilitator")
        managers = [_ref(manager, "--manager") for manager in args.manager]
        if args.method not in ctx.methods:
            raise NotFound("cli.unknown_method", method=args.method)
        created = group_services.create_group(
            ctx,
            actor=_admin(ctx, args.platform, external_id),
            name=name,
            channel=channel,
            members=members,
            facilitator=facilitator,
            managers=managers,
            method_id=args.method,
            locale=args.locale,
            mode=Mode(args.mode),
            async_days=args.async_days,
            async_waits=args.async_waits,
        )
    group = created.group
    out.locale = group.locale
    print(t("cli.group_created", out.locale, name=group.name, id=group.id, channel=group.channel))
    if created.warning:
        print(t(created.warning, out.locale))
    return 0


def _group_list(args: argparse.Namespace, out: Output) -> int:
    if args.workspace is not None and args.platform is None:
        raise InvalidInput("cli.platform_needed")
    with _core(_settings()) as ctx, ctx.uow() as uow:
        workspace_id = None
        if args.workspace is not None:
            external_id = _ref(args.workspace, "--workspace")
            found = uow.workspaces.find(Platform(args.platform), external_id)
            if found is None:
                raise NotFound(
                    "cli.workspace_unknown", workspace=f"{args.platform}:{args.workspace}"
                )
            workspace_id = found.id
            out.locale = args.locale or found.locale
        groups = [
            (group, uow.workspaces.get(group.workspace_id))
            for group in uow.groups.list(workspace_id)
        ]
    shown = [(g, ws) for g, ws in groups if args.platform in (None, ws.platform.value)]
    if not shown:
        print(t("cli.no_groups", out.locale))
    for group, ws in shown:
        summary = t(
            "cli.group_summary", out.locale, members=len(group.members), method=group.method_id
        )
        place = f"{ws.platform.value}:{ws.external_id}"
        print(f"{group.id:4}  {place}  {group.channel}  {group.name}  ({summary})")
    return 0


def _text(value: str, option: str) -> str:
    if not value.strip():
        raise InvalidInput("cli.option_empty", option=option)
    return value.strip()


def _ref(value: str, option: str) -> str:
    """An id given with ``option`` (a workspace, channel or person): refused when it is
    empty or cannot be one (too long, control characters)."""
    if not is_ref(_text(value, option)):
        raise InvalidInput("cli.not_an_id", option=option)
    return value.strip()


def _ids(value: str, option: str) -> list[str]:
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise InvalidInput("cli.ids_expected", option=option)
    return [_ref(item, option) for item in items]


def _known_zone(value: str) -> None:
    if value not in available_timezones():
        raise InvalidInput("cli.unknown_time_zone", zone=value)


if __name__ == "__main__":  # `python -m integrations.cli`: run the module proper, so that
    from integrations import cli  # the privacy commands, which import it, share its classes

    raise SystemExit(cli.main())
