"""One interaction layer: what a command, a click or a form means, decided once.

Adapters (Slack, Teams, the sandbox) only translate: they extract a ``Who`` and the
command text, button or form values from a platform request, call one of the entry
points below, and render the ``Reply`` with ``render``. See ``dispatch`` for the entry
points, ``table`` for the words and ids, ``handlers`` for what each intent does.
"""

from core.domain.common import Locale, Platform, is_ref, strip_control
from core.interactions.dispatch import (
    Who,
    action,
    actor_of,
    channel_changed,
    command,
    send_later,
    submit,
    thread_message,
)
from core.interactions.render import Rendered, field_errors, meeting_now, render
from core.interactions.replies import FormRequest, Notice, Reply, Screen
from core.interactions.table import FORMS
from core.interactions.workspaces import UnknownWorkspace, admit, workspace_id
from core.services.guard import AlreadyApplied, RequestGuard, guarded

__all__ = [
    "FORMS",
    "AlreadyApplied",
    "FormRequest",
    "Locale",
    "Notice",
    "Platform",
    "Rendered",
    "Reply",
    "RequestGuard",
    "Screen",
    "UnknownWorkspace",
    "Who",
    "action",
    "actor_of",
    "admit",
    "channel_changed",
    "command",
    "field_errors",
    "guarded",
    "is_ref",
    "meeting_now",
    "render",
    "send_later",
    "strip_control",
    "submit",
    "thread_message",
    "workspace_id",
]
