"""The sandbox messenger: keeps what would have been posted, in memory, per process.

``core.views.outgoing.prepare`` decides what a notification becomes; this only files it
where a page can show it: the meeting's thread, a person's private messages, a channel.
The meeting card itself is rendered live from the core's state on each page view; here
we only remember which meetings have a card in which channel.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from core.domain.common import Locale
from core.services.context import Context
from core.services.ports import Notification
from core.views.outgoing import Target, prepare
from core.views.vocabulary import Card

MAX_KEPT = 500
"""Per list: a local sandbox never needs more, and memory stays bounded."""


@dataclass(frozen=True)
class Delivered:
    card: Card
    locale: Locale
    at: datetime
    meeting_id: int | None = None


class SandboxMessenger:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._cards: dict[tuple[int, str], list[int]] = defaultdict(list)
        self._threads: dict[int, list[Delivered]] = defaultdict(list)
        self._direct: dict[tuple[int, str], list[Delivered]] = defaultdict(list)
        self._channels: dict[tuple[int, str], list[Delivered]] = defaultdict(list)

    def deliver(self, notification: Notification) -> None:
        outgoing = prepare(self.ctx, notification)
        if outgoing is None:
            return
        workspace = notification.workspace_id
        item = Delivered(outgoing.card, outgoing.locale, self.ctx.clock.now(), outgoing.meeting_id)
        with self._lock:
            if outgoing.target is Target.MEETING_CARD:
                assert outgoing.channel is not None and outgoing.meeting_id is not None
                posted = self._cards[(workspace, outgoing.channel)]
                if outgoing.meeting_id not in posted:
                    posted.append(outgoing.meeting_id)
            elif outgoing.target is Target.MEETING_THREAD:
                assert outgoing.meeting_id is not None
                _keep(self._threads[outgoing.meeting_id], item)
            elif outgoing.target is Target.DIRECT:
                assert outgoing.person is not None
                _keep(self._direct[(workspace, outgoing.person)], item)
            else:
                assert outgoing.channel is not None
                _keep(self._channels[(workspace, outgoing.channel)], item)

    def latest_meeting(self, workspace: int, channel: str) -> int | None:
        with self._lock:
            posted = self._cards.get((workspace, channel))
            return posted[-1] if posted else None

    def thread(self, meeting_id: int) -> list[Delivered]:
        with self._lock:
            return list(self._threads.get(meeting_id, ()))

    def direct(self, workspace: int, person: str) -> list[Delivered]:
        with self._lock:
            return list(self._direct.get((workspace, person), ()))

    def channel(self, workspace: int, channel: str) -> list[Delivered]:
        with self._lock:
            return list(self._channels.get((workspace, channel), ()))


def _keep(items: list[Delivered], item: Delivered) -> None:
    items.append(item)
    del items[:-MAX_KEPT]
