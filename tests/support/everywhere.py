"""One real server with Slack, Teams and the sandbox all on, each driven over its own
protocol (signed Slack requests against a fake Web API; Bot Framework activities with real
tokens against a fake Bot Connector; the sandbox's pages over HTTP), with the same group
on each: five members, a facilitator, a manager.

Every driver performs an interaction as a role (``m1``..``m5``, ``facilitator``,
``manager``, ``stranger``), checks that its platform showed the answer to that person, and
returns the core's neutral reply (from ``intervision.interactions.replies``), normalised
so that replies on different platforms can be compared: ids become placeholders.
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from html import escape as html_escape
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from core import interactions
from core.interactions import Platform, Reply
from core.services import groups, queries
from core.services.context import Actor
from integrations.server import App, build_app
from integrations.settings import Settings
from integrations.slack import blocks
from tests.support.sandbox_client import Browser
from tests.support.served_app import served
from tests.support.slack_fake import TEAM, FakeSlack, SlackSender
from tests.support.slack_world import SECRET, SlackWorld
from tests.support.teams_harness import APP_ID, TENANT, TeamsHarness
from tests.support.teams_harness import CHANNEL as TEAMS_CHANNEL
from tests.support.teams_servers import MicrosoftStandIns

ZONE = "Europe/Amsterdam"
ROLES = ("m1", "m2", "m3", "m4", "m5", "facilitator", "manager", "stranger")
SLACK_CHANNEL = "C0GROUP001"
SANDBOX_CHANNEL = "sandbox-everywhere"


class Replies(logging.Handler):
    """Collects the core's replies as they are logged (``core.interactions.dispatch``)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[tuple[Any, Reply]] = []
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        reply = getattr(record, "reply", None)
        if isinstance(reply, Reply):
            with self._lock:
                self.seen.append((record.who, reply))

    def mark(self) -> int:
        with self._lock:
            return len(self.seen)

    def after(self, mark: int, platform: Platform, person: str, timeout: float = 15.0) -> Reply:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                found = [
                    r
                    for who, r in self.seen[mark:]
                    if who.platform is platform and who.person == person
                ]
            if found:
                return found[0]
            time.sleep(0.02)
        raise AssertionError(f"no reply on {platform.value} for {person}")


class Driver(Protocol):
    platform: Platform

    def command(self, role: str, text: str) -> Reply: ...
    def click(self, role: str, action_id: str, value: str) -> Reply: ...
    def submit(self, role: str, form_id: str, values: dict[str, Any]) -> Reply: ...
    def group_id(self) -> int: ...
    def meeting_id(self) -> int | None: ...


@dataclass
class Base:
    app: App
    replies: Replies
    platform: Platform
    workspace: str
    channel: str
    people: dict[str, str]
    group: int = 0

    def actor(self, role: str) -> Actor:
        who = interactions.Who(
            platform=self.platform, workspace=self.workspace, person=self.people[role]
        )
        return interactions.actor_of(self.app.ctx, who)

    def group_id(self) -> int:
        return self.group

    def meeting_id(self) -> int | None:
        return queries.latest_meeting_in(
            self.app.ctx, actor=self.actor("facilitator"), channel=self.channel
        )

    def card_ref(self) -> str:
        meeting = self.meeting_id()
        post = queries.meeting_post(self.app.ctx, meeting_id=meeting) if meeting else None
        assert post is not None and post.ref is not None, "the meeting's message is not posted"
        return post.ref

    def shown_texts(self, reply: Reply, role: str) -> tuple[list[str], str | None]:
        """What the person must see: the answer's one-card summary, the form's id."""
        rendered = interactions.render(self.app.ctx, reply, actor=self.actor(role))
        card = rendered.as_one_card()
        form = rendered.form.callback_id if rendered.form is not None else None
        return ([card.summary] if card is not None else []), form


# ------------------------------------------------------------------ Slack


