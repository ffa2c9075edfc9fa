"""Our real server with the Teams adapter on, wired to local Microsoft stand-ins, and
builders of the activities Teams sends (shaped like the recorded ones in tests/fixtures/teams)."""

from __future__ import annotations

import itertools
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from core.domain.common import Clock
from core.interactions import Platform, admit
from core.jobs.outbox_worker import run_once
from core.services import groups
from core.services.context import Actor
from core.storage import tables
from integrations.server import App, build_app
from integrations.settings import Settings
from tests.support.recorded import TEAMS as TEAMS_FIXTURES
from tests.support.recorded import load
from tests.support.served_app import served
from tests.support.teams_servers import (
    BotFrameworkKeys,
    FakeConnector,
    MicrosoftStandIns,
    TokenService,
)

APP_ID = "00000000-0000-4000-8000-00000000b07a"
TENANT = "72f988bf-0000-4000-8000-00000000te4a"
CHANNEL = "19:a1b2c3d4e5f6@thread.tacv2"
TEAM = "19:team0000general@thread.tacv2"
_ids = itertools.count(1_700_000_000_000)


class TeamsHarness:
    def __init__(
        self,
        app: App,
        url: str,
        keys: BotFrameworkKeys,
        connector: FakeConnector,
        tokens: TokenService,
    ) -> None:
        self.app, self.url, self.keys, self.connector, self.tokens = (
            app,
            url,
            keys,
            connector,
            tokens,
        )

    def post(
        self, activity: dict[str, Any], *, token: str | None = "valid", deliver: bool = True
    ) -> tuple[int, Any]:
        """POST an activity to /api/messages; ``token`` "valid" signs a correct one. Then
        the outbox is run, as the worker would at once (``deliver`` False: left queued)."""
        if token == "valid":
            token = self.keys.token(activity["serviceUrl"])
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(
            self.url + "/api/messages", json.dumps(activity).encode(), headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
                answer = response.status, json.loads(body) if body else None
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        if deliver:
            self.deliver(strict=False)  # what the outbox worker does at once: answers, cards
        return answer

    def deliver(self, *, strict: bool = True) -> int:
        """Run the outbox until nothing is due (bounded); returns how many were delivered.
        ``strict``: a failed delivery fails the test (else it waits for its retry, as a
        card for a channel the bot was not reached from yet does)."""
        total = 0
        # A meeting's rows go one per run (in order); a card update takes the card updates
        # queued after it along (issue 15), but every reply's answer is a row of its own.
        for _ in range(200):
            summary = run_once(self.app.engine, self.app.deliver, now=self.app.ctx.clock.now())
            total += summary.delivered
            if summary.failed and strict:
                raise AssertionError(f"delivery failed: {summary}")
            if summary.claimed == 0:
                return total
        raise AssertionError("the outbox did not drain")

    def ok(self, activity: dict[str, Any], *, deliver: bool = True) -> Any:
        """POST a signed activity that must be answered 200; returns the body."""
        status, body = self.post(activity, deliver=deliver)
        assert status == 200, body
        return body

    def group(
        self,
        members: list[str],
        *,
        facilitator: str = "aad-f",
        managers: tuple[str, ...] = (),
        introduce: tuple[str, ...] = ("aad-f",),
    ) -> tuple[int, int]:
        """A group in CHANNEL, added by an admin of the configured tenant, after the people
        in ``introduce`` wrote to the bot in that channel (so it knows the channel and can
        reach them); the channel's roster holds the group unless the test set it. Returns
        (workspace id, group id)."""
        if not self.connector.members:
            self.connector.members = self.roster([*members, facilitator])
        for person in introduce:
            self.ok(self.channel_message(person, "<at>Intervision</at> hi"))
        workspace = admit(self.app.ctx, Platform.TEAMS, TENANT, installed=True) or 0
        created = groups.create_group(
            self.app.ctx,
            actor=Actor(workspace, "", is_admin=True),
            name="G",
            channel=CHANNEL,
            members=members,
            facilitator=facilitator,
            managers=list(managers),
            locale="en",
        ).group
        return workspace, created.id or 0

    def meeting(self) -> Any:
        """The one meeting of the one group in this test's database."""
        with self.app.ctx.uow() as uow:
            [group] = uow.groups.list()
            [meeting] = uow.meetings.for_group(group.id or 0)
            return meeting

    def rows(self, table: str) -> int:
        with self.app.engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).select_from(tables.metadata.tables[table])
                ).scalar_one()
            )

    def stored_rows(self) -> int:
        return sum(self.rows(name) for name in tables.metadata.tables if name != "alembic_version")

    # ---------------------------------------------------------------- activities

    def roster(self, people: list[str]) -> list[dict[str, Any]]:
        """The channel's members as the Bot Connector lists them."""
        return [{**self.user(p), "tenantId": TENANT} for p in people]

    def user(self, person: str) -> dict[str, Any]:
        return {
            "id": f"29:{person}-teams-id",
            "name": person.replace("aad-", "Member ").title(),
            "aadObjectId": person,
        }

    def recorded(self, name: str, person: str, **extra: Any) -> dict[str, Any]:
        """A recorded activity (``tests/fixtures/teams/<name>.json``) re-addressed to this
        test's tenant, team, channel, bot and person, in English."""
        activity = load(TEAMS_FIXTURES, name)
        activity.update(
            id=str(next(_ids)),
            timestamp=datetime.now(UTC).isoformat(),
            serviceUrl=self.connector.base + "/",
            recipient={"id": f"28:{APP_ID}", "name": "Intervision"},
            locale="en-US",
            localTimezone="Europe/Amsterdam",
        )
        activity["from"] = self.user(person)
        activity.pop("localTimestamp", None)
        conversation = activity["conversation"]
        conversation["tenantId"] = TENANT
        data = activity["channelData"]
        data["tenant"] = {"id": TENANT}
        if conversation.get("conversationType") == "channel":
            root = conversation["id"].partition(";messageid=")[2]
            conversation["id"] = f"{CHANNEL};messageid={root}" if root else CHANNEL
            data.update(
                teamsChannelId=CHANNEL,
                teamsTeamId=TEAM,
                channel={"id": CHANNEL},
                team={"id": TEAM},
            )
        else:
            conversation["id"] = f"a:personal-{person}"
        for entity in activity.get("entities", []):
            if entity.get("type") == "clientInfo":
                entity.update(locale="en-US", country="US")
            elif entity.get("type") == "mention" and entity["mentioned"]["name"] == "Intervision":
                entity["mentioned"]["id"] = f"28:{APP_ID}"
        activity.update(extra)
        return activity

    def channel_message(self, person: str, text: str, *, root: str | None = None) -> dict[str, Any]:
        """A channel post mentioning the bot, or (``root``) a reply in a thread."""
        if root is None:
            activity = self.recorded("channel_mention", person, text=text)
            activity["conversation"]["id"] = f"{CHANNEL};messageid={activity['id']}"
            activity.pop("replyToId", None)
        else:
            activity = self.recorded("thread_reply", person, text=text, replyToId=root)
            activity["conversation"]["id"] = f"{CHANNEL};messageid={root}"
        activity.pop("attachments", None)
        return activity

    def personal_message(self, person: str, text: str) -> dict[str, Any]:
        return self.recorded("personal_message", person, text=text)

    def card_action(
        self, person: str, verb: str, data: dict[str, Any], *, reply_to: str | None = None
    ) -> dict[str, Any]:
        """An ``adaptiveCard/action`` invoke: on a card in the channel (``reply_to`` = the
        card's message) or in personal chat."""
        value = {
            "action": {"type": "Action.Execute", "verb": verb, "data": data},
            "trigger": "manual",
        }
        if reply_to is None:
            activity = self.recorded("invoke_personal_form", person, value=value)
            activity.pop("replyToId", None)
            return activity
        activity = self.recorded("invoke_channel_card", person, value=value, replyToId=reply_to)
        activity["conversation"]["id"] = f"{CHANNEL};messageid={reply_to}"
        return activity

    def edit(self, person: str, message_id: str, text: str, *, root: str) -> dict[str, Any]:
        activity = self.recorded("message_update", person, text=text, replyToId=root)
        activity["id"] = message_id
        activity["conversation"]["id"] = f"{CHANNEL};messageid={root}"
        return activity

    def delete(self, person: str, message_id: str, *, root: str) -> dict[str, Any]:
        """``person`` deleted their reply ``message_id`` (Teams soft-deletes: ``messageDelete``)."""
        activity = self.recorded("message_delete", person, replyToId=root)
        activity["id"] = message_id
        activity["conversation"]["id"] = f"{CHANNEL};messageid={root}"
        return activity


