"""Forms: submit a case, write a learning goal, add a group, plan a meeting, contribute."""

from __future__ import annotations

from datetime import datetime

from core.domain.case import Case
from core.domain.common import MAX_LONG_TEXT, MAX_SHORT_TEXT, MAX_TITLE, Locale
from core.domain.goals import SELF_ASSESSED, LearningGoal
from core.domain.group import Cadence, Group, Mode
from core.domain.meeting import Meeting
from core.domain.method import CaseOwnerRole, Phase, Speakers
from core.domain.trajectory import MAX_RULE_LENGTH
from core.i18n import t
from core.methods import MethodLibrary
from core.views import actions as a
from core.views.vocabulary import (
    Block,
    ChannelSelect,
    Checkboxes,
    ContextLine,
    DateInput,
    DateTimeInput,
    Form,
    Moment,
    Option,
    PeopleSelect,
    Select,
    Strong,
    Text,
    TextInput,
    spans,
)


def case_form(group: Group, locale: Locale, case: Case | None = None) -> Form:
    return Form(
        callback_id=a.FORM_CASE,
        title=t("form.case.title", locale),
        submit=t("form.submit", locale),
        locale=locale,
        state={"group_id": str(group.id), **({"case_id": str(case.id)} if case else {})},
        blocks=(
            ContextLine(spans(t("form.case.intro", locale, group=group.name))),
            TextInput(
                a.INPUT_TITLE,
                t("form.case.title_label", locale),
                initial=case.title if case else "",
                max_length=MAX_TITLE,
            ),
            TextInput(
                a.INPUT_HELP_QUESTION,
                t("form.case.help_question_label", locale),
                initial=case.help_question if case else "",
                max_length=MAX_SHORT_TEXT,
                hint=t("form.case.help_question_hint", locale),
            ),
            TextInput(
                a.INPUT_DESCRIPTION,
                t("form.case.description_label", locale),
                initial=case.description if case else "",
                multiline=True,
                max_length=MAX_LONG_TEXT,
                optional=True,
            ),
            Checkboxes(
                a.INPUT_CONSENT,
                t("form.case.consent_label", locale),
                (Option("yes", t("form.case.consent_option", locale)),),
                initial=("yes",) if case and case.consent_to_report else (),
            ),
        ),
    )


def goal_form(group: Group, locale: Locale, goal: LearningGoal | None = None) -> Form:
    """The checklist is shown with a hint for each criterion the goal does not meet yet."""
    blocks: list[Block] = [ContextLine(spans(t("form.goal.intro", locale)))]
    if goal is not None:
        met, total = goal.quality
        blocks.append(Text(spans(Strong(t("goal.quality", locale, met=met, total=total)))))
        for item in goal.checklist():
            if item.hint_key:
                blocks.append(ContextLine(spans("• " + t(item.hint_key, locale))))
    blocks += [
        TextInput(
            a.INPUT_GOAL,
            t("form.goal.goal_label", locale),
            initial=goal.text if goal else "",
            multiline=True,
            max_length=MAX_SHORT_TEXT,
            placeholder=t("form.goal.goal_placeholder", locale),
        ),
        TextInput(
            a.INPUT_WHERE_WHEN,
            t("form.goal.where_when_label", locale),
            initial=goal.where_and_when if goal else "",
            max_length=MAX_SHORT_TEXT,
            optional=True,
        ),
        DateInput(
            a.INPUT_DEADLINE,
            t("form.goal.deadline_label", locale),
            initial=goal.deadline if goal else None,
        ),
        Checkboxes(
            a.INPUT_CRITERIA,
            t("form.goal.criteria_label", locale),
            tuple(Option(c.value, t(f"goal.criterion.{c.value}", locale)) for c in SELF_ASSESSED),
            initial=tuple(c.value for c in goal.ticked) if goal else (),
        ),
    ]
    return Form(
        callback_id=a.FORM_GOAL,
        title=t("form.goal.title", locale),
        submit=t("form.submit", locale),
        locale=locale,
        state={"group_id": str(group.id), **({"goal_id": goal.id} if goal else {})},
        blocks=tuple(blocks),
    )


def group_form(methods: MethodLibrary, locale: Locale, channel: str | None = None) -> Form:
    return Form(
        callback_id=a.FORM_GROUP,
        title=t("form.group.title", locale),
        submit=t("form.submit", locale),
        locale=locale,
        blocks=(
            ContextLine(spans(t("form.group.intro", locale))),
            TextInput(a.INPUT_NAME, t("form.group.name_label", locale), max_length=MAX_TITLE),
            ChannelSelect(a.INPUT_CHANNEL, t("form.group.channel_label", locale), channel),
            PeopleSelect(a.INPUT_MEMBERS, t("form.group.members_label", locale)),
            PeopleSelect(
                a.INPUT_FACILITATOR,
                t("form.group.facilitator_label", locale),
                multiple=False,
                optional=True,
            ),
            Select(
                a.INPUT_METHOD,
                t("form.group.method_label", locale),
                tuple(Option(m.id, m.name(locale)) for m in methods),
                initial="incident",
            ),
            Select(
                a.INPUT_CADENCE,
                t("form.group.cadence_label", locale),
                tuple(Option(c.value, t(f"cadence.{c.value}", locale)) for c in Cadence),
                initial=Cadence.MONTHLY.value,
            ),
            Select(
                a.INPUT_MODE,
                t("form.group.mode_label", locale),
                tuple(Option(m.value, t(f"mode.{m.value}", locale)) for m in Mode),
                initial=Mode.LIVE.value,
            ),
            Select(
                a.INPUT_LOCALE,
                t("form.group.locale_label", locale),
                (Option("nl", "Nederlands"), Option("en", "English")),
                initial=locale,
            ),
        ),
    )


