"""``intervision trajectory | meeting | tasks | calendar``: planning from the command line.

Times are read as local wall-clock times (``YYYY-MM-DD HH:MM``) in a named time zone
(``--time-zone``, default the workspace's) and printed in the zone each meeting was
planned in. A time the clocks skip or show twice is refused, as in chat. These commands
act as the workspace's admin; they never print a case.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from core.domain.common import Locale, Platform
from core.domain.errors import InvalidInput, NotFound
from core.domain.meeting import Meeting, MeetingState
from core.domain.tasks import TaskKind
from core.domain.times import wall_clock
from core.domain.trajectory import known_zone
from core.i18n import t
from core.services import calendars, groups, meetings, trajectories
from core.services.context import Actor, Context
from core.services.ports import FeedOwner
from core.views.calendar import feed_links
from integrations import cli

LOCAL_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")


def add_commands(commands: argparse._SubParsersAction[cli._Parser]) -> None:
    trajectory = cli._subcommands(
        commands.add_parser("trajectory", help="a group's series of meetings"), "what"
    )
    plan = cli._command(trajectory, "plan", "plan a group's meetings by a cadence", _plan)
    plan.add_argument("--group", required=True, type=cli._positive, help="a group id")
    plan.add_argument("--start", required=True, help='first meeting, "YYYY-MM-DD HH:MM" local')
    plan.add_argument("--time-zone", required=True, help="e.g. Europe/Amsterdam")
    plan.add_argument(
        "--rrule", required=True, help="RFC 5545 cadence, e.g. FREQ=WEEKLY;INTERVAL=4;BYDAY=TU"
    )
    ends = plan.add_mutually_exclusive_group(required=True)
    ends.add_argument("--count", type=cli._positive, help="how many meetings")
    ends.add_argument("--until", help="date of the last possible meeting, YYYY-MM-DD")
    plan.add_argument("--method", help="default: the group's method")

    meeting = cli._subcommands(commands.add_parser("meeting", help="one meeting"), "what")
    schedule = cli._command(meeting, "schedule", "plan one meeting", _schedule)
    schedule.add_argument("--group", required=True, type=cli._positive)
    schedule.add_argument("--at", required=True, help='"YYYY-MM-DD HH:MM", local time')
    schedule.add_argument("--time-zone", help="default: the workspace's")
    schedule.add_argument("--method", help="default: the group's method")
    move = cli._command(meeting, "reschedule", "move a planned meeting", _reschedule)
    move.add_argument("--meeting", required=True, type=cli._positive)
    move.add_argument("--at", required=True, help='"YYYY-MM-DD HH:MM", local time')
    move.add_argument("--time-zone", help="default: the zone it was planned in")
    cancel = cli._command(meeting, "cancel", "call off a meeting before it begins", _cancel)
    cancel.add_argument("--meeting", required=True, type=cli._positive)
    listing = cli._command(meeting, "list", "a group's meetings, in time order", _list)
    listing.add_argument("--group", required=True, type=cli._positive)

    tasks = cli._subcommands(commands.add_parser("tasks", help="preparation tasks"), "what")
    offsets = cli._command(
        tasks,
        "offsets",
        "show or set when a group's preparation tasks are due",
        _offsets,
    )
    offsets.add_argument("--group", required=True, type=cli._positive)
    offsets.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KIND=WHEN",
        help="e.g. bring_case=-2d, rate_meeting=+4h, read_case=off (repeatable); kinds: "
        + ", ".join(k.value for k in TaskKind),
    )
    person_tasks = cli._command(tasks, "list", "a person's tasks with local due times", _tasks)
    cli._workspace_args(person_tasks)
    person_tasks.add_argument("--user", required=True, help="the person's user id")

    calendar = cli._subcommands(
        commands.add_parser("calendar", help="calendar feeds (iCalendar links)"), "what"
    )
    for name, help_text, handler in (
        ("link", "print the https and webcal:// links of a feed", _link),
        ("revoke", "stop a feed's link and print a new one", _revoke),
    ):
        command = cli._command(calendar, name, help_text, handler)
        command.add_argument("--group", type=cli._positive, help="a group's feed")
        command.add_argument("--platform", choices=[p.value for p in Platform])
        command.add_argument("--workspace", help="with --user: Slack team or Microsoft tenant")
        command.add_argument("--user", help="a person's feed (with --platform, --workspace)")


# --- trajectories and meetings --------------------------------------------------------------


def _plan(args: argparse.Namespace, out: cli.Output) -> int:
    with cli._core(cli._settings()) as ctx:
        actor, group_locale = _group_admin(ctx, args.group)
        out.locale = args.locale or group_locale
        known_zone(args.time_zone)
        first = _local(args.start, "--start")
        until = None if args.until is None else _date(args.until, "--until")
        planned = trajectories.plan_trajectory(
            ctx,
            actor=actor,
            group_id=args.group,
            first=first,
            time_zone=args.time_zone,
            rule=args.rrule,
            count=args.count,
            until=until,
            method_id=args.method,
        )
    print(
        t(
            "cli.trajectory_planned",
            out.locale,
            count=len(planned.meetings),
            group=args.group,
            id=planned.trajectory.id,
        )
    )
    for meeting in planned.meetings:
        print(_line(meeting, out, args.time_zone))
    return 0


def _schedule(args: argparse.Namespace, out: cli.Output) -> int:
    with cli._core(cli._settings()) as ctx:
        actor, group_locale = _group_admin(ctx, args.group)
        out.locale = args.locale or group_locale
        zone = args.time_zone or _workspace_zone(ctx, actor)
        at = wall_clock(_local(args.at, "--at"), known_zone(zone), "when")
        meeting = meetings.schedule_meeting(
            ctx, actor=actor, group_id=args.group, at=at, method_id=args.method, time_zone=zone
        )
    print(t("cli.meeting_scheduled", out.locale, line=_line(meeting, out, zone).lstrip()))
    return 0


def _reschedule(args: argparse.Namespace, out: cli.Output) -> int:
    with cli._core(cli._settings()) as ctx:
        actor, planned_in, group_locale = _meeting_admin(ctx, args.meeting)
        out.locale = args.locale or group_locale
        zone = args.time_zone or planned_in
        at = wall_clock(_local(args.at, "--at"), known_zone(zone), "when")
        meeting = meetings.reschedule_meeting(
            ctx, actor=actor, meeting_id=args.meeting, at=at, time_zone=zone
        )
    print(t("cli.meeting_moved", out.locale, line=_line(meeting, out, zone).lstrip()))
    return 0


def _cancel(args: argparse.Namespace, out: cli.Output) -> int:
    with cli._core(cli._settings()) as ctx:
        actor, zone, group_locale = _meeting_admin(ctx, args.meeting)
        out.locale = args.locale or group_locale
        meeting = meetings.cancel_meeting(ctx, actor=actor, meeting_id=args.meeting)
    print(t("cli.meeting_cancelled", out.locale, line=_line(meeting, out, zone).lstrip()))
    return 0


def _list(args: argparse.Namespace, out: cli.Output) -> int:
    with cli._core(cli._settings()) as ctx, ctx.uow() as uow:
        group = uow.groups.get(args.group)
        zone = uow.workspaces.get(group.workspace_id).time_zone
        out.locale = args.locale or group.locale
        found = uow.meetings.schedule_of([args.group])
    if not found:
        print(t("cli.no_meetings", out.locale))
    for meeting in found:
        print(_line(meeting, out, meeting.time_zone or zone))
    return 0


def _line(meeting: Meeting, out: cli.Output, zone: str) -> str:
    """``id  YYYY-MM-DD HH:MM Zone  state  method``, in the zone the meeting was planned in."""
    zone = meeting.time_zone or zone
    local = meeting.scheduled_at.astimezone(known_zone(zone))
    state = t(f"state.{meeting.state.value}", out.locale)
    return f"{meeting.id:>4}  {local:%Y-%m-%d %H:%M} {zone}  {state}  {meeting.method_id}"


# --- tasks -----------------------------------------------------------------------------------


def _tasks(args: argparse.Namespace, out: cli.Output) -> int:
    external_id = cli._ref(args.workspace, "--workspace")
    user = cli._ref(args.user, "--user")
    with cli._core(cli._settings()) as ctx, ctx.uow() as uow:
        workspace = uow.workspaces.find(Platform(args.platform), external_id)
        if workspace is None or workspace.id is None:
            raise NotFound("cli.workspace_unknown", workspace=f"{args.platform}:{external_id}")
        out.locale = args.locale or workspace.locale
        found = uow.tasks.for_person(workspace.id, user, open_only=False)
        groups = {g.id: g for g in uow.groups.for_person(workspace.id, user) if g.id is not None}
        planned = {m.id: m for m in uow.meetings.schedule_of(list(groups))}
        zone_of_workspace = workspace.time_zone
    shown = [(task, planned[task.meeting_id]) for task in found if task.meeting_id in planned]
    if not shown:
        print(t("cli.no_tasks", out.locale))
    for task, meeting in shown:
        zone = meeting.time_zone or zone_of_workspace
        due = task.due_at.astimezone(known_zone(zone))
        what = t(f"task.{task.kind.value}", out.locale)
        status = t(f"task_status.{task.status.value}", out.locale)
        called_off = meeting.state is MeetingState.CANCELLED
        note = t("cli.called_off", out.locale) if called_off else ""
        group = groups[meeting.group_id].name
        print(f"{task.id[:8]}  {due:%Y-%m-%d %H:%M} {zone}  {status}  {what}  ({group}){note}")
    return 0


_WHEN = re.compile(r"([+-]?)(\d{1,4})([dhm])")
_UNIT = {"d": 24 * 60, "h": 60, "m": 1}


def _offsets(args: argparse.Namespace, out: cli.Output) -> int:
    with cli._core(cli._settings()) as ctx:
        actor, out.locale = _group_admin(ctx, args.group)
        out.locale = args.locale or out.locale
        changes: dict[TaskKind, int | None] = {}
        for item in args.set:
            name, _, when = item.partition("=")
            try:
                kind = TaskKind(name.strip())
            except ValueError:
                raise InvalidInput("cli.unknown_task_kind", kind=name[:40]) from None
            changes[kind] = _minutes(when.strip())
        if changes:
            group = groups.set_task_offsets(ctx, actor=actor, group_id=args.group, offsets=changes)
        else:
            with ctx.uow() as uow:
                group = uow.groups.get(args.group)
    for kind in TaskKind:
        due = group.due_offset(kind)
        shown = t("cli.task_off", out.locale) if due is None else _signed(due)
        print(f"{kind.value:18} {shown:>10}  {t(f'task.{kind.value}', out.locale)}")
    return 0


def _minutes(when: str) -> int | None:
    """``-3d``, ``+4h``, ``30m`` -> minutes from the meeting; ``off`` -> None."""
    if when.lower() in ("off", "uit"):
        return None
    found = _WHEN.fullmatch(when)
    if found is None:
        raise InvalidInput("cli.bad_task_offset", value=when[:40])
    sign, number, unit = found.groups()
    return (-1 if sign == "-" else 1) * int(number) * _UNIT[unit]


def _signed(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    for unit, size in (("d", 24 * 60), ("h", 60)):
        if minutes % size == 0:
            return f"{sign}{abs(minutes) // size}{unit}"
    return f"{sign}{abs(minutes)}m"


# --- calendar feeds --------------------------------------------------------------------------


def _link(args: argparse.Namespace, out: cli.Output) -> int:
    return _feed(args, out, calendars.link_token)


def _revoke(args: argparse.Namespace, out: cli.Output) -> int:
    return _feed(args, out, calendars.renew_token)


def _feed(args: argparse.Namespace, out: cli.Output, token_of: Callable[..., str]) -> int:
    settings = cli._settings()
    with cli._core(settings) as ctx:
        if args.group is not None:
            if args.user is not None:
                raise InvalidInput("cli.group_or_user")
            actor, out.locale = _group_admin(ctx, args.group)
            owner = FeedOwner(workspace_id=actor.workspace_id, group_id=args.group)
        else:
            if args.user is None or args.platform is None or args.workspace is None:
                raise InvalidInput("cli.group_or_user")
            external_id = cli._ref(args.workspace, "--workspace")
            actor = cli._admin(ctx, args.platform, external_id)
            owner = FeedOwner(workspace_id=actor.workspace_id, person=cli._ref(args.user, "--user"))
            out.locale = cli._workspace_locale(ctx, args.platform, external_id) or out.locale
        out.locale = args.locale or out.locale
        token = token_of(ctx, actor=actor, owner=owner)
    https, webcal = feed_links(ctx.public_url, token)
    print(t("cli.calendar_link", out.locale, https=https, webcal=webcal))
    return 0


# --- helpers ---------------------------------------------------------------------------------


def _group_admin(ctx: Context, group_id: int) -> tuple[Actor, Locale]:
    """The admin of the group's workspace; and the group's language."""
    with ctx.uow() as uow:
        group = uow.groups.get(group_id)
    return Actor(workspace_id=group.workspace_id, person="", is_admin=True), group.locale


def _meeting_admin(ctx: Context, meeting_id: int) -> tuple[Actor, str, Locale]:
    """The admin of the meeting's workspace; the zone it was planned in; the group's language."""
    with ctx.uow() as uow:
        meeting = uow.meetings.get(meeting_id)
        group = uow.groups.get(meeting.group_id)
        zone = meeting.time_zone or uow.workspaces.get(group.workspace_id).time_zone
    actor = Actor(workspace_id=group.workspace_id, person="", is_admin=True)
    return actor, zone, group.locale


def _workspace_zone(ctx: Context, actor: Actor) -> str:
    with ctx.uow() as uow:
        return uow.workspaces.get(actor.workspace_id).time_zone


def _local(value: str, option: str) -> datetime:
    for layout in LOCAL_FORMATS:
        try:
            return datetime.strptime(value.strip(), layout)
        except ValueError:
            continue
    raise InvalidInput("cli.bad_local_time", option=option, value=value[:40])


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("cli.bad_date", option=option, value=value[:40]) from None
