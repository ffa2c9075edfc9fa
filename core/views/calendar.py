"""A calendar feed as iCalendar (RFC 5545), with the ``icalendar`` library.

Published, not sent (``METHOD:PUBLISH``): subscribed calendars poll it. Every meeting and
every preparation deadline is a ``VEVENT`` (clients ignore ``VTODO`` and alarms in
subscribed calendars; the reminders are ours to send) with a stable ``UID``, a
``SEQUENCE`` raised on every change of time or on calling it off, ``STATUS:CANCELLED``
instead of disappearing, and its local time with a ``TZID`` that has its ``VTIMEZONE``.
Deadlines are transparent: they do not make anyone look busy.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from icalendar.enums import STATUS, TRANSP

from core.domain.meeting import Meeting, MeetingState
from core.domain.tasks import PreparationTask, TaskStatus
from core.i18n import t
from core.methods.loader import MethodLibrary
from core.services.calendars import CalendarFeed
from core.services.ports import CalendarEntry, EntryKind, EntryState

PRODID = "-//Intervision//Intervision calendar//EN"
DOMAIN = "intervision"
"""The right-hand side of every UID: ``meeting-12@intervision``."""
DEFAULT_MINUTES = 90
"""A meeting whose method is no longer in the library."""
DEADLINE = timedelta(minutes=30)
REFRESH = timedelta(hours=1)
"""How often a client should fetch the feed again (a hint: REFRESH-INTERVAL)."""


def ical(feed: CalendarFeed, methods: MethodLibrary, *, now: datetime) -> bytes:
    """The feed as an iCalendar document (UTF-8, CRLF line ends)."""
    locale = feed.locale
    if feed.owner.group_id is not None:
        name = t("calendar.name_group", locale, group=feed.groups[feed.owner.group_id].name)
    else:
        name = t("calendar.name_person", locale)
    calendar = Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        name=name,
        uid=_calendar_uid(feed),
        refresh_interval=REFRESH,
    )
    meetings = {meeting.id: meeting for meeting in feed.meetings}
    for meeting in feed.meetings:
        calendar.add_component(_meeting_event(feed, meeting, methods, now))
    for task in feed.tasks:
        calendar.add_component(_task_event(feed, task, meetings[task.meeting_id], now))
    calendar.add_missing_timezones()
    document: bytes = calendar.to_ical()
    return document


def entries(feed: CalendarFeed, methods: MethodLibrary) -> list[CalendarEntry]:
    """What a person's own calendar on their platform should hold (an event per meeting
    planned or called off, a task per preparation task), with the feed's texts: meetings
    first, so that a task can link to its meeting's entry."""
    found: list[CalendarEntry] = []
    meetings = {meeting.id: meeting for meeting in feed.meetings}
    for meeting in feed.meetings:
        if meeting.state not in (MeetingState.PLANNED, MeetingState.CANCELLED):
            continue  # under way or held: as it was planned
        event = _meeting_event(feed, meeting, methods, meeting.scheduled_at)
        zone = meeting.time_zone or feed.zone
        start, end = _meeting_times(feed, meeting, methods)
        found.append(
            CalendarEntry(
                key=f"meeting-{meeting.id}",
                kind=EntryKind.EVENT,
                subject=str(event["SUMMARY"]),
                body=str(event["DESCRIPTION"]),
                start=start.replace(tzinfo=None),
                end=end.replace(tzinfo=None),
                zone=zone,
                state=(
                    EntryState.GONE if meeting.state is MeetingState.CANCELLED else EntryState.OPEN
                ),
            )
        )
    for task in feed.tasks:
        meeting = meetings[task.meeting_id]
        zone = meeting.time_zone or feed.zone
        group = feed.groups[meeting.group_id]
        gone = meeting.state is MeetingState.CANCELLED or task.status in (
            TaskStatus.SKIPPED,
            TaskStatus.CALLED_OFF,
        )
        found.append(
            CalendarEntry(
                key=f"task-{task.id}",
                kind=EntryKind.TASK,
                subject=t(
                    "calendar.task",
                    feed.locale,
                    task=t(f"task.{task.kind.value}", feed.locale),
                    group=group.name,
                ),
                body=_task_description(feed, meeting, zone),
                start=_local(task.due_at, zone).replace(tzinfo=None),
                end=None,
                zone=zone,
                state=(
                    EntryState.GONE
                    if gone
                    else EntryState.DONE
                    if task.status is TaskStatus.DONE
                    else EntryState.OPEN
                ),
                meeting_key=f"meeting-{meeting.id}",
            )
        )
    return found


