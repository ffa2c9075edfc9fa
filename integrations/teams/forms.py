"""Card buttons and form submissions -> core services (the Teams side of core.views.forms)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.domain.common import Locale
from core.domain.errors import InvalidInput, NotPossibleNow
from core.domain.goals import Criterion
from core.domain.group import Cadence, Group, Mode
from core.domain.method import ContributionKind
from core.i18n import normalise_locale, t
from core.services import contributions, groups, meetings, preparation, queries
from core.services.context import Actor, Context
from core.services.queries import GroupHealth
from core.views import actions as a
from core.views import forms as views
from core.views.direct import notice
from core.views.report import health_card
from core.views.vocabulary import Card, Form
from integrations.teams.cards import DATE_SUFFIX, TIME_SUFFIX

if TYPE_CHECKING:
    from integrations.teams.bot import Turn

__all__ = ["group_form", "health", "known_names", "meeting_action", "notice", "submit"]


def form_for(ctx: Context, command: str, actor: Actor, group: Group) -> Form:
    if command == "case":
        return views.case_form(group, group.locale)
    if command == "goals":
        return views.goal_form(group, group.locale)
    return views.schedule_form(group, ctx.methods, group.locale)


def group_form(ctx: Context, locale: Locale, channel: str | None) -> Form:
    return views.group_form(ctx.methods, locale, channel)


def health(view: GroupHealth, locale: Locale) -> Card:
    return health_card(view, locale)


def known_names(ctx: Context, turn: Turn) -> dict[str, str]:
    """People a people picker can offer without Graph: the person filling it in."""
    name = turn.activity.from_.name
    return {turn.actor.person: name} if name else {}


def meeting_action(
    ctx: Context, actor: Actor, verb: str, meeting_id: int, value: str, turn: Turn
) -> None:
    """A button on the meeting's card; its value is the meeting's position (or a case id)."""
    if verb == a.MEETING_START:
        snapshot = queries.meeting_snapshot(ctx, meeting_id=meeting_id, viewer=actor)
        meetings.start_meeting(ctx, actor=actor, group_id=snapshot.group.id or 0)
    elif verb == a.MEETING_ADVANCE:
        meetings.advance_phase(
            ctx, actor=actor, meeting_id=meeting_id, expected_position=value or None
        )
    elif verb == a.MEETING_EXTEND:
        meetings.extend_phase(ctx, actor=actor, meeting_id=meeting_id)
    elif verb == a.MEETING_PAUSE:
        meetings.pause_meeting(ctx, actor=actor, meeting_id=meeting_id)
    elif verb == a.MEETING_CLOSE:
        meetings.close_meeting(ctx, actor=actor, meeting_id=meeting_id)
    elif verb == a.MEETING_REPORT:
        meetings.publish_report(ctx, actor=actor, meeting_id=meeting_id)
    elif verb == a.MEETING_CHOOSE_CASE:
        meetings.choose_case(ctx, actor=actor, meeting_id=meeting_id, case_id=_int(value))
    elif verb == a.MEETING_PASS:
        contributions.pass_turn(ctx, actor=actor, meeting_id=meeting_id)


def opened_form(ctx: Context, verb: str, actor: Actor, group: Group, turn: Turn) -> Form:
    if verb == a.CASE_OPEN_FORM:
        return views.case_form(group, group.locale)
    if verb == a.GOALS_OPEN_FORM:
        return views.goal_form(group, group.locale)
    meeting = queries.current_meeting_in(ctx, actor=actor, channel=group.channel)
    if meeting is None or meeting.phase is None:
        raise NotPossibleNow("meeting.no_open_round")
    return views.contribute_form(
        meeting, meeting.phase, group.locale, as_case_owner=actor.person == meeting.case_owner
    )


def submit(ctx: Context, verb: str, actor: Actor, data: dict[str, Any], turn: Turn) -> Card:
    """A form's ``Action.Execute``: its data holds the form's state and its inputs."""

    def text(name: str) -> str:
        return str(data.get(name) or "")

    locale = turn.locale
    if verb == a.FORM_CASE:
        case = preparation.submit_case(
            ctx,
            actor=actor,
            group_id=_int(text("group_id")),
            title=text(a.INPUT_TITLE),
            help_question=text(a.INPUT_HELP_QUESTION),
            description=text(a.INPUT_DESCRIPTION),
            consent_to_report=text(a.INPUT_CONSENT) == "yes",
        )
        return notice("case.submitted", locale, title=case.title)
    if verb == a.FORM_GOAL:
        preparation.set_learning_goal(
            ctx,
            actor=actor,
            group_id=_int(text("group_id")),
            text=text(a.INPUT_GOAL),
            where_and_when=text(a.INPUT_WHERE_WHEN),
            deadline=_date(text(a.INPUT_DEADLINE)),
            ticked=[
                Criterion(c)
                for c in _many(text(a.INPUT_CRITERIA))
                if c in {x.value for x in Criterion}
            ],
            goal_id=text("goal_id") or None,
        )
        return notice("goal.saved", locale)
    if verb == a.FORM_GROUP:
        created = groups.create_group(
            ctx,
            actor=actor,
            name=text(a.INPUT_NAME),
            channel=text(a.INPUT_CHANNEL),
            members=_many(text(a.INPUT_MEMBERS)),
            facilitator=text(a.INPUT_FACILITATOR) or None,
            method_id=text(a.INPUT_METHOD) or "incident",
            cadence=Cadence(text(a.INPUT_CADENCE) or Cadence.MONTHLY.value),
            mode=Mode(text(a.INPUT_MODE) or Mode.LIVE.value),
            locale=normalise_locale(text(a.INPUT_LOCALE), locale),
        )
        return notice("group.created", locale, name=created.group.name)
    if verb == a.FORM_SCHEDULE:
        zone = _zone(turn.activity.local_timezone)
        at = _moment(text(a.INPUT_WHEN + DATE_SUFFIX), text(a.INPUT_WHEN + TIME_SUFFIX), zone)
        if text("meeting_id"):
            meetings.reschedule_meeting(
                ctx, actor=actor, meeting_id=_int(text("meeting_id")), at=at
            )
        else:
            meetings.schedule_meeting(
                ctx,
                actor=actor,
                group_id=_int(text("group_id")),
                at=at,
                method_id=text(a.INPUT_METHOD) or None,
            )
        return notice("meeting.scheduled_notice", locale, when=f"{at:%Y-%m-%d %H:%M} ({zone.key})")
    if verb == a.FORM_CONTRIBUTE:
        kind = text(a.INPUT_KIND)
        done = contributions.contribute(
            ctx,
            actor=actor,
            meeting_id=_int(text("meeting_id")),
            text=text(a.INPUT_TEXT),
            kind=ContributionKind(kind) if kind in {k.value for k in ContributionKind} else None,
        )
        key = "direct.hidden_received" if done.hidden else "teams.contribution_posted"
        return notice(key, locale)
    if verb == a.TASK_DONE:
        task = preparation.complete_task(ctx, actor=actor, task_id=text("value"))
        return notice("task.marked_done", locale, task=t(f"task.{task.kind.value}", locale))
    raise InvalidInput("teams.unknown_action", action=verb)


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InvalidInput("teams.unknown_action", action=value) from None


def _many(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidInput("teams.bad_date", value=value) from None


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Europe/Amsterdam")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Amsterdam")


def _moment(day: str, clock: str, zone: ZoneInfo) -> datetime:
    try:
        return datetime.fromisoformat(f"{day}T{clock or '09:00'}").replace(tzinfo=zone)
    except ValueError:
        raise InvalidInput("teams.bad_date", value=f"{day} {clock}") from None
