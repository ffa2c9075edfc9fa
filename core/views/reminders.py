"""Reminders, sent privately a day ahead: a task to do (with its buttons), a meeting."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from core.domain.common import Locale, PersonRef
from core.domain.tasks import TaskKind
from core.i18n import t
from core.views import actions as a
from core.views.privacy import person
from core.views.vocabulary import (
    Block,
    Button,
    Buttons,
    Card,
    ContextLine,
    Moment,
    Span,
    Strong,
    Text,
    spans,
)


def task_reminder(
    *,
    group: str,
    kind: TaskKind,
    due_at: datetime,
    task_id: str,
    locale: Locale,
    your_turn: bool = False,
) -> Card:
    """A task due soon: what, for which group, when (in the reader's own time), and the
    buttons to mark it done or skip it. ``your_turn``: bringing a case is the reader's turn
    on the rota (for the others it is an invitation)."""
    what = t("task.bring_case_turn" if your_turn else f"task.{kind.value}", locale)
    blocks: list[Block] = [
        Text(spans(Strong(what))),
        Text(spans(t("reminder.task_due", locale, group=group), " ", Moment(due_at))),
        Buttons(
            (
                Button(a.TASK_DONE, t("button.done", locale), task_id),
                Button(a.TASK_SKIP, t("button.skip", locale), task_id),
            )
        ),
        ContextLine(spans(t("reminder.why", locale))),
    ]
    return Card(blocks=tuple(blocks), summary=t("reminder.task_summary", locale, task=what))


def meeting_reminder(
    *,
    group: str,
    method: str,
    at: datetime,
    away: Mapping[PersonRef, date],
    locale: Locale,
) -> Card:
    """A meeting tomorrow: which group, when, the method; for the facilitator, who said
    they are away that day (until when)."""
    blocks: list[Block] = [
        Text(spans(Strong(t("reminder.meeting", locale, group=group)), " ", Moment(at))),
        Text(spans(t("reminder.meeting_method", locale, method=method))),
    ]
    if away:
        named: list[Span | str] = [t("reminder.away", locale)]
        for index, (ref, until) in enumerate(sorted(away.items())):
            named += [", " if index else " ", person(ref, locale)]
            named.append(" " + t("reminder.away_until", locale, until=until.isoformat()))
        blocks.append(Text(spans(*named)))
    blocks.append(ContextLine(spans(t("reminder.why", locale))))
    return Card(blocks=tuple(blocks), summary=t("reminder.meeting_summary", locale, group=group))


def phase_nudge(
    *, group: str, phase: str, deadline: datetime, meeting_value: str, locale: Locale
) -> Card:
    """An async phase closes soon and the reader has not contributed or passed yet."""
    blocks: list[Block] = [
        Text(spans(Strong(t("reminder.phase", locale, group=group, phase=phase)))),
        Text(spans(t("reminder.phase_deadline", locale), " ", Moment(deadline))),
        Buttons(
            (
                Button(a.MEETING_CONTRIBUTE, t("button.contribute", locale), meeting_value),
                Button(a.MEETING_PASS, t("button.pass", locale), meeting_value),
            )
        ),
    ]
    return Card(blocks=tuple(blocks), summary=t("reminder.phase", locale, group=group, phase=phase))