@dataclass
class SlackDriver(Base):
    world: SlackWorld | None = None

    def _wait(self, mark: int, calls: int, role: str) -> Reply:
        assert self.world is not None
        reply = self.replies.after(mark, Platform.SLACK, self.people[role])
        texts, form = self.shown_texts(reply, role)

        def shown() -> bool:
            new = self.world.fake.calls[calls:]  # type: ignore[union-attr]
            said = [c.args.get("text") for c in new]
            opened = [c.args["view"].get("callback_id") for c in new if c.method == "views.open"]
            return all(blocks.escape(blocks.truncate(t, 3000)) in said for t in texts) and (
                form is None or form in opened
            )

        self.world.fake.wait_for(shown, what=f"Slack showing {reply}")
        return reply

    def command(self, role: str, text: str) -> Reply:
        assert self.world is not None
        mark, calls = self.replies.mark(), len(self.world.fake.calls)
        status, _ = self.world.command(self.people[role], text)
        assert status == 200
        return self._wait(mark, calls, role)

    def click(self, role: str, action_id: str, value: str) -> Reply:
        assert self.world is not None
        mark, calls = self.replies.mark(), len(self.world.fake.calls)
        status, _ = self.world.click(self.people[role], action_id, value, self.card_ref())
        assert status == 200
        return self._wait(mark, calls, role)

    def submit(self, role: str, form_id: str, values: dict[str, Any]) -> Reply:
        assert self.world is not None
        view = self.world.opened_view(form_id)
        typed = {k: int(v.timestamp()) if isinstance(v, datetime) else v for k, v in values.items()}
        mark, calls = self.replies.mark(), len(self.world.fake.calls)
        status, body = self.world.submit(self.people[role], view, typed)
        assert status == 200
        reply = self.replies.after(mark, Platform.SLACK, self.people[role])
        errors = interactions.field_errors(reply)
        if errors:  # answered in the response: the modal shows them beside the inputs
            assert json.loads(body) == {"response_action": "errors", "errors": errors}
            return reply
        assert body in (b"", b"{}"), body
        texts, _ = self.shown_texts(reply, role)
        self.world.fake.wait_for(
            lambda: all(
                blocks.escape(t) in [c.args.get("text") for c in self.world.fake.calls[calls:]]  # type: ignore[union-attr]
                for t in texts
            ),
            what=f"Slack showing {reply}",
        )
        return reply


# ------------------------------------------------------------------ Teams


@dataclass
class TeamsDriver(Base):
    harness: TeamsHarness | None = None
    last_form: dict[str, dict[str, Any]] = field(default_factory=dict)

    def _check(self, reply: Reply, role: str, body: Any, calls: int) -> None:
        """The invoke response, or what the outbox worker then sent the person, shows it."""
        assert self.harness is not None
        texts, form = self.shown_texts(reply, role)
        deadline = time.monotonic() + 15
        while True:
            shown, said = self._shown(body, calls)
            verbs = [x.get("verb") for card in shown for x in card.get("actions", [])]
            if all(t in said for t in texts) and (form is None or form in verbs):
                break
            assert time.monotonic() < deadline, f"Teams did not show {texts} / {form}: {said}"
            time.sleep(0.02)
        if form is not None:
            self.last_form[role] = next(
                c for c in shown for x in c.get("actions", []) if x.get("verb") == form
            )

    def _shown(self, body: Any, calls: int) -> tuple[list[dict[str, Any]], list[str]]:
        assert self.harness is not None
        shown: list[dict[str, Any]] = []
        said: list[str] = []
        if isinstance(body, dict):
            if body.get("type") == "application/vnd.microsoft.card.adaptive":
                shown.append(body["value"])
            elif isinstance(body.get("value"), str):
                said.append(body["value"])
        for call in self.harness.connector.calls[calls:]:
            if isinstance(call.body, dict):
                shown += [item["content"] for item in call.body.get("attachments", [])]
        return shown, said + [card.get("fallbackText", "") for card in shown]

    def command(self, role: str, text: str) -> Reply:
        assert self.harness is not None
        mark, calls = self.replies.mark(), len(self.harness.connector.calls)
        activity = self.harness.channel_message(self.people[role], f"<at>Intervision</at> {text}")
        body = self.harness.ok(activity)
        reply = self.replies.after(mark, Platform.TEAMS, self.people[role])
        self._check(reply, role, body, calls)
        return reply

    def click(self, role: str, action_id: str, value: str) -> Reply:
        assert self.harness is not None
        mark, calls = self.replies.mark(), len(self.harness.connector.calls)
        activity = self.harness.card_action(
            self.people[role], action_id, {"value": value}, reply_to=self.card_ref()
        )
        body = self.harness.ok(activity)
        reply = self.replies.after(mark, Platform.TEAMS, self.people[role])
        self._check(reply, role, body, calls)
        return reply

    def submit(self, role: str, form_id: str, values: dict[str, Any]) -> Reply:
        assert self.harness is not None
        card = self.last_form[role]
        [submit] = [x for x in card["actions"] if x.get("verb") == form_id]
        data = dict(submit["data"])
        for key, value in values.items():
            if isinstance(value, datetime):
                local = value.astimezone(ZoneInfo(ZONE))
                data[f"{key}__date"], data[f"{key}__time"] = f"{local:%Y-%m-%d}", f"{local:%H:%M}"
            elif isinstance(value, list):
                data[key] = ",".join(value)
            else:
                data[key] = value
        mark, calls = self.replies.mark(), len(self.harness.connector.calls)
        body = self.harness.ok(self.harness.card_action(self.people[role], form_id, data))
        reply = self.replies.after(mark, Platform.TEAMS, self.people[role])
        self._check(reply, role, body, calls)
        return reply


