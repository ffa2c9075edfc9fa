"""Errors the rules raise. Each carries a catalogue key and its parameters, so that
an adapter can show it in the user's language (see ``core.i18n``)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every refusal by the rules of the domain."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, {self.params!r})"


class NotAllowed(DomainError):
    """This person may not do this (a matter of role or membership)."""


class NotPossibleNow(DomainError):
    """Nobody could do this in the current state (a matter of timing or state)."""


class NotFound(DomainError):
    """The thing referred to does not exist (or is not visible to this person)."""


class InvalidInput(DomainError):
    """The request itself is malformed: too long, empty, out of range."""


class ConcurrentChange(DomainError):
    """Someone else changed the same thing at the same moment; nothing was applied."""


class Busy(DomainError):
    """The change could not be saved in time (the database was held up by other work, or
    the platform's deadline to answer passed); nothing was saved, and it may be tried again."""

    def __init__(self, key: str = "error.busy", **params: Any) -> None:
        super().__init__(key, **params)
