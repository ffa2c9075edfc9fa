"""Each intent carried out once, for every platform: call the service, say what follows.

A handler returns a ``Reply`` (data). What the change means for others (the card, the
thread, private messages) follows from the domain's events through the outbox; the
reply is only what the person who acted should see now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from core.domain.common import Locale
from core.domain.errors import NotAllowed, NotFound, NotPossibleNow
from core.domain.group import Group
from core.domain.trajectory import cadence_rule
from core.i18n import t
from core.interactions import intents as i
from core.interactions import values
from core.interactions.replies import FormRequest, Notice, Reply, Screen
from core.services import (
    calendars,
    contributions,
    groups,
    lookups,
    meetings,
    preparation,
    queries,
    reminders,
    rotas,
    rules,
    trajectories,
)
from core.services.context import Context
from core.services.ports import FeedOwner
from core.views import actions as a


@dataclass(frozen=True)
class Call:
    ctx: Context
    locale: Locale
    """The language the reply is in (decided once, in ``core.interactions.dispatch``)."""

    def reply(self, **parts: Any) -> Reply:
        return Reply(locale=self.locale, **parts)

    def notice(self, key: str, **params: str | int | float) -> Reply:
        return self.reply(notices=(Notice(key=key, params=params),))


Handler = Callable[[Call, Any], Reply]

# ------------------------------------------------------------------ places


def group_here(call: Call, intent: i.Intent) -> Group:
    """The group of the channel it happened in; in a private chat, the person's first
    group (members and facilitators first, then groups they manage)."""
    actor = intent.actor
    if intent.place.channel:
        return groups.group_in_channel(
            call.ctx, workspace_id=actor.workspace_id, channel=intent.place.channel
        )
    mine = queries.groups_of(call.ctx, actor=actor)
    if not mine:
        raise NotFound("group.none_for_you")
    return mine[0]


def meeting_here(call: Call, intent: i.Intent, meeting_id: int | None) -> int:
    """The meeting a button names, else the one whose thread it is, else the channel's."""
    if meeting_id is not None:
        return meeting_id
    found = queries.meeting_at(
        call.ctx,
        actor=intent.actor,
        channel=intent.place.channel,
        message=intent.place.message,
    )
    if found is None:
        raise NotFound("meeting.none")
    return found


# ------------------------------------------------------------------ screens


def _help(call: Call, intent: i.ShowHelp) -> Reply:
    return call.reply(screen=Screen(name="help", unknown_word=intent.unknown_word))


def _home(call: Call, intent: i.ShowHome) -> Reply:
    return call.reply(screen=Screen(name="home"))


def _tasks(call: Call, intent: i.ShowTasks) -> Reply:
    return call.reply(screen=Screen(name="tasks"))


def _report(call: Call, intent: i.ShowReport) -> Reply:
    group = group_here(call, intent)
    if rules.report_for(intent.actor, group) == "health":
        return call.reply(screen=Screen(name="health", group_id=group.id))
    meeting_id = lookups.last_finished_meeting(call.ctx, actor=intent.actor, group_id=group.id or 0)
    if meeting_id is None:
        return call.notice("report.none_yet", group=group.name)
    return call.reply(screen=Screen(name="report", meeting_id=meeting_id))


def _open_form(call: Call, intent: i.OpenForm) -> Reply:
    """The form as it was offered; ``render`` reads it with the person's own rights."""
    request = FormRequest(
        form=intent.form,
        group_id=intent.group_id,
        meeting_id=intent.meeting_id,
        goal_id=intent.goal_id,
        channel=intent.place.channel,
    )
    return call.reply(form=request)


# ------------------------------------------------------------------ a meeting


