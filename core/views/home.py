"""A person's own page (Slack App Home, Teams personal chat, sandbox start page) and help."""

from __future__ import annotations

from core.domain.common import Locale
from core.domain.tasks import PreparationTask
from core.i18n import t
from core.services.queries import GroupHealth, Overview
from core.views import actions as a
from core.views.report import health_card
from core.views.vocabulary import (
    Block,
    Button,
    Buttons,
    Card,
    Confirm,
    ContextLine,
    Divider,
    Emphasis,
    Heading,
    Link,
    Moment,
    Strong,
    Text,
    spans,
)


def overview_card(view: Overview, locale: Locale, health: list[GroupHealth]) -> Card:
    blocks: list[Block] = [Heading(t("home.title", locale))]
    blocks.append(Text(spans(Strong(t("home.my_groups", locale)))))
    if not view.groups:
        blocks.append(ContextLine(spans(t("home.no_groups", locale))))
    for group in view.groups:
        meeting = view.next_meetings.get(group.id or 0)
        if meeting is None:
            blocks.append(Text(spans(Strong(group.name), " — ", t("home.no_meeting", locale))))
        else:
            blocks.append(
                Text(
                    spans(
                        Strong(group.name),
                        " — ",
                        t(f"state.{meeting.state.value}", locale),
                        ", ",
                        Moment(meeting.started_at or meeting.scheduled_at),
                    )
                )
            )
    blocks += [Divider(), Text(spans(Strong(t("home.my_tasks", locale))))]
    blocks += _tasks(view.tasks[:15], locale)
    blocks += [Divider(), Text(spans(Strong(t("home.my_goals", locale))))]
    if not view.goals:
        blocks.append(ContextLine(spans(t("home.no_goals", locale))))
    for goal in view.goals:
        met, total = goal.quality
        blocks.append(
            Text(spans(goal.text, " ", Emphasis(t("goal.quality", locale, met=met, total=total))))
        )
    if view.groups:
        blocks.append(
            Buttons(
                (
                    Button(a.GOALS_OPEN_FORM, t("button.goals", locale)),
                    Button(a.CALENDAR_SHOW, t("button.calendar", locale)),
                )
            )
        )
    for item in health:
        blocks.append(Divider())
        blocks += list(health_card(item, locale).blocks)
    return Card(blocks=tuple(blocks), summary=t("home.title", locale))


def task_list(tasks: list[PreparationTask], locale: Locale) -> Card:
    """A person's open preparation tasks, each with its "done" button."""
    blocks: list[Block] = [Heading(t("home.my_tasks", locale)), *_tasks(tasks[:20], locale)]
    return Card(blocks=tuple(blocks), summary=t("home.my_tasks", locale))


def _tasks(tasks: list[PreparationTask], locale: Locale) -> list[Block]:
    if not tasks:
        return [ContextLine(spans(t("home.no_tasks", locale)))]
    blocks: list[Block] = []
    for task in tasks:
        blocks.append(
            Text(
                spans(
                    t(f"task.{task.kind.value}", locale),
                    " — ",
                    t("home.due", locale),
                    " ",
                    Moment(task.due_at),
                )
            )
        )
        blocks.append(
            Buttons(
                (
                    Button(a.TASK_DONE, t("button.done", locale), task.id),
                    Button(a.TASK_SKIP, t("button.skip", locale), task.id),
                )
            )
        )
    return blocks


def calendar_card(https: str, webcal: str, locale: Locale) -> Card:
    """The person's calendar link: how to subscribe, and a button for a new link."""
    renew = Confirm(
        title=t("confirm.renew_calendar.title", locale),
        question=t("confirm.renew_calendar.question", locale),
        yes=t("confirm.renew_calendar.yes", locale),
        no=t("confirm.no", locale),
    )
    blocks: list[Block] = [
        Heading(t("calendar.card.title", locale)),
        Text(spans(t("calendar.card.intro", locale))),
        Text(spans(Link(webcal, t("calendar.card.subscribe", locale)))),
        Text(spans(t("calendar.card.copy", locale), "\n", Link(https, https))),
        ContextLine(spans(t("calendar.card.private", locale))),
        Buttons((Button(a.CALENDAR_RENEW, t("button.renew_calendar", locale), confirm=renew),)),
    ]
    return Card(blocks=tuple(blocks), summary=t("calendar.card.title", locale))


# The commands a platform's menu lists (Teams: at most 10) and the help explains.
COMMANDS = (
    "help",
    "start",
    "case",
    "goals",
    "tasks",
    "calendar",
    "away",
    "group",
    "schedule",
    "report",
)
HELP_ONLY = ("turn", "quiet", "trajectory")
"""Commands the help explains beyond the menu's (Teams lists at most 10)."""


def help_card(
    locale: Locale, command: str = "/intervision", unknown_word: str | None = None
) -> Card:
    """Every command with what it does; ``command`` is how the person calls the app there
    (``/intervisie``, ``@Intervision``, or nothing in a personal chat)."""
    blocks: list[Block] = [Heading(t("help.title", locale)), Text(spans(t("help.intro", locale)))]
    if unknown_word is not None:
        blocks.insert(0, Text(spans(t("help.unknown", locale, word=unknown_word))))
    for name in (*COMMANDS, *HELP_ONLY):
        blocks.append(
            Text(
                spans(
                    Strong(f"{command} {t(f'command.{name}', locale)}".strip()),
                    " — ",
                    t(f"help.{name}", locale),
                )
            )
        )
    blocks.append(ContextLine(spans(t("help.privacy", locale))))
    return Card(blocks=tuple(blocks), summary=t("help.title", locale))
