"""Privacy: texts removed after the retention period or on a person's request, the
stand-ins that replace an erased person, and the audit trail of both.

Retention removes the *texts* of a finished meeting (its case and its contributions)
and keeps everything its report and statistics are made of: who took part, phases held,
kinds, scores. Erasure replaces a person, in each meeting they took part in, by a
stand-in of that meeting only (``erased:…``), so that counts still add up while the
meetings cannot be linked to one another through it (docs/decisions/0012).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from core.domain.common import PersonRef

DEFAULT_RETENTION_DAYS = 365
MIN_RETENTION_DAYS = 1
MAX_RETENTION_DAYS = 3650

ERASED_PREFIX = "erased:"
"""No platform's user id contains a colon (Slack ``U…``, Entra object ids, sandbox names)."""

SYSTEM = "system"
"""Who asked for what the server does by itself (the retention job)."""


class TextRemoval(BaseModel):
    """Why and when a text was removed: after ``after_days`` days of retention, or (None)
    at the request of the person it was about."""

    model_config = ConfigDict(frozen=True)
    at: datetime
    after_days: int | None = Field(default=None, ge=MIN_RETENTION_DAYS)


def stand_in() -> PersonRef:
    """A fresh stand-in for an erased person: random, so it says nothing about them."""
    return ERASED_PREFIX + secrets.token_hex(6)


def is_erased(person: PersonRef | None) -> bool:
    return person is not None and person.startswith(ERASED_PREFIX)


class AuditAction(StrEnum):
    PURGE = "purge"
    EXPORT = "export"
    ERASE = "erase"


class AuditEntry(BaseModel):
    """One privacy action: when, who asked, what, about which workspace (and person), and
    how many rows it concerned (``detail``: rows per kind)."""

    id: int | None = None
    at: datetime
    requested_by: str = Field(min_length=1, max_length=255)
    action: AuditAction
    workspace_id: int
    person: PersonRef | None = None
    rows: int = Field(ge=0)
    detail: dict[str, int] = Field(default_factory=dict)