# ------------------------------------------------------------------ the sandbox


@dataclass
class SandboxDriver(Base):
    browser: Browser | None = None
    last_page: dict[str, str] = field(default_factory=dict)

    def _as(self, role: str) -> Browser:
        assert self.browser is not None
        self.browser.be(self.people[role])
        return self.browser

    def _check(self, reply: Reply, role: str, page: str) -> None:
        """The sandbox shows each card of an answer on its own (not joined as one)."""
        _, form = self.shown_texts(reply, role)
        rendered = interactions.render(self.app.ctx, reply, actor=self.actor(role))
        for text in (card.summary for card in rendered.cards):
            assert f'aria-label="{html_escape(text, quote=True)}"' in page, text
        if form is not None:
            assert f'data-form="{form}"' in page, form
            self.last_page[role] = page

    def command(self, role: str, text: str) -> Reply:
        browser = self._as(role)
        mark = self.replies.mark()
        page = browser.post(
            "/command", {"text": text, "channel": self.channel, "back": f"/c/{self.channel}"}
        )
        reply = self.replies.after(mark, Platform.SANDBOX, self.people[role])
        self._check(reply, role, page.text)
        return reply

    def click(self, role: str, action_id: str, value: str) -> Reply:
        browser = self._as(role)
        mark = self.replies.mark()
        page = browser.press(self.channel, action_id, value)
        reply = self.replies.after(mark, Platform.SANDBOX, self.people[role])
        self._check(reply, role, page.text)
        return reply

    def submit(self, role: str, form_id: str, values: dict[str, Any]) -> Reply:
        browser = self._as(role)
        page = self.last_page[role]
        start = page.index(f'data-form="{form_id}"')
        form_html = page[start : page.index("</form>", start)]
        fields: dict[str, str | list[str]] = {
            name: value
            for name, value in _hidden(form_html).items()
            if name.startswith("state.") or name in ("channel", "back")
        }
        for key, value in values.items():
            if isinstance(value, datetime):
                fields[key] = value.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")
            else:
                fields[key] = value
        mark = self.replies.mark()
        answer = browser.post(f"/forms/{form_id}", fields)
        reply = self.replies.after(mark, Platform.SANDBOX, self.people[role])
        self._check(reply, role, answer.text)
        return reply


def _hidden(form_html: str) -> dict[str, str]:
    return {
        m.group(1): html.unescape(m.group(2))
        for m in re.finditer(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form_html)
    }


# ------------------------------------------------------------------ the world


@dataclass
class Everywhere:
    app: App
    drivers: list[Any]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.drivers)