def _start(call: Call, intent: i.StartMeeting) -> Reply:
    """A meeting takes place in its group's channel: ``start`` typed anywhere else (a
    direct message, a personal chat) is answered there and starts nothing elsewhere."""
    if intent.meeting_id is not None:
        group_id = queries.group_of_meeting(
            call.ctx, actor=intent.actor, meeting_id=intent.meeting_id
        )
    elif not intent.place.channel:
        raise NotPossibleNow("meeting.start_in_channel")
    else:
        group_id = group_here(call, intent).id or 0
    started = meetings.start_meeting(call.ctx, actor=intent.actor, group_id=group_id)
    if started.posting_again:
        reply = call.notice("meeting.posting_again")
    elif started.already_running:
        reply = call.notice("meeting.already_running")
    else:
        reply = call.reply()
    return reply.model_copy(update={"meeting_id": started.meeting.id})


def _choose(call: Call, intent: i.ChooseCase) -> Reply:
    meeting_id = meeting_here(call, intent, intent.meeting_id)
    meetings.choose_case(
        call.ctx, actor=intent.actor, meeting_id=meeting_id, case_id=intent.case_id
    )
    return call.reply(meeting_id=meeting_id)


def _advance(call: Call, intent: i.AdvancePhase) -> Reply:
    meeting_id = meeting_here(call, intent, intent.meeting_id)
    meetings.advance_phase(
        call.ctx, actor=intent.actor, meeting_id=meeting_id, expected_position=intent.position
    )
    return call.reply(meeting_id=meeting_id)


def _extend(call: Call, intent: i.ExtendPhase) -> Reply:
    meeting_id = meeting_here(call, intent, intent.meeting_id)
    meetings.extend_phase(
        call.ctx, actor=intent.actor, meeting_id=meeting_id, minutes=intent.minutes
    )
    return call.reply(meeting_id=meeting_id)


def _pause(call: Call, intent: i.PauseMeeting) -> Reply:
    meeting_id = meeting_here(call, intent, intent.meeting_id)
    meetings.pause_meeting(call.ctx, actor=intent.actor, meeting_id=meeting_id)
    return call.reply(meeting_id=meeting_id)


def _close(call: Call, intent: i.CloseMeeting) -> Reply:
    meeting_id = meeting_here(call, intent, intent.meeting_id)
    meetings.close_meeting(call.ctx, actor=intent.actor, meeting_id=meeting_id)
    return call.reply(meeting_id=meeting_id)


def _cancel(call: Call, intent: i.CancelMeeting) -> Reply:
    meeting_id = meeting_here(call, intent, intent.meeting_id)
    meetings.cancel_meeting(call.ctx, actor=intent.actor, meeting_id=meeting_id)
    return call.reply(meeting_id=meeting_id)


def _publish(call: Call, intent: i.PublishReport) -> Reply:
    meeting_id = meeting_here(call, intent, intent.meeting_id)
    meetings.publish_report(call.ctx, actor=intent.actor, meeting_id=meeting_id)
    return call.reply(meeting_id=meeting_id)


# ------------------------------------------------------------------ rounds


def _contribute_form(call: Call, intent: i.OpenContributeForm) -> Reply:
    meeting_id = meeting_here(call, intent, intent.meeting_id)
    meeting = queries.meeting_for(call.ctx, actor=intent.actor, meeting_id=meeting_id)
    if meeting.phase is None or (
        intent.position is not None and intent.position != meeting.position
    ):
        raise NotPossibleNow("meeting.no_open_round")
    form = FormRequest(form=a.FORM_CONTRIBUTE, meeting_id=meeting_id, group_id=meeting.group_id)
    return call.reply(form=form, meeting_id=meeting_id)


def _contribute(call: Call, intent: i.Contribute) -> Reply:
    meeting_id = meeting_here(call, intent, intent.meeting_id)
    try:
        done = contributions.contribute(
            call.ctx,
            actor=intent.actor,
            meeting_id=meeting_id,
            text=intent.text,
            kind=intent.kind,
            source_ref=intent.source_ref,
        )
    except NotPossibleNow as error:
        if error.key != "meeting.no_open_round" or intent.source_ref is None:
            raise
        # A thread message between rounds (e.g. how last time's first step went): it is
        # there for everyone, and it is no contribution.
        reply = call.notice("contribution.outside_a_round")
        return reply.model_copy(update={"meeting_id": meeting_id})
    if done.duplicate:
        return call.reply(meeting_id=meeting_id)
    if done.hidden:
        return call.notice("direct.hidden_received").model_copy(update={"meeting_id": meeting_id})
    if done.said_in_public:  # the platform shows it to all: say so, privately
        reply = call.notice("contribution.public_in_write_first")
        return reply.model_copy(update={"meeting_id": meeting_id})
    if intent.source_ref is None:  # from a form: the thread will show it
        return call.notice("contribution.posted").model_copy(update={"meeting_id": meeting_id})
    return call.reply(meeting_id=meeting_id)


