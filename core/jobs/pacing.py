"""Pacing deliveries per destination: a platform's rate limit is per channel (Slack's
``chat.postMessage``: about one message a second in a channel) or per conversation (the
Bot Connector), so a "not now" (HTTP 429 with ``Retry-After``) holds back that
destination only, never the rest of the outbox.

Decided here, once, for every platform:
- where a notification goes (``destination_of``), read from the notification alone (no
  query): a person's private conversation, the workspace's managers' channel, else the
  group's channel (a group has one channel: decision 0003);
- when a destination may be sent to next (``Pacing``): not before a 429's ``Retry-After``
  has passed, and, with a ``spacing``, not within ``spacing`` seconds after the previous
  delivery to it ended.

The map lives in the worker's process: with several worker processes each learns the
429s it meets itself (decision 0022).
"""

from __future__ import annotations

import heapq
import threading
from datetime import datetime, timedelta

from core.services import notify
from core.services.ports import Notification

MAX_REMEMBERED = 10_000
"""Destinations remembered before those whose time has passed are forgotten."""


def destination_of(notification: Notification) -> str:
    """The conversation a notification is delivered in, as an opaque key:
    ``"<workspace>/person/<person>"``, ``"<workspace>/managers"`` or
    ``"<workspace>/group/<group>"`` (a meeting's card, thread, report and channel check);
    a person's own calendar is ``"<workspace>/calendar/<person>"`` (Graph throttles per
    mailbox, apart from the bot's conversations)."""
    workspace = notification.workspace_id
    if notification.topic == notify.CALENDAR:
        return f"{workspace}/calendar/{notification.person}"
    if notification.topic in (notify.DIRECT, notify.REPLY, notify.REMINDER):
        return f"{workspace}/person/{notification.person}"
    if notification.topic == notify.MANAGERS:
        return f"{workspace}/managers"
    if notification.group_id is not None:
        return f"{workspace}/group/{notification.group_id}"
    return f"{workspace}/meeting/{notification.meeting_id}"


class Pacing:
    """When each destination may be delivered to next; safe to share between threads.

    ``spacing`` (seconds, 0 for none) is the least time from the end of one delivery to a
    destination to the start of the next: with it, one delivery at a time per destination.
    Without it only the platform's 429s pace."""

    def __init__(self, *, spacing: float = 0.0) -> None:
        self.spacing = timedelta(seconds=max(spacing, 0.0))
        self._free_at: dict[str, datetime] = {}
        self._busy: set[str] = set()
        self._comebacks: list[datetime] = []
        """When rows told to wait come due (a heap): when the worker looks again."""
        self._lock = threading.Lock()

    def admit(self, destination: str, now: datetime) -> datetime | None:
        """None when a delivery to ``destination`` may start now (with a spacing it is then
        under way until ``finish``); otherwise the moment to try again."""
        with self._lock:
            free_at = self._free_at.get(destination)
            if free_at is not None and free_at > now:
                return self._comeback(free_at)
            if destination in self._busy:  # only with a spacing: one at a time
                return self._comeback(now + self.spacing)
            if self.spacing:
                self._busy.add(destination)
            if len(self._free_at) > MAX_REMEMBERED:
                self._free_at = {d: t for d, t in self._free_at.items() if t > now}
            return None

    def finish(self, destination: str, now: datetime) -> None:
        """A delivery to ``destination`` that ``admit`` let start has ended (however)."""
        with self._lock:
            self._busy.discard(destination)
            if self.spacing:
                self._later(destination, now + self.spacing)

    def hold(self, destination: str, until: datetime) -> None:
        """The platform said "not before ``until``" (a 429's ``Retry-After``)."""
        with self._lock:
            self._later(destination, until)
            self._comeback(until)

    def next_look(self, now: datetime) -> datetime | None:
        """The earliest moment, after ``now``, at which a row told to wait comes due."""
        with self._lock:
            while self._comebacks and self._comebacks[0] <= now:
                heapq.heappop(self._comebacks)
            return self._comebacks[0] if self._comebacks else None

    def _later(self, destination: str, moment: datetime) -> None:
        current = self._free_at.get(destination)
        if current is None or current < moment:
            self._free_at[destination] = moment

    def _comeback(self, moment: datetime) -> datetime:
        heapq.heappush(self._comebacks, moment)
        return moment
