"""The one table from what people type, click and submit to intents.

Command words (Dutch and English), button action ids and form ids map here to the
typed intents of ``core.interactions.intents``; nothing else in the product decides
what an interaction means.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from core.domain.common import Locale, strip_control
from core.domain.errors import InvalidInput
from core.domain.goals import Criterion
from core.domain.group import Cadence, Mode
from core.domain.method import ContributionKind
from core.i18n import normalise_locale
from core.interactions import intents as i
from core.interactions.values import FormValues
from core.views import actions as a
from core.views.forms import DEFAULT_COUNT, TRAJECTORY_COUNTS

Base = dict[str, Any]
"""The fields every intent shares (actor, place, language, zone), as keyword arguments."""

# ------------------------------------------------------------------ command words

COMMAND_WORDS: dict[str, tuple[str, Locale | None]] = {
    "": ("help", None),
    "?": ("help", None),
    "help": ("help", "en"),
    "hulp": ("help", "nl"),
    "start": ("start", None),
    "case": ("case", "en"),
    "casus": ("case", "nl"),
    "goals": ("goals", "en"),
    "doelen": ("goals", "nl"),
    "leerdoelen": ("goals", "nl"),
    "tasks": ("tasks", "en"),
    "taken": ("tasks", "nl"),
    "home": ("home", "en"),
    "overzicht": ("home", "nl"),
    "hello": ("home", "en"),
    "hi": ("home", "en"),
    "hallo": ("home", "nl"),
    "hoi": ("home", "nl"),
    "group": ("group", "en"),
    "groep": ("group", "nl"),
    "schedule": ("schedule", "en"),
    "plan": ("schedule", "nl"),
    "plannen": ("schedule", "nl"),
    "calendar": ("calendar", "en"),
    "agenda": ("calendar", "nl"),
    "away": ("away", "en"),
    "afwezig": ("away", "nl"),
    "back": ("back", "en"),
    "quiet": ("quiet", "en"),
    "stil": ("quiet", "nl"),
    "terug": ("back", "nl"),
    "turn": ("turn", "en"),
    "beurt": ("turn", "nl"),
    "trajectory": ("trajectory", "en"),
    "traject": ("trajectory", "nl"),
    "report": ("report", "en"),
    "verslag": ("report", "nl"),
}
"""Word -> (command, the language the word is in when it tells)."""

SLASH_COMMANDS: dict[str, Locale | None] = {"/intervision": None, "/intervisie": "nl"}
"""Slack's slash commands (both in the app manifest), with the language one implies."""

NEW_WORDS = frozenset({"new", "nieuw", "another", "nog een", "nog"})
"""``goals new`` / ``doelen nieuw``: a blank goal form rather than the latest goal."""

_BY_COMMAND: dict[str, Callable[[str, Base], i.Intent]] = {
    "help": lambda rest, base: i.ShowHelp(**base),
    "home": lambda rest, base: i.ShowHome(**base),
    "start": lambda rest, base: i.StartMeeting(**base),
    "case": lambda rest, base: i.OpenCaseForm(**base),
    "goals": lambda rest, base: i.OpenGoalForm(new=rest.lower() in NEW_WORDS, **base),
    "tasks": lambda rest, base: i.ShowTasks(**base),
    "group": lambda rest, base: i.OpenGroupForm(**base),
    "schedule": lambda rest, base: i.OpenScheduleForm(**base),
    "trajectory": lambda rest, base: i.OpenTrajectoryForm(**base),
    "turn": lambda rest, base: i.OpenTurnForm(**base),
    "report": lambda rest, base: i.ShowReport(**base),
    "calendar": lambda rest, base: i.ShowCalendar(**base),
    "away": lambda rest, base: i.GoAway(days=rest, **base),
    "back": lambda rest, base: i.ComeBack(**base),
    "quiet": lambda rest, base: i.SetQuietHours(hours=rest, **base),
}


def command_language(text: str) -> Locale | None:
    """The language a typed command is in, when its word tells (``casus`` is Dutch)."""
    word = (text or "").strip().partition(" ")[0].lower()
    entry = COMMAND_WORDS.get(word)
    return entry[1] if entry else None


def from_command(text: str, base: Base) -> i.Intent:
    """``"casus"`` -> OpenCaseForm; an unknown word -> ShowHelp that names it."""
    word, _, rest = strip_control(text or "").strip().partition(" ")
    entry = COMMAND_WORDS.get(word.lower())
    if entry is None:
        return i.ShowHelp(unknown_word=word[:40], **base)
    return _BY_COMMAND[entry[0]](rest.strip(), base)


# ------------------------------------------------------------------ buttons


