"""People's own Outlook calendars and To Do lists, through Microsoft Graph (``CalendarPort``).

A meeting is an event in each person's calendar with a Teams meeting to join
(``isOnlineMeeting``); a preparation task is a task in their default To Do list, due on
its day, with a linked resource back to the meeting's event. The app writes with its own
token: the tenant's admin consents to the application permissions ``Calendars.ReadWrite``
and ``Tasks.ReadWrite.All`` (docs/decisions/0024).

Refs, opaque to the core, are small JSON objects: an event's ``{"id", "link"}`` (``link``:
where to open it, for the tasks that link to it), a task's ``{"list", "id"}``.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import quote

from core.services.ports import (
    CalendarEntry,
    Destination,
    EntryKind,
    EntryState,
    Refusal,
    Undeliverable,
)
from integrations.teams.graph import Graph, GraphError

APPLICATION = "Intervision"
GONE = 404
"""Not there (any more): the person removed it themselves."""
REFUSED = {401: Refusal.REFUSED, 403: Refusal.REFUSED, 404: Refusal.UNREACHABLE}
"""Answers to writing a new entry that asking again will not change: no consent (403), no
such user or no mailbox (404)."""


class OutlookCalendars:
    """The ``CalendarPort`` of Microsoft Teams people; ``app_id`` makes the link of a task
    whose meeting has no event (to the app's personal chat)."""

    def __init__(self, graph: Graph, *, app_id: str) -> None:
        self.graph = graph
        self.app_id = app_id
        self._lists: dict[tuple[str, str], str] = {}

    def write(
        self,
        to: Destination,
        entry: CalendarEntry,
        *,
        ref: str | None,
        linked: str | None = None,
    ) -> str | None:
        assert to.person is not None
        user = f"/users/{quote(to.person, safe='')}"
        try:
            if entry.kind is EntryKind.EVENT:
                return self._event(to.workspace, user, entry, _read(ref))
            return self._task(to.workspace, to.person, user, entry, _read(ref), _read(linked))
        except GraphError as error:
            if ref is None and error.status in REFUSED:
                raise Undeliverable(REFUSED[error.status], str(error)) from error
            raise

    # ---------------------------------------------------------------- events

    def _event(
        self, tenant: str, user: str, entry: CalendarEntry, known: dict[str, str]
    ) -> str | None:
        if "id" in known:
            path = f"{user}/events/{quote(known['id'], safe='')}"
            if entry.state is EntryState.GONE:
                self._gone(tenant, path)
                return None
            found = self._changed(tenant, path, _event_fields(entry))
            return None if found is None else _event_ref(found, known)
        if entry.state is EntryState.GONE:
            return None
        body = {
            **_event_fields(entry),
            "isOnlineMeeting": True,
            "onlineMeetingProvider": "teamsForBusiness",
            "isReminderOn": False,  # the reminders are ours, out of quiet hours
            # The same write asked again (a time-out after Graph took it) makes no second event.
            "transactionId": str(
                uuid.uuid5(uuid.NAMESPACE_URL, f"{user}/{entry.key}/{entry.digest}")
            ),
        }
        return _event_ref(self.graph.call(tenant, "POST", f"{user}/events", body), {})

    # ---------------------------------------------------------------- To Do tasks

    def _task(
        self,
        tenant: str,
        person: str,
        user: str,
        entry: CalendarEntry,
        known: dict[str, str],
        meeting: dict[str, str],
    ) -> str | None:
        if "id" in known and "list" in known:
            listed = quote(known["list"], safe="")
            path = f"{user}/todo/lists/{listed}/tasks/{quote(known['id'], safe='')}"
            if entry.state is EntryState.GONE:
                self._gone(tenant, path)
                return None
            found = self._changed(tenant, path, _task_fields(entry))
            return None if found is None else json.dumps(known)
        if entry.state is EntryState.GONE:
            return None
        listed = self._default_list(tenant, person, user)
        body = {
            **_task_fields(entry),
            "linkedResources": [
                {
                    "webUrl": meeting.get("link") or self._chat_link(),
                    "applicationName": APPLICATION,
                    "displayName": entry.subject,
                    "externalId": entry.meeting_key or entry.key,
                }
            ],
        }
        made = self.graph.call(
            tenant, "POST", f"{user}/todo/lists/{quote(listed, safe='')}/tasks", body
        )
        return json.dumps({"list": listed, "id": str(made["id"])})

    def _default_list(self, tenant: str, person: str, user: str) -> str:
        """The person's default To Do list ("Tasks"), asked once per process."""
        known = self._lists.get((tenant, person))
        if known is not None:
            return known
        lists = self.graph.call(tenant, "GET", f"{user}/todo/lists").get("value") or []
        found = next(
            (item for item in lists if item.get("wellknownListName") == "defaultList"),
            lists[0] if lists else None,
        )
        if found is None:
            raise Undeliverable(Refusal.UNREACHABLE, "no To Do list")
        self._lists[(tenant, person)] = str(found["id"])
        return str(found["id"])

    def _chat_link(self) -> str:
        return f"https://teams.microsoft.com/l/chat/0/0?users=28:{quote(self.app_id, safe='')}"

    # ---------------------------------------------------------------- both

    def _changed(self, tenant: str, path: str, fields: dict[str, Any]) -> dict[str, Any] | None:
        """PATCH; None when it is no longer there (the person removed it)."""
        try:
            return self.graph.call(tenant, "PATCH", path, fields)
        except GraphError as error:
            if error.status == GONE:
                return None
            raise

    def _gone(self, tenant: str, path: str) -> None:
        """DELETE; what is no longer there is gone already."""
        try:
            self.graph.call(tenant, "DELETE", path)
        except GraphError as error:
            if error.status != GONE:
                raise


def _event_fields(entry: CalendarEntry) -> dict[str, Any]:
    assert entry.end is not None
    return {
        "subject": entry.subject,
        "body": {"contentType": "text", "content": entry.body},
        "start": _when(entry.start, entry.zone),
        "end": _when(entry.end, entry.zone),
    }


def _task_fields(entry: CalendarEntry) -> dict[str, Any]:
    """To Do keeps a due day, not a time: the local day the task is due."""
    due = entry.start.replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "title": entry.subject,
        "body": {"contentType": "text", "content": entry.body},
        "dueDateTime": _when(due, entry.zone),
        "status": "completed" if entry.state is EntryState.DONE else "notStarted",
    }


def _when(moment: datetime, zone: str) -> dict[str, str]:
    """Graph's dateTimeTimeZone: local wall-clock time and an IANA zone name."""
    return {"dateTime": moment.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": zone}


def _event_ref(found: dict[str, Any], known: dict[str, str]) -> str:
    meeting = found.get("onlineMeeting")
    join = meeting.get("joinUrl") if isinstance(meeting, dict) else None
    link = found.get("webLink") or join or known.get("link") or ""
    return json.dumps({"id": str(found.get("id") or known.get("id")), "link": str(link)})


def _read(ref: str | None) -> dict[str, str]:
    if not ref:
        return {}
    try:
        found = json.loads(ref)
    except ValueError:
        return {}
    return {k: str(v) for k, v in found.items()} if isinstance(found, dict) else {}
