"""Ids of buttons and forms, shared by every adapter. Never spell these in a listener."""

import re

# Buttons on the meeting card and in its thread; their value is ``meeting_value``: the
# meeting's id with its position (``meeting.position``) or a case id, so that a stale or
# double click applies once and every platform knows the meeting without looking it up.
MEETING_START = "meeting.start"
MEETING_ADVANCE = "meeting.advance"
MEETING_EXTEND = "meeting.extend"
MEETING_PAUSE = "meeting.pause"
MEETING_CLOSE = "meeting.close"
MEETING_CANCEL = "meeting.cancel"
MEETING_REPORT = "meeting.report"
MEETING_CHOOSE_CASE = "meeting.choose_case"
MEETING_CONTRIBUTE = "meeting.contribute"
MEETING_PASS = "meeting.pass"
CASE_OPEN_FORM = "case.open_form"
GOALS_OPEN_FORM = "goals.open_form"
TASK_DONE = "task.done"
TASK_SKIP = "task.skip"
CALENDAR_SHOW = "calendar.show"
CALENDAR_RENEW = "calendar.renew"
CHANNEL_ACCEPT = "group.accept_channel"
OPEN_OFFERED_FORM = "form.open"
"""Opens a form later (a button in a private message); its value names the form (JSON)."""

# Forms (modals / dialogs) and their inputs.
FORM_CASE = "form.case"
FORM_GOAL = "form.goal"
FORM_GROUP = "form.group"
FORM_SCHEDULE = "form.schedule"
FORM_TRAJECTORY = "form.trajectory"
FORM_TURN = "form.turn"
FORM_CONTRIBUTE = "form.contribute"

INPUT_TITLE = "title"
INPUT_HELP_QUESTION = "help_question"
INPUT_DESCRIPTION = "description"
INPUT_CONSENT = "consent"
INPUT_GOAL = "goal"
INPUT_WHERE_WHEN = "where_and_when"
INPUT_DEADLINE = "deadline"
INPUT_CRITERIA = "criteria"
INPUT_NAME = "name"
INPUT_CHANNEL = "channel"
INPUT_MEMBERS = "members"
INPUT_FACILITATOR = "facilitator"
INPUT_METHOD = "method"
INPUT_CADENCE = "cadence"
INPUT_MODE = "mode"
INPUT_LOCALE = "locale"
INPUT_WHEN = "when"
INPUT_COUNT = "count"
INPUT_RULE = "rule"
INPUT_SWAP_WITH = "swap_with"
INPUT_TEXT = "text"
INPUT_KIND = "kind"


def meeting_value(meeting_id: int | None, detail: str = "") -> str:
    """A meeting button's value: ``"12|phase:3"`` (meeting 12, at phase 3)."""
    return f"{meeting_id or ''}|{detail}"


MAX_ID = 2**31 - 1
"""The largest id the database holds (a 32-bit integer on PostgreSQL)."""


def id_number(text: str) -> int | None:
    """Our id written in a button or a form (``"12"``), or None: only ASCII digits count
    (``"²".isdigit()`` is true, but it is no number), and no more than ``MAX_ID``."""
    text = text.strip()
    if not (0 < len(text) <= 10 and text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


_TEXT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def text_id(value: object) -> str | None:
    """One of our text ids (a goal's, a task's) written in a button or form, or None."""
    return value if isinstance(value, str) and _TEXT_ID.fullmatch(value) else None


def split_value(value: str) -> tuple[int | None, str]:
    """``meeting_value`` read back; a value without a meeting id gives None."""
    head, bar, detail = value.partition("|")
    if not bar:
        return None, value
    return id_number(head), detail
