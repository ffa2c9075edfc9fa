"""The simulated colleagues of the sandbox and its one workspace.

Person refs are plain lower-case names; they are opaque to the core like Slack's ``U…``."""

from __future__ import annotations

from dataclasses import dataclass

WORKSPACE = "local"
"""The external id of the sandbox workspace (platform ``sandbox``)."""

MANAGERS_CHANNEL = "sandbox-managers"
INSTALLER = "sandbox-installer"
"""Who set the sandbox up (the admin of a real platform): names Gert manager, adds groups."""


@dataclass(frozen=True)
class Colleague:
    ref: str
    name: str


COLLEAGUES: tuple[Colleague, ...] = (
    Colleague("anna", "Anna"),
    Colleague("bram", "Bram"),
    Colleague("carmen", "Carmen"),
    Colleague("daan", "Daan"),
    Colleague("eva", "Eva"),
    Colleague("fleur", "Fleur"),
    Colleague("gert", "Gert"),
    Colleague("hamid", "Hamid"),
    Colleague("iris", "Iris"),
    Colleague("joost", "Joost"),
)
NAMES: dict[str, str] = {c.ref: c.name for c in COLLEAGUES}

PREPARED_MEMBERS = ("anna", "bram", "carmen", "daan", "eva")
PREPARED_FACILITATOR = "fleur"
MANAGER = "gert"
DEFAULT_PERSON = "anna"


def name_of(person: str) -> str:
    return NAMES.get(person, person)


def is_colleague(person: str) -> bool:
    return person in NAMES
