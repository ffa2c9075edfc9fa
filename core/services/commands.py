"""The commands people type, in English and Dutch, shared by every chat platform."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.common import Locale

ALIASES: dict[str, tuple[str, Locale | None]] = {
    "help": ("help", "en"),
    "hulp": ("help", "nl"),
    "": ("help", None),
    "?": ("help", None),
    "start": ("start", None),
    "case": ("case", "en"),
    "casus": ("case", "nl"),
    "goals": ("goals", "en"),
    "doelen": ("goals", "nl"),
    "leerdoelen": ("goals", "nl"),
    "tasks": ("tasks", "en"),
    "taken": ("tasks", "nl"),
    "group": ("group", "en"),
    "groep": ("group", "nl"),
    "schedule": ("schedule", "en"),
    "plan": ("schedule", "nl"),
    "plannen": ("schedule", "nl"),
    "report": ("report", "en"),
    "verslag": ("report", "nl"),
}


NEW_WORDS = frozenset({"new", "nieuw", "another", "nog een"})


@dataclass(frozen=True)
class Command:
    name: str
    """One of help, start, case, goals, tasks, group, schedule, report."""
    rest: str
    locale_hint: Locale | None
    """The language the person typed in, when the word tells."""
    known: bool = True

    @property
    def asks_for_new(self) -> bool:
        """``goals new`` / ``doelen nieuw``: a blank form rather than the latest one."""
        return self.rest.lower() in NEW_WORDS


def parse_command(text: str) -> Command:
    """``"casus"`` -> case (Dutch); an unknown word -> help, marked unknown."""
    word, _, rest = (text or "").strip().partition(" ")
    entry = ALIASES.get(word.lower())
    if entry is None:
        return Command(name="help", rest=text.strip(), locale_hint=None, known=False)
    return Command(name=entry[0], rest=rest.strip(), locale_hint=entry[1])