def _withdraw(call: Call, intent: i.WithdrawDeleted) -> Reply:
    """Nothing is said to whoever deleted it (the platform may not say who); the author
    hears privately that it is gone from the meeting too."""
    contributions.withdraw_deleted(
        call.ctx, actor=intent.actor, meeting_id=intent.meeting_id, source_ref=intent.source_ref
    )
    return call.reply()


def _edit(call: Call, intent: i.EditContribution) -> Reply:
    meeting_id = meeting_here(call, intent, intent.meeting_id)
    try:
        contributions.edit_contribution(
            call.ctx,
            actor=intent.actor,
            meeting_id=meeting_id,
            text=intent.text,
            source_ref=intent.source_ref,
        )
    except NotFound as error:
        if error.key != "contribution.not_found":
            raise
        return call.reply()  # an edit of a message that never counted (it was refused)
    return call.reply(meeting_id=meeting_id)


def _pass(call: Call, intent: i.Pass) -> Reply:
    meeting_id = meeting_here(call, intent, intent.meeting_id)
    contributions.pass_turn(call.ctx, actor=intent.actor, meeting_id=meeting_id)
    return call.reply(meeting_id=meeting_id)


# ------------------------------------------------------------------ cases, goals, tasks


def _case_form(call: Call, intent: i.OpenCaseForm) -> Reply:
    group = group_here(call, intent)
    lookups.require_member_of(call.ctx, actor=intent.actor, group_id=group.id or 0)
    return call.reply(form=FormRequest(form=a.FORM_CASE, group_id=group.id))


def _submit_case(call: Call, intent: i.SubmitCase) -> Reply:
    case = preparation.submit_case(
        call.ctx,
        actor=intent.actor,
        group_id=intent.group_id,
        title=intent.title,
        help_question=intent.help_question,
        description=intent.description,
        consent_to_report=intent.consent_to_report,
    )
    return call.notice("case.submitted", title=case.title)


def _goal_form(call: Call, intent: i.OpenGoalForm) -> Reply:
    group = group_here(call, intent)
    lookups.require_member_of(call.ctx, actor=intent.actor, group_id=group.id or 0)
    latest = (
        None
        if intent.new
        else queries.latest_goal(call.ctx, actor=intent.actor, group_id=group.id or 0)
    )
    form = FormRequest(form=a.FORM_GOAL, group_id=group.id, goal_id=latest.id if latest else None)
    return call.reply(form=form)


def _set_goal(call: Call, intent: i.SetLearningGoal) -> Reply:
    preparation.set_learning_goal(
        call.ctx,
        actor=intent.actor,
        group_id=intent.group_id,
        text=intent.text,
        where_and_when=intent.where_and_when,
        deadline=intent.deadline,
        ticked=list(intent.ticked),
        goal_id=intent.goal_id,
    )
    return call.notice("goal.saved")


def _task_done(call: Call, intent: i.CompleteTask) -> Reply:
    task = preparation.complete_task(call.ctx, actor=intent.actor, task_id=intent.task_id)
    return call.notice("task.marked_done", task=t(f"task.{task.kind.value}", call.locale))


def _task_skip(call: Call, intent: i.SkipTask) -> Reply:
    task = preparation.skip_task(call.ctx, actor=intent.actor, task_id=intent.task_id)
    return call.notice("task.marked_skipped", task=t(f"task.{task.kind.value}", call.locale))