def _meeting(value: str) -> tuple[int | None, str]:
    return a.split_value(value)


def _case_choice(value: str, base: Base) -> i.Intent:
    meeting_id, case = _meeting(value)
    case_id = a.id_number(case)
    if case_id is None:
        raise InvalidInput("input.bad_reference")
    return i.ChooseCase(meeting_id=meeting_id, case_id=case_id, **base)


def _positioned(kind: Callable[..., i.Intent]) -> Callable[[str, Base], i.Intent]:
    def build(value: str, base: Base) -> i.Intent:
        meeting_id, position = _meeting(value)
        if position and a.text_id(position.replace(":", "_")) is None:
            raise InvalidInput("input.bad_reference")  # a meeting's position: "phase:3"
        return kind(meeting_id=meeting_id, position=position or None, **base)

    return build


def _of_meeting(kind: Callable[..., i.Intent]) -> Callable[[str, Base], i.Intent]:
    def build(value: str, base: Base) -> i.Intent:
        return kind(meeting_id=_meeting(value)[0], **base)

    return build


def _open_form(value: str, base: Base) -> i.Intent:
    """``{"form": "form.case", "group_id": 3}``: a form offered earlier as a button."""
    try:
        named = json.loads(value)
    except (ValueError, RecursionError):
        raise InvalidInput("input.bad_reference") from None
    if not isinstance(named, dict) or not isinstance(named.get("form"), str):
        raise InvalidInput("input.bad_reference")
    return i.OpenForm(
        form=named["form"],
        group_id=_optional_number(named.get("group_id")),
        meeting_id=_optional_number(named.get("meeting_id")),
        goal_id=_optional_text_id(named.get("goal_id")),
        **base,
    )


def _optional_number(value: object) -> int | None:
    """An id in a button's JSON: absent, or a number (or its digits) in the database's range."""
    if value is None or value == "":
        return None
    found = None if isinstance(value, bool) else a.id_number(str(value))
    if found is None or not isinstance(value, int | str):
        raise InvalidInput("input.bad_reference")
    return found


def _optional_text_id(value: object) -> str | None:
    if value is None or value == "":
        return None
    found = a.text_id(value)
    if found is None:
        raise InvalidInput("input.bad_reference")
    return found


def _task(kind: Callable[..., i.Intent]) -> Callable[[str, Base], i.Intent]:
    def build(value: str, base: Base) -> i.Intent:
        task_id = a.text_id(value)
        if task_id is None:
            raise InvalidInput("input.bad_reference")
        return kind(task_id=task_id, **base)

    return build


ACTIONS: dict[str, Callable[[str, Base], i.Intent]] = {
    a.MEETING_START: _of_meeting(i.StartMeeting),
    a.MEETING_ADVANCE: _positioned(i.AdvancePhase),
    a.MEETING_EXTEND: _of_meeting(i.ExtendPhase),
    a.MEETING_PAUSE: _of_meeting(i.PauseMeeting),
    a.MEETING_CLOSE: _of_meeting(i.CloseMeeting),
    a.MEETING_CANCEL: _of_meeting(i.CancelMeeting),
    a.MEETING_REPORT: _of_meeting(i.PublishReport),
    a.MEETING_CHOOSE_CASE: _case_choice,
    a.MEETING_PASS: _of_meeting(i.Pass),
    a.MEETING_CONTRIBUTE: _positioned(i.OpenContributeForm),
    a.CASE_OPEN_FORM: lambda value, base: i.OpenCaseForm(**base),
    a.GOALS_OPEN_FORM: lambda value, base: i.OpenGoalForm(**base),
    a.TASK_DONE: _task(i.CompleteTask),
    a.TASK_SKIP: _task(i.SkipTask),
    a.CALENDAR_SHOW: lambda value, base: i.ShowCalendar(**base),
    a.CALENDAR_RENEW: lambda value, base: i.RenewCalendar(**base),
    a.OPEN_OFFERED_FORM: _open_form,
    a.CHANNEL_ACCEPT: lambda value, base: i.AcceptChannel(**base),
}


def from_action(action_id: str, value: str, base: Base) -> i.Intent:
    build = ACTIONS.get(action_id)
    if build is None:
        raise InvalidInput("input.unknown_action")
    return build(value or "", base)


# ------------------------------------------------------------------ forms


def _case(v: FormValues, base: Base) -> i.Intent:
    return i.SubmitCase(
        group_id=v.reference("group_id"),
        title=v.text(a.INPUT_TITLE),
        help_question=v.text(a.INPUT_HELP_QUESTION),
        description=v.text(a.INPUT_DESCRIPTION),
        consent_to_report=v.flag(a.INPUT_CONSENT),
        **base,
    )


