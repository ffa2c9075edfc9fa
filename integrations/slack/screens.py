"""Small Slack-only screens built from the neutral vocabulary: a person's task list, help
after an unknown word, plain notices."""

from __future__ import annotations

from core.domain.common import Locale
from core.domain.tasks import PreparationTask
from core.i18n import t
from core.views import actions as a
from core.views.home import help_card
from core.views.vocabulary import (
    Block,
    Button,
    Buttons,
    Card,
    ContextLine,
    Heading,
    Moment,
    Text,
    spans,
)


def unknown_command(word: str, locale: Locale, command: str) -> Card:
    helping = help_card(locale, command)
    intro = Text(spans(t("help.unknown", locale, word=word)))
    return Card(blocks=(intro, *helping.blocks), summary=t("help.unknown", locale, word=word))


def task_list(tasks: list[PreparationTask], locale: Locale) -> Card:
    blocks: list[Block] = [Heading(t("home.my_tasks", locale))]
    if not tasks:
        blocks.append(ContextLine(spans(t("home.no_tasks", locale))))
    for task in tasks[:20]:
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
        blocks.append(Buttons((Button(a.TASK_DONE, t("button.done", locale), task.id),)))
    return Card(blocks=tuple(blocks), summary=t("home.my_tasks", locale))


def line(text: str) -> Card:
    return Card(blocks=(Text(spans(text)),), summary=text)