@contextmanager
def everywhere(db_url: str, microsoft: MicrosoftStandIns, monkeypatch: Any) -> Iterator[Everywhere]:
    keys, tokens, connector = microsoft.fresh()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tokens.ca_file))
    fake = FakeSlack().start()
    replies = Replies()
    logger = logging.getLogger("intervision.interactions.replies")
    logger.addHandler(replies)
    logger.setLevel(logging.DEBUG)
    settings = Settings(
        DATABASE_URL=db_url,
        HOST="127.0.0.1",
        PORT=0,
        SANDBOX=True,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_API_URL=fake.api_url,
        MICROSOFT_APP_ID=APP_ID,
        MICROSOFT_APP_PASSWORD="test-secret",
        MICROSOFT_APP_TENANT_ID=TENANT,
        MICROSOFT_AUTHORITY_HOST=tokens.base,
        BOTFRAMEWORK_OPENID_METADATA_URL=keys.metadata_url,
        MICROSOFT_GRAPH_URL=connector.base,
    )
    app = build_app(settings)
    try:
        with served(app) as url:
            app.worker.start()
            try:
                slack = SlackDriver(
                    app,
                    replies,
                    Platform.SLACK,
                    TEAM,
                    SLACK_CHANNEL,
                    _people("U0MEMBER0{}", "U0FACIL001", "U0MANAGER1", "U0STRANGER"),
                    world=SlackWorld(app, fake, SlackSender(url, SECRET)),
                )
                teams = TeamsDriver(
                    app,
                    replies,
                    Platform.TEAMS,
                    TENANT,
                    TEAMS_CHANNEL,
                    _people("aad-m{}", "aad-facilitator", "aad-manager", "aad-stranger"),
                    harness=TeamsHarness(app, url, keys, connector, tokens),
                )
                sandbox = SandboxDriver(
                    app,
                    replies,
                    Platform.SANDBOX,
                    "local",
                    SANDBOX_CHANNEL,
                    {
                        **{
                            f"m{i + 1}": p
                            for i, p in enumerate(("anna", "bram", "carmen", "daan", "eva"))
                        },
                        "facilitator": "fleur",
                        "manager": "gert",
                        "stranger": "hamid",
                    },
                    browser=Browser(url),
                )
                assert sandbox.browser is not None
                sandbox.browser.post("/locale", {"locale": "en", "back": "/"})
                for driver in (slack, teams, sandbox):
                    driver.group = _group(app, driver)
                # The group's channel holds the group (the sandbox's does by itself):
                seated = [*(f"m{i}" for i in range(1, 6)), "facilitator"]
                fake.members[SLACK_CHANNEL] = [slack.people[role] for role in seated]
                connector.members = teams.harness.roster(  # type: ignore[union-attr]
                    [teams.people[role] for role in seated]
                )
                # Teams learns the channel (and each person) from the activities it gets:
                for role in ROLES:
                    teams.harness.ok(  # type: ignore[union-attr]
                        teams.harness.channel_message(teams.people[role], "<at>Intervision</at> hi")  # type: ignore[union-attr]
                    )
                yield Everywhere(app, [slack, teams, sandbox])
            finally:
                app.worker.stop()
    finally:
        logger.removeHandler(replies)
        fake.stop()
        app.dispose()


def _people(member: str, facilitator: str, manager: str, stranger: str) -> dict[str, str]:
    return {
        **{f"m{i}": member.format(i) for i in range(1, 6)},
        "facilitator": facilitator,
        "manager": manager,
        "stranger": stranger,
    }


def _group(app: App, driver: Base) -> int:
    workspace = interactions.admit(app.ctx, driver.platform, driver.workspace, installed=True)
    assert workspace is not None  # set up as an admin does (intervision group create)
    admin = Actor(workspace_id=workspace, person="", is_admin=True)
    groups.configure_workspace(
        app.ctx, actor=admin, managers=[driver.people["manager"]], locale="en", time_zone=ZONE
    )
    created = groups.create_group(
        app.ctx,
        actor=admin,
        name="Ward 5 peers",
        channel=driver.channel,
        members=[driver.people[f"m{i}"] for i in range(1, 6)],
        facilitator=driver.people["facilitator"],
        managers=[driver.people["manager"]],
        method_id="incident",
        locale="en",
    )
    return created.group.id or 0


def normalised(reply: Reply, driver: Base) -> dict[str, Any]:
    """The reply with this platform's ids replaced by what they stand for."""
    data = reply.model_dump(mode="json")
    names = {driver.group: "<group>", driver.meeting_id(): "<meeting>"}

    def walk(node: Any, key: str = "") -> Any:
        if isinstance(node, dict):
            return {k: walk(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        if key in ("group_id", "meeting_id") and node is not None:
            return names.get(node, f"<other {key}>")
        if key == "goal_id" and node is not None:
            return "<goal>"
        if key == "channel" and node is not None:
            return "<channel>" if node == driver.channel else node
        return node

    return walk(data)  # type: ignore[no-any-return]