def _goal(v: FormValues, base: Base) -> i.Intent:
    return i.SetLearningGoal(
        group_id=v.reference("group_id"),
        text=v.text(a.INPUT_GOAL),
        where_and_when=v.text(a.INPUT_WHERE_WHEN),
        deadline=v.date(a.INPUT_DEADLINE),
        ticked=v.choices(a.INPUT_CRITERIA, Criterion),
        goal_id=_optional_text_id(v.state.get("goal_id")),
        **base,
    )


def _group(v: FormValues, base: Base) -> i.Intent:
    locale = v.text(a.INPUT_LOCALE).strip()
    return i.CreateGroup(
        name=v.text(a.INPUT_NAME),
        channel=v.person(a.INPUT_CHANNEL) or "",
        members=v.people(a.INPUT_MEMBERS),
        facilitator=v.person(a.INPUT_FACILITATOR),
        method_id=v.text(a.INPUT_METHOD).strip() or "incident",
        cadence=v.choice(a.INPUT_CADENCE, Cadence, Cadence.MONTHLY),
        mode=v.choice(a.INPUT_MODE, Mode, Mode.LIVE),
        locale=normalise_locale(locale) if locale else None,
        **base,
    )


def _schedule(v: FormValues, base: Base) -> i.Intent:
    return i.ScheduleMeeting(
        group_id=v.reference("group_id"),
        at=v.moment(a.INPUT_WHEN, base.get("zone")),
        method_id=v.optional(a.INPUT_METHOD),
        meeting_id=v.optional_reference("meeting_id"),
        **base,
    )


def _trajectory(v: FormValues, base: Base) -> i.Intent:
    """The first meeting as the person's local wall-clock time (in their zone, if the
    platform said it)."""
    count = v.text(a.INPUT_COUNT).strip() or str(DEFAULT_COUNT)
    if not count.isdigit() or int(count) not in TRAJECTORY_COUNTS:
        raise InvalidInput("input.unknown_choice", field=a.INPUT_COUNT, value=count[:40])
    return i.PlanTrajectory(
        group_id=v.reference("group_id"),
        first=v.moment(a.INPUT_WHEN, base.get("zone")),
        cadence=v.choice(a.INPUT_CADENCE, Cadence, Cadence.MONTHLY),
        count=int(count),
        method_id=v.optional(a.INPUT_METHOD),
        rule=v.optional(a.INPUT_RULE),
        **base,
    )


def _turn(v: FormValues, base: Base) -> i.Intent:
    return i.SwapTurn(
        group_id=v.reference("group_id"), with_person=v.person(a.INPUT_SWAP_WITH), **base
    )


def _contribute(v: FormValues, base: Base) -> i.Intent:
    return i.Contribute(
        meeting_id=v.reference("meeting_id"),
        text=v.text(a.INPUT_TEXT),
        kind=v.optional_choice(a.INPUT_KIND, ContributionKind),
        **base,
    )


FORMS: dict[str, Callable[[FormValues, Base], i.Intent]] = {
    a.FORM_CASE: _case,
    a.FORM_GOAL: _goal,
    a.FORM_GROUP: _group,
    a.FORM_SCHEDULE: _schedule,
    a.FORM_TRAJECTORY: _trajectory,
    a.FORM_TURN: _turn,
    a.FORM_CONTRIBUTE: _contribute,
}

FIRST_INPUT = {
    a.FORM_CASE: a.INPUT_TITLE,
    a.FORM_GOAL: a.INPUT_GOAL,
    a.FORM_GROUP: a.INPUT_NAME,
    a.FORM_SCHEDULE: a.INPUT_WHEN,
    a.FORM_CONTRIBUTE: a.INPUT_TEXT,
}
"""Where a form shows an error that is about no input in particular."""


def from_form(
    callback_id: str, state: Mapping[str, str], values: Mapping[str, object], base: Base
) -> i.Intent:
    build = FORMS.get(callback_id)
    if build is None:
        raise InvalidInput("input.unknown_action")
    return build(FormValues(state, values), base)


# ------------------------------------------------------------------ thread messages


def from_thread_message(
    text: str, *, source_ref: str, edited: bool, meeting_id: int, base: Base, deleted: bool = False
) -> i.Intent:
    """A message in a meeting's thread is a contribution; its edit revises it; its deletion
    withdraws it."""
    if deleted:
        return i.WithdrawDeleted(meeting_id=meeting_id, source_ref=source_ref, **base)
    if edited:
        return i.EditContribution(meeting_id=meeting_id, text=text, source_ref=source_ref, **base)
    return i.Contribute(meeting_id=meeting_id, text=text, source_ref=source_ref, **base)