def _away(call: Call, intent: i.GoAway) -> Reply:
    if not intent.days.strip():
        return call.notice("away.how")
    first, last = values.days(intent.days, call.ctx.clock.now().date())
    reminders.go_away(call.ctx, actor=intent.actor, first=first, last=last)
    return call.notice("away.saved", first=first.isoformat(), last=last.isoformat())


def _back(call: Call, intent: i.ComeBack) -> Reply:
    was_away = reminders.come_back(call.ctx, actor=intent.actor)
    return call.notice("away.back" if was_away else "away.was_not_away")


def _quiet(call: Call, intent: i.SetQuietHours) -> Reply:
    if not intent.hours.strip():
        return call.notice("quiet.how")
    start, end = values.hours(intent.hours)
    reminders.set_quiet_hours(call.ctx, actor=intent.actor, start=start, end=end)
    return call.notice("quiet.saved", start=f"{start:%H:%M}", end=f"{end:%H:%M}")


def _calendar(call: Call, intent: i.ShowCalendar) -> Reply:
    owner = FeedOwner(workspace_id=intent.actor.workspace_id, person=intent.actor.person)
    calendars.link_token(call.ctx, actor=intent.actor, owner=owner)
    return call.reply(screen=Screen(name="calendar"))


def _calendar_renew(call: Call, intent: i.RenewCalendar) -> Reply:
    owner = FeedOwner(workspace_id=intent.actor.workspace_id, person=intent.actor.person)
    calendars.renew_token(call.ctx, actor=intent.actor, owner=owner)
    notice = Notice(key="calendar.renewed", params={})
    return call.reply(notices=(notice,), screen=Screen(name="calendar"))


# ------------------------------------------------------------------ planning, groups


def _schedule_form(call: Call, intent: i.OpenScheduleForm) -> Reply:
    group = group_here(call, intent)
    lookups.require_may_lead(call.ctx, actor=intent.actor, group_id=group.id or 0)
    planned = queries.planned_meeting(call.ctx, group_id=group.id or 0)
    form = FormRequest(form=a.FORM_SCHEDULE, group_id=group.id, meeting_id=planned)
    return call.reply(form=form)


def _trajectory_form(call: Call, intent: i.OpenTrajectoryForm) -> Reply:
    group = group_here(call, intent)
    lookups.require_may_plan(call.ctx, actor=intent.actor, group_id=group.id or 0)
    return call.reply(form=FormRequest(form=a.FORM_TRAJECTORY, group_id=group.id))


def _plan_trajectory(call: Call, intent: i.PlanTrajectory) -> Reply:
    """The first meeting is read in the person's zone (else the workspace's); the cadence
    becomes an RRULE from its date, unless the person wrote one."""
    settings = queries.workspace_settings(call.ctx, workspace_id=intent.actor.workspace_id)
    zone = ZoneInfo(intent.zone or settings.time_zone)
    first = intent.first.astimezone(zone).replace(tzinfo=None)
    rule = intent.rule or cadence_rule(intent.cadence.value, first.date())
    planned = trajectories.plan_trajectory(
        call.ctx,
        actor=intent.actor,
        group_id=intent.group_id,
        first=first,
        time_zone=zone.key,
        rule=rule,
        count=intent.count,
        method_id=intent.method_id,
    )
    times = [m.scheduled_at.astimezone(zone) for m in planned.meetings]
    return call.notice(
        "trajectory.planned",
        count=len(times),
        first=f"{times[0]:%Y-%m-%d %H:%M}",
        last=f"{times[-1]:%Y-%m-%d %H:%M}",
        zone=zone.key,
    )


def _turn_form(call: Call, intent: i.OpenTurnForm) -> Reply:
    group = group_here(call, intent)
    if not group.is_member(intent.actor.person):
        raise NotAllowed("rule.only_group_members")
    return call.reply(form=FormRequest(form=a.FORM_TURN, group_id=group.id))