def _meeting_event(
    feed: CalendarFeed, meeting: Meeting, methods: MethodLibrary, now: datetime
) -> Event:
    locale = feed.locale
    group = feed.groups[meeting.group_id]
    method = methods.get(meeting.method_id) if meeting.method_id in methods else None
    start, end = _meeting_times(feed, meeting, methods)
    return Event.new(
        uid=f"meeting-{meeting.id}@{DOMAIN}",
        sequence=meeting.revision,
        stamp=now,
        start=start,
        end=end,
        summary=t("calendar.meeting", locale, group=group.name),
        description=t(
            "calendar.meeting_description",
            locale,
            number=meeting.sequence + 1,
            group=group.name,
            method=method.name(locale) if method else meeting.method_id,
        ),
        status=STATUS.CANCELLED if meeting.state is MeetingState.CANCELLED else STATUS.CONFIRMED,
    )


def _task_event(
    feed: CalendarFeed, task: PreparationTask, meeting: Meeting, now: datetime
) -> Event:
    locale = feed.locale
    group = feed.groups[meeting.group_id]
    zone = meeting.time_zone or feed.zone
    due = _local(task.due_at, zone)
    called_off = meeting.state is MeetingState.CANCELLED or task.status is TaskStatus.SKIPPED
    what = t(f"task.{task.kind.value}", locale)
    return Event.new(
        uid=f"task-{task.id}@{DOMAIN}",
        sequence=meeting.revision,
        stamp=now,
        start=due - DEADLINE,
        end=due,
        summary=t(
            "calendar.task_done" if task.status is TaskStatus.DONE else "calendar.task",
            locale,
            task=what,
            group=group.name,
        ),
        description=_task_description(feed, meeting, zone),
        status=STATUS.CANCELLED if called_off else STATUS.CONFIRMED,
        transparency=TRANSP.TRANSPARENT,
    )


def _meeting_times(
    feed: CalendarFeed, meeting: Meeting, methods: MethodLibrary
) -> tuple[datetime, datetime]:
    """When a meeting starts and ends, in its zone: as long as its method takes."""
    method = methods.get(meeting.method_id) if meeting.method_id in methods else None
    minutes = method.total_minutes if method else DEFAULT_MINUTES
    start = _local(meeting.scheduled_at, meeting.time_zone or feed.zone)
    return start, start + timedelta(minutes=minutes)


def _task_description(feed: CalendarFeed, meeting: Meeting, zone: str) -> str:
    return t(
        "calendar.task_description",
        feed.locale,
        group=feed.groups[meeting.group_id].name,
        when=f"{_local(meeting.scheduled_at, zone):%Y-%m-%d %H:%M} ({zone})",
    )


FEEDS = "/calendar"
"""Where the feeds are served: ``{public url}/calendar/{token}.ics``."""


def feed_links(public_url: str, token: str) -> tuple[str, str]:
    """A feed's https link (http on a local server) and its ``webcal://`` twin, which asks
    a calendar app to subscribe."""
    link = f"{public_url.rstrip('/')}{FEEDS}/{token}.ics"
    return link, "webcal://" + link.split("://", 1)[1]


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def _calendar_uid(feed: CalendarFeed) -> str:
    """Stable per owner, and saying nothing about them."""
    owner = feed.owner
    seed = f"{owner.workspace_id}:{owner.person or ''}:{owner.group_id or ''}"
    return hashlib.sha256(seed.encode()).hexdigest()[:32]
