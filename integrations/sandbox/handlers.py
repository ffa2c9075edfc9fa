"""Button presses and form submissions -> the matching core service. Nothing is decided
here: the services refuse what the rules forbid, and the page shows their refusal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from core.domain.common import Locale
from core.domain.errors import InvalidInput
from core.domain.goals import Criterion
from core.domain.group import Cadence, Group, Mode
from core.domain.method import ContributionKind
from core.i18n import normalise_locale
from core.services import contributions, groups, meetings, preparation
from core.services.context import Actor, Context
from core.views import actions as a
from core.views.direct import direct_message, notice
from core.views.vocabulary import Card
from integrations.sandbox.http import Request

E = TypeVar("E")


@dataclass
class Outcome:
    """Where to go next, and what to tell the person there."""

    location: str
    flash: list[Card] = field(default_factory=list)


@dataclass(frozen=True)
class Call:
    ctx: Context
    actor: Actor
    request: Request
    locale: Locale
    zone: ZoneInfo

    @property
    def channel(self) -> str:
        return self.request.value("channel")

    @property
    def back(self) -> str:
        return f"/c/{self.channel}" if self.channel else "/"

    def meeting_id(self) -> int:
        return _int(self.request.value("meeting") or self.request.value("state.meeting_id"))

    def group_id(self) -> int:
        if self.request.value("state.group_id"):
            return _int(self.request.value("state.group_id"))
        return self.group().id or 0

    def group(self) -> Group:
        return groups.group_in_channel(
            self.ctx, workspace_id=self.actor.workspace_id, channel=self.channel
        )


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InvalidInput("sandbox.bad_reference") from None


# ------------------------------------------------------------------ buttons


def press(call: Call, action: str, value: str) -> Outcome:
    handler = BUTTONS.get(action)
    if handler is None:
        raise InvalidInput("sandbox.unknown_action")
    return handler(call, value)


def _start(call: Call, value: str) -> Outcome:
    started = meetings.start_meeting(call.ctx, actor=call.actor, group_id=call.group_id())
    flash = [notice("sandbox.already_running", call.locale)] if started.already_running else []
    return Outcome(call.back, flash)


def _choose(call: Call, value: str) -> Outcome:
    meetings.choose_case(
        call.ctx, actor=call.actor, meeting_id=call.meeting_id(), case_id=_int(value)
    )
    return Outcome(call.back)


def _advance(call: Call, value: str) -> Outcome:
    meetings.advance_phase(
        call.ctx, actor=call.actor, meeting_id=call.meeting_id(), expected_position=value or None
    )
    return Outcome(call.back)


def _simple(service: Callable[..., object]) -> Callable[[Call, str], Outcome]:
    def handler(call: Call, value: str) -> Outcome:
        service(call.ctx, actor=call.actor, meeting_id=call.meeting_id())
        return Outcome(call.back)

    return handler


def _pass(call: Call, value: str) -> Outcome:
    contributions.pass_turn(call.ctx, actor=call.actor, meeting_id=call.meeting_id())
    return Outcome(call.back)


def _to(suffix: str) -> Callable[[Call, str], Outcome]:
    def handler(call: Call, value: str) -> Outcome:
        return Outcome(f"{call.back}{suffix}")

    return handler


def _task_done(call: Call, value: str) -> Outcome:
    preparation.complete_task(call.ctx, actor=call.actor, task_id=value)
    return Outcome("/", [notice("sandbox.saved", call.locale)])


BUTTONS: dict[str, Callable[[Call, str], Outcome]] = {
    a.MEETING_START: _start,
    a.MEETING_CHOOSE_CASE: _choose,
    a.MEETING_ADVANCE: _advance,
    a.MEETING_EXTEND: _simple(meetings.extend_phase),
    a.MEETING_PAUSE: _simple(meetings.pause_meeting),
    a.MEETING_CLOSE: _simple(meetings.close_meeting),
    a.MEETING_REPORT: _simple(meetings.publish_report),
    a.MEETING_PASS: _pass,
    a.MEETING_CONTRIBUTE: _to("#reply"),
    a.CASE_OPEN_FORM: _to("/case"),
    a.GOALS_OPEN_FORM: _to("/goals"),
    a.TASK_DONE: _task_done,
}

# ------------------------------------------------------------------ forms


def submit(call: Call, callback_id: str) -> Outcome:
    handler = FORMS.get(callback_id)
    if handler is None:
        raise InvalidInput("sandbox.unknown_action")
    return handler(call)


def _case(call: Call) -> Outcome:
    r = call.request
    preparation.submit_case(
        call.ctx,
        actor=call.actor,
        group_id=call.group_id(),
        title=r.value(a.INPUT_TITLE),
        help_question=r.value(a.INPUT_HELP_QUESTION),
        description=r.value(a.INPUT_DESCRIPTION),
        consent_to_report="yes" in r.values(a.INPUT_CONSENT),
    )
    return Outcome(call.back, [notice("sandbox.case_received", call.locale)])


def _contribute(call: Call) -> Outcome:
    r = call.request
    kind = r.value(a.INPUT_KIND)
    try:
        chosen = ContributionKind(kind) if kind else None
    except ValueError:
        raise InvalidInput("sandbox.unknown_action") from None
    done = contributions.contribute(
        call.ctx,
        actor=call.actor,
        meeting_id=call.meeting_id(),
        text=r.value(a.INPUT_TEXT),
        kind=chosen,
    )
    flash = [direct_message("hidden_received", call.locale)] if done.hidden else []
    return Outcome(call.back, flash)


def _group(call: Call) -> Outcome:
    r = call.request
    facilitator = r.value(a.INPUT_FACILITATOR) or None
    created = groups.create_group(
        call.ctx,
        actor=call.actor,
        name=r.value(a.INPUT_NAME),
        channel=r.value(a.INPUT_CHANNEL),
        members=r.values(a.INPUT_MEMBERS),
        facilitator=facilitator,
        method_id=r.value(a.INPUT_METHOD, "incident"),
        cadence=_enum(Cadence, r.value(a.INPUT_CADENCE, Cadence.MONTHLY.value)),
        mode=_enum(Mode, r.value(a.INPUT_MODE, Mode.LIVE.value)),
        locale=normalise_locale(r.value(a.INPUT_LOCALE), call.locale),
    )
    flash = [notice("sandbox.group_created", call.locale, group=created.group.name)]
    if created.warning:
        flash.append(notice(created.warning, call.locale))
    return Outcome(f"/c/{created.group.channel}", flash)


def _schedule(call: Call) -> Outcome:
    r = call.request
    meetings.schedule_meeting(
        call.ctx,
        actor=call.actor,
        group_id=call.group_id(),
        at=_when(r.value(a.INPUT_WHEN), call.zone),
        method_id=r.value(a.INPUT_METHOD) or None,
    )
    return Outcome(call.back)


def _goal(call: Call) -> Outcome:
    r = call.request
    deadline = r.value(a.INPUT_DEADLINE)
    try:
        due = date.fromisoformat(deadline) if deadline else None
    except ValueError:
        raise InvalidInput("sandbox.bad_date") from None
    preparation.set_learning_goal(
        call.ctx,
        actor=call.actor,
        group_id=call.group_id(),
        text=r.value(a.INPUT_GOAL),
        where_and_when=r.value(a.INPUT_WHERE_WHEN),
        deadline=due,
        ticked=[_enum(Criterion, c) for c in r.values(a.INPUT_CRITERIA)],
        goal_id=r.value("state.goal_id") or None,
    )
    return Outcome(call.back, [notice("sandbox.saved", call.locale)])


def _enum(kind: Callable[[str], E], value: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput("sandbox.unknown_action") from None


def _when(value: str, zone: ZoneInfo) -> datetime:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=zone)
    except ValueError:
        raise InvalidInput("sandbox.bad_date") from None


FORMS: dict[str, Callable[[Call], Outcome]] = {
    a.FORM_CASE: _case,
    a.FORM_CONTRIBUTE: _contribute,
    a.FORM_GROUP: _group,
    a.FORM_SCHEDULE: _schedule,
    a.FORM_GOAL: _goal,
}