def _swap_turn(call: Call, intent: i.SwapTurn) -> Reply:
    meeting, _ = rotas.swap_turn(
        call.ctx, actor=intent.actor, group_id=intent.group_id, with_person=intent.with_person
    )
    zone = ZoneInfo(meeting.time_zone or intent.zone or "UTC")
    return call.notice("rota.swapped", when=f"{meeting.scheduled_at.astimezone(zone):%Y-%m-%d}")


def _schedule(call: Call, intent: i.ScheduleMeeting) -> Reply:
    if intent.meeting_id is not None:
        meeting = meetings.reschedule_meeting(
            call.ctx,
            actor=intent.actor,
            meeting_id=intent.meeting_id,
            at=intent.at,
            time_zone=intent.zone,
        )
    else:
        meeting = meetings.schedule_meeting(
            call.ctx,
            actor=intent.actor,
            group_id=intent.group_id,
            at=intent.at,
            method_id=intent.method_id,
            time_zone=intent.zone,
        )
    zone = ZoneInfo(meeting.time_zone or intent.zone or "UTC")  # the zone it was planned in
    local = meeting.scheduled_at.astimezone(zone)
    reply = call.notice("meeting.scheduled_notice", when=f"{local:%Y-%m-%d %H:%M} ({zone.key})")
    return reply.model_copy(update={"meeting_id": meeting.id})


def _accept_channel(call: Call, intent: i.AcceptChannel) -> Reply:
    group = group_here(call, intent)
    groups.accept_channel(call.ctx, actor=intent.actor, group_id=group.id or 0)
    return call.notice("group.channel_accepted", people=len(group.channel_outsiders))


def _group_form(call: Call, intent: i.OpenGroupForm) -> Reply:
    lookups.require_may_create_groups(call.ctx, actor=intent.actor)
    return call.reply(form=FormRequest(form=a.FORM_GROUP, channel=intent.place.channel))


def _create_group(call: Call, intent: i.CreateGroup) -> Reply:
    created = groups.create_group(
        call.ctx,
        actor=intent.actor,
        name=intent.name,
        channel=intent.channel,
        members=list(intent.members),
        facilitator=intent.facilitator,
        method_id=intent.method_id,
        cadence=intent.cadence,
        mode=intent.mode,
        locale=intent.locale,
    )
    notices = [Notice(key="group.created", params={"name": created.group.name})]
    if created.warning:
        notices.append(Notice(key=created.warning))
    return call.reply(notices=tuple(notices))


HANDLERS: dict[type[i.Intent], Handler] = {
    i.ShowHelp: _help,
    i.ShowHome: _home,
    i.ShowTasks: _tasks,
    i.ShowReport: _report,
    i.OpenForm: _open_form,
    i.StartMeeting: _start,
    i.ChooseCase: _choose,
    i.AdvancePhase: _advance,
    i.ExtendPhase: _extend,
    i.PauseMeeting: _pause,
    i.CloseMeeting: _close,
    i.CancelMeeting: _cancel,
    i.PublishReport: _publish,
    i.OpenContributeForm: _contribute_form,
    i.Contribute: _contribute,
    i.EditContribution: _edit,
    i.WithdrawDeleted: _withdraw,
    i.Pass: _pass,
    i.OpenCaseForm: _case_form,
    i.SubmitCase: _submit_case,
    i.OpenGoalForm: _goal_form,
    i.SetLearningGoal: _set_goal,
    i.CompleteTask: _task_done,
    i.SkipTask: _task_skip,
    i.ShowCalendar: _calendar,
    i.GoAway: _away,
    i.ComeBack: _back,
    i.SetQuietHours: _quiet,
    i.RenewCalendar: _calendar_renew,
    i.OpenScheduleForm: _schedule_form,
    i.ScheduleMeeting: _schedule,
    i.OpenTrajectoryForm: _trajectory_form,
    i.PlanTrajectory: _plan_trajectory,
    i.OpenTurnForm: _turn_form,
    i.SwapTurn: _swap_turn,
    i.AcceptChannel: _accept_channel,
    i.OpenGroupForm: _group_form,
    i.CreateGroup: _create_group,
}
"""Every intent has exactly one handler (a test checks that none is missing)."""