@contextmanager
def running_teams(
    db_url: str,
    microsoft: MicrosoftStandIns,
    monkeypatch: Any,
    *,
    clock: Clock | None = None,
    **settings: Any,
) -> Iterator[TeamsHarness]:
    """Our server on the migrated database ``db_url``, talking to ``microsoft`` (given fresh
    state for this test); ``settings`` are added to the Teams ones, or replace them
    (``MICROSOFT_APP_TENANT_ID=None``: a bot for every tenant it is installed in);
    ``clock``: the server's (a test's controllable clock; ``deliver`` then runs by it)."""
    keys, tokens, connector = microsoft.fresh()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tokens.ca_file))
    fields: dict[str, Any] = {
        "DATABASE_URL": db_url,
        "HOST": "127.0.0.1",
        "PORT": 0,
        "MICROSOFT_APP_ID": APP_ID,
        "MICROSOFT_APP_PASSWORD": "test-secret",
        "MICROSOFT_APP_TENANT_ID": TENANT,
        "MICROSOFT_AUTHORITY_HOST": tokens.base,
        "BOTFRAMEWORK_OPENID_METADATA_URL": keys.metadata_url,
        "MICROSOFT_GRAPH_URL": connector.base,
        "SANDBOX": False,
        **settings,
    }
    app = build_app(Settings(**fields), clock=clock)
    try:
        with served(app) as url:
            yield TeamsHarness(app, url, keys, connector, tokens)
    finally:
        app.dispose()
