"""Our real server (build_app + make_server on port 0, the outbox worker running) wired to
a local fake Slack, with helpers that send what Slack would send, signed."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from core.domain.common import Clock, Platform
from core.services import groups
from core.services.context import Actor
from integrations import slack
from integrations.server import App, build_app
from integrations.settings import Settings
from tests.support.served_app import served
from tests.support.slack_fake import TEAM, FakeSlack, SlackSender, fixture

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CHANNEL = "C0GROUP001"
FACILITATOR = "U0FACIL001"
MANAGER = "U0MANAGER1"
MEMBERS = [f"U0MEMBER0{i}" for i in range(1, 6)]


class SlackWorld:
    def __init__(self, app: App, fake: FakeSlack, sender: SlackSender) -> None:
        self.app, self.fake, self.sender = app, fake, sender
        self._counter = 0
        self.sent_ts: list[str] = []
        """The ts of every thread reply sent, to compare with contributions' source refs."""

    # ------------------------------------------------------------------ set-up

    def workspace_id(self) -> int:
        workspace = groups.ensure_workspace(self.app.ctx, platform=Platform.SLACK, external_id=TEAM)
        assert workspace.id is not None
        return workspace.id

    def add_group(self, *, method_id: str = "incident", locale: str = "en", **more: Any) -> int:
        """The group in ``CHANNEL``; ``more``: other settings (``mode``, ``async_days``)."""
        admin = Actor(workspace_id=self.workspace_id(), person="", is_admin=True)
        groups.configure_workspace(self.app.ctx, actor=admin, managers=[MANAGER])
        self._group_in_its_channel()
        created = groups.create_group(
            self.app.ctx,
            actor=admin,
            name="Ward 5 peers",
            channel=CHANNEL,
            members=list(MEMBERS),
            facilitator=FACILITATOR,
            managers=[MANAGER],
            method_id=method_id,
            locale=locale,  # type: ignore[arg-type]
            **more,
        )
        assert created.group.id is not None
        return created.group.id

    def _group_in_its_channel(self) -> None:
        """The group's channel holds the group (unless the test said who is in it)."""
        self.fake.members.setdefault(CHANNEL, [*MEMBERS, FACILITATOR])

    def _next(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter:06d}"

    # ------------------------------------------------------------------ what Slack sends

    def command(
        self, user: str, text: str, *, command: str = "/intervision", channel: str = CHANNEL
    ) -> tuple[int, bytes]:
        body = fixture("slash_command")
        body.update(
            user_id=user,
            text=text,
            command=command,
            channel_id=channel,
            response_url=self.fake.response_url(self._next("cmd")),
            trigger_id=self._next("trigger."),
        )
        return self.sender.form(body)

    def reply(
        self,
        user: str,
        text: str,
        thread_ts: str,
        *,
        event_id: str | None = None,
        ts: str | None = None,
        **kw: Any,
    ) -> tuple[str, tuple[int, bytes]]:
        envelope = fixture("thread_reply")
        ts = ts or f"1700{self._next('')}.000200"
        envelope["event"].update(user=user, text=text, ts=ts, thread_ts=thread_ts, event_ts=ts)
        envelope["event_id"] = event_id or self._next("Ev")
        return ts, self.sender.event(envelope, **kw)

    def edit(self, user: str, text: str, ts: str, thread_ts: str) -> tuple[int, bytes]:
        envelope = fixture("message_changed")
        envelope["event"]["message"].update(user=user, text=text, ts=ts, thread_ts=thread_ts)
        envelope["event_id"] = self._next("Ev")
        return self.sender.event(envelope)

    def delete(self, user: str, ts: str, thread_ts: str) -> tuple[int, bytes]:
        """The author deleted their reply ``ts`` (Slack's ``message_deleted``)."""
        envelope = fixture("message_deleted")
        event = envelope["event"]
        event["previous_message"].update(user=user, ts=ts, thread_ts=thread_ts)
        event.update(deleted_ts=ts, channel=CHANNEL, ts=self._next("1800"), event_ts=event["ts"])
        envelope["event_id"] = self._next("Ev")
        return self.sender.event(envelope)

    def click(
        self, user: str, action_id: str, value: str, message_ts: str, *, trigger: str | None = None
    ) -> tuple[int, bytes]:
        payload = fixture("block_actions")
        payload["user"].update(id=user)
        payload["container"]["message_ts"] = message_ts
        payload["message"]["ts"] = message_ts
        payload["trigger_id"] = trigger or self._next("trigger.")
        payload["response_url"] = self.fake.response_url(self._next("act"))
        action = payload["actions"][0]
        action.update(action_id=action_id, value=value, action_ts=self._next("1700000002."))
        return self.sender.payload(payload)

    def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> tuple[int, bytes]:
        """Submit a modal we opened (as recorded by the fake), with ``values`` typed in:
        str for text/select, list for checkboxes/people, int for a date-time."""
        return self.sender.payload(self.submission(user, view, values))

    def submission(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """The payload ``submit`` sends; a modal's id is ``view["id"]`` when it has one."""
        payload = fixture("view_submission")
        payload["user"].update(id=user)
        state: dict[str, Any] = {}
        for block in view["blocks"]:
            if block["type"] != "input" or block["block_id"] not in values:
                continue
            element = block["element"]
            state[block["block_id"]] = {
                element["action_id"]: _typed(element, values[block["block_id"]])
            }
        payload["view"].update(
            id=view.get("id") or self._next("V0VIEW"),  # each modal its own id
            hash=view.get("hash") or self._next("1700000000."),
            callback_id=view["callback_id"],
            private_metadata=view["private_metadata"],
            blocks=view["blocks"],
            state={"values": state},
        )
        payload["trigger_id"] = self._next("trigger.")
        return payload

    def home(self, user: str) -> tuple[int, bytes]:
        envelope = fixture("app_home_opened")
        envelope["event"]["user"] = user
        envelope["event_id"] = self._next("Ev")
        return self.sender.event(envelope)

    # ------------------------------------------------------------------ what we sent

    def opened_view(self, callback_id: str) -> dict[str, Any]:
        def find() -> dict[str, Any] | None:
            views = [c.args["view"] for c in self.fake.of("views.open")]
            matching = [v for v in views if v.get("callback_id") == callback_id]
            return matching[-1] if matching else None

        found: dict[str, Any] = self.fake.wait_for(find, what=f"views.open {callback_id}")
        return copy.deepcopy(found)


def _typed(element: dict[str, Any], value: Any) -> dict[str, Any]:
    kind = element["type"]
    typed: dict[str, Any] = {"type": kind}
    if kind == "plain_text_input":
        typed["value"] = value
    elif kind == "static_select":
        typed["selected_option"] = {"value": value, "text": {"type": "plain_text", "text": value}}
    elif kind == "checkboxes":
        typed["selected_options"] = [{"value": v} for v in value]
    elif kind == "multi_users_select":
        typed["selected_users"] = list(value)
    elif kind == "users_select":
        typed["selected_user"] = value
    elif kind == "conversations_select":
        typed["selected_conversation"] = value
    elif kind == "datetimepicker":
        typed["selected_date_time"] = value
    elif kind == "datepicker":
        typed["selected_date"] = value
    return typed


@contextmanager
def slack_world(
    db_url: str, *, socket_url: str | None = None, clock: Clock | None = None, **overrides: Any
) -> Iterator[SlackWorld]:
    """``db_url`` is a migrated database; ``overrides`` replace settings (e.g. the OAuth
    ones; ``SLACK_BOT_TOKEN=None``); ``socket_url`` is what the fake's
    apps.connections.open answers; ``clock`` the server's (a test's controllable clock)."""
    fake = FakeSlack().start()
    fake.socket_url = socket_url
    fields: dict[str, Any] = {
        "DATABASE_URL": db_url,
        "PORT": 0,
        "SANDBOX": False,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_API_URL": fake.api_url,
        **overrides,
    }
    settings = Settings(**fields)
    app = build_app(settings, clock=clock)
    try:
        with served(app) as url:
            app.worker.start()
            try:
                yield SlackWorld(app, fake, SlackSender(url, SECRET))
            finally:
                slack.stop(app)
                app.worker.stop()
    finally:
        fake.stop()
        app.dispose()


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
