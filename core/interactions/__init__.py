"""One interaction layer: what a command, a click or a form means, decided once.

Adapters (Slack, Teams, the sandbox) only translate: they extract a ``Who`` and the
command text, button or form values from a platform request, call one of the entry
points below, and render the ``Reply`` with ``render``. See ``dispatch`` for the entry
points, ``table`` for the words and ids, ``handlers`` for what each intent does.
"""

from core.domain.common import Locale, Platform
from core.interactions.dispatch import (
    Who,
    action,
    actor_of,
    channel_changed,
    command,
    send_later,
    submit,
    thread_message,
    workspace_id,
)
from core.interactions.render import Rendered, field_errors, meeting_now, render
from core.interactions.replies import FormRequest, Notice, Reply, Screen
from core.services.guard import AlreadyApplied, RequestGuard, guarded

__all__ = [
    "AlreadyApplied",
    "FormRequest",
    "Locale",
    "Notice",
    "Platform",
    "Rendered",
    "Reply",
    "RequestGuard",
    "Screen",
    "Who",
    "action",
    "actor_of",
    "channel_changed",
    "command",
    "field_errors",
    "guarded",
    "meeting_now",
    "render",
    "send_later",
    "submit",
    "thread_message",
    "workspace_id",
]
