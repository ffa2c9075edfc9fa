"""Past-tense facts the domain records as it changes; services turn them into notifications."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Event(BaseModel):
    name: str
    meeting_id: int | None = None
    data: dict[str, Any] = Field(default_factory=dict)