def schedule_form(
    group: Group,
    methods: MethodLibrary,
    locale: Locale,
    meeting: Meeting | None = None,
    suggested: datetime | None = None,
) -> Form:
    return Form(
        callback_id=a.FORM_SCHEDULE,
        title=t("form.schedule.title", locale),
        submit=t("form.submit", locale),
        locale=locale,
        state={"group_id": str(group.id), **({"meeting_id": str(meeting.id)} if meeting else {})},
        blocks=(
            ContextLine(spans(t("form.schedule.intro", locale, group=group.name))),
            DateTimeInput(
                a.INPUT_WHEN,
                t("form.schedule.when_label", locale),
                initial=meeting.scheduled_at if meeting else suggested,
            ),
            Select(
                a.INPUT_METHOD,
                t("form.group.method_label", locale),
                tuple(Option(m.id, m.name(locale)) for m in methods),
                initial=meeting.method_id if meeting else group.method_id,
            ),
        ),
    )


TRAJECTORY_COUNTS = tuple(range(2, 13))
DEFAULT_COUNT = 8


def trajectory_form(
    group: Group, methods: MethodLibrary, locale: Locale, *, suggested: datetime
) -> Form:
    """Plan the group's meetings at once: the first, a cadence (or an RRULE), how many."""
    cadences = [c for c in Cadence if c is not Cadence.AD_HOC]
    default = group.cadence if group.cadence in cadences else Cadence.MONTHLY
    return Form(
        callback_id=a.FORM_TRAJECTORY,
        title=t("form.trajectory.title", locale),
        submit=t("form.trajectory.submit", locale),
        locale=locale,
        state={"group_id": str(group.id)},
        blocks=(
            ContextLine(spans(t("form.trajectory.intro", locale, group=group.name))),
            DateTimeInput(
                a.INPUT_WHEN, t("form.trajectory.first_label", locale), initial=suggested
            ),
            Select(
                a.INPUT_CADENCE,
                t("form.group.cadence_label", locale),
                tuple(Option(c.value, t(f"cadence.{c.value}", locale)) for c in cadences),
                initial=default.value,
            ),
            Select(
                a.INPUT_COUNT,
                t("form.trajectory.count_label", locale),
                tuple(Option(str(n), str(n)) for n in TRAJECTORY_COUNTS),
                initial=str(DEFAULT_COUNT),
            ),
            Select(
                a.INPUT_METHOD,
                t("form.group.method_label", locale),
                tuple(Option(m.id, m.name(locale)) for m in methods),
                initial=group.method_id,
            ),
            TextInput(
                a.INPUT_RULE,
                t("form.trajectory.rule_label", locale),
                optional=True,
                max_length=MAX_RULE_LENGTH,
                placeholder="FREQ=WEEKLY;INTERVAL=4;BYDAY=TU",
                hint=t("form.trajectory.rule_hint", locale),
            ),
        ),
    )


def turn_form(group: Group, turn: Meeting | None, locale: Locale) -> Form:
    """Skip or swap one's next turn to bring a case (``turn``: its meeting, if any)."""
    blocks: list[Block] = []
    if turn is None:
        blocks.append(ContextLine(spans(t("form.turn.none", locale))))
    else:
        blocks += [
            Text(spans(t("form.turn.when", locale), " ", Moment(turn.scheduled_at))),
            ContextLine(spans(t("form.turn.intro", locale))),
            PeopleSelect(
                a.INPUT_SWAP_WITH,
                t("form.turn.with_label", locale),
                multiple=False,
                optional=True,
            ),
        ]
    return Form(
        callback_id=a.FORM_TURN,
        title=t("form.turn.title", locale),
        submit=t("form.turn.submit", locale),
        locale=locale,
        state={"group_id": str(group.id)},
        blocks=tuple(blocks),
    )


def contribute_form(meeting: Meeting, phase: Phase, locale: Locale, *, as_case_owner: bool) -> Form:
    answering = (
        as_case_owner
        and phase.case_owner is CaseOwnerRole.ANSWERS
        and phase.speakers is not Speakers.CASE_OWNER
    )
    blocks: list[Block] = [Text(spans(Strong(phase.title(locale)), "\n", phase.prompt(locale)))]
    if len(phase.kinds) > 1 and not answering:
        blocks.append(
            Select(
                a.INPUT_KIND,
                t("form.contribute.kind_label", locale),
                tuple(Option(k.value, t(f"kind.{k.value}", locale)) for k in phase.kinds),
                initial=phase.kinds[0].value,
            )
        )
    blocks.append(
        TextInput(
            a.INPUT_TEXT,
            t("form.contribute.text_label", locale),
            multiline=True,
            max_length=MAX_LONG_TEXT,
        )
    )
    if phase.write_first:
        blocks.append(ContextLine(spans(t("rule.write_first", locale))))
    return Form(
        callback_id=a.FORM_CONTRIBUTE,
        title=t("form.contribute.title", locale),
        submit=t("form.send", locale),
        locale=locale,
        state={"meeting_id": str(meeting.id), "position": meeting.position},
        blocks=tuple(blocks),
    )
