"""The ``Messenger`` port for the sandbox: what would have been posted, kept in memory per
process so that a page can show it (a channel's messages, a thread, private messages).

The meeting's card itself is rendered live from the core on each page view; here we
keep what the platforms would show around it.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from core.interactions import Platform, workspace_id
from core.services.context import Context
from core.services.groups import group_in_channel
from core.services.ports import Destination
from core.views import actions as a
from core.views.vocabulary import Button, Buttons, Card, Form, Text, spans

MAX_KEPT = 500
"""Per list: a local sandbox never needs more, and memory stays bounded."""


@dataclass
class Delivered:
    card: Card
    at: datetime
    ref: str
    key: str | None = None


class SandboxMessenger:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._refs = itertools.count(1)
        self._channels: dict[tuple[str, str], list[Delivered]] = defaultdict(list)
        self._threads: dict[str, list[Delivered]] = defaultdict(list)
        self._direct: dict[tuple[str, str], list[Delivered]] = defaultdict(list)
        self.guests: dict[tuple[str, str], set[str]] = defaultdict(set)
        """(workspace, channel) -> who is in the channel besides its group."""

    # ------------------------------------------------------------------ the port

    def post(self, to: Destination, card: Card, *, key: str) -> str:
        assert to.channel is not None
        return self._keep(self._channels[(to.workspace, to.channel)], card, key)

    def update(self, to: Destination, ref: str, card: Card) -> None:
        assert to.channel is not None
        with self._lock:
            for item in self._channels[(to.workspace, to.channel)]:
                if item.ref == ref:
                    item.card = card

    def reply(self, to: Destination, card: Card, *, key: str) -> str:
        assert to.thread is not None
        return self._keep(self._threads[to.thread], card, key)

    def send_privately(self, to: Destination, card: Card) -> str:
        assert to.person is not None
        return self._keep(self._direct[(to.workspace, to.person)], card)

    def open_form(self, to: Destination, form: Form) -> None:
        """A private message with a button that opens the form's page."""
        value = json.dumps({"form": form.callback_id, **form.state}, separators=(",", ":"))
        button = Button(a.OPEN_OFFERED_FORM, form.title, value, "primary")
        self.send_privately(
            to, Card(blocks=(Text(spans(form.title)), Buttons((button,))), summary=form.title)
        )

    def channel_members(self, to: Destination) -> set[str] | None:
        """A sandbox channel holds its group (members and facilitator) and its guests."""
        assert to.channel is not None
        workspace = workspace_id(self.ctx, Platform.SANDBOX, to.workspace)
        group = group_in_channel(self.ctx, workspace_id=workspace, channel=to.channel)
        involved = {*group.members, *([group.facilitator] if group.facilitator else [])}
        with self._lock:
            return involved | self.guests[(to.workspace, to.channel)]

    def departed(self, to: Destination, people: Collection[str]) -> set[str]:
        """Sandbox accounts are never deactivated."""
        return set()

    def find_post(self, to: Destination, key: str, *, since: datetime) -> str | None:
        assert to.channel is not None
        with self._lock:
            if to.thread is not None:
                posted = self._threads.get(to.thread, [])
            else:
                posted = self._channels.get((to.workspace, to.channel), [])
            return next((i.ref for i in posted if i.key == key and i.at >= since), None)

    # ------------------------------------------------------------------ what pages show

    def channel(self, workspace: str, channel: str) -> list[Delivered]:
        with self._lock:
            return list(self._channels.get((workspace, channel), ()))

    def thread(self, root: str) -> list[Delivered]:
        with self._lock:
            return list(self._threads.get(root, ()))

    def direct(self, workspace: str, person: str) -> list[Delivered]:
        with self._lock:
            return list(self._direct.get((workspace, person), ()))

    def _keep(self, items: list[Delivered], card: Card, key: str | None = None) -> str:
        with self._lock:
            ref = f"s{next(self._refs)}"
            items.append(Delivered(card=card, at=self.ctx.clock.now(), ref=ref, key=key))
            del items[:-MAX_KEPT]
            return ref
