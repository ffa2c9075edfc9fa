"""Multi-workspace install over real HTTP: /slack/install, Slack's redirect back with a
code, the token stored encrypted, the installer a manager, and a slash command from the
new team served with the decrypted token; SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, text

from core.domain.common import Platform
from core.services import groups
from core.services.context import Actor
from tests.support.slack_fake import BOT_USER, fixture
from tests.support.slack_world import CHANNEL, MEMBERS, SlackWorld, slack_world

CLIENT_ID = "1234567890.0987654321"
CLIENT_SECRET = "client-secret-for-tests"
NEW_TEAM = "T0NEWTEAM1"
INSTALLER = "U0INSTALL1"
BOT_TOKEN = "xoxb-2222222222-3333333333333-AbCdEfGhIjKlMnOpQrStUvWx"


@pytest.fixture
def world(db_url: str) -> Iterator[SlackWorld]:
    with slack_world(
        db_url,
        SLACK_BOT_TOKEN=None,
        SLACK_CLIENT_ID=CLIENT_ID,
        SLACK_CLIENT_SECRET=CLIENT_SECRET,
        INTERVISION_SECRET_KEY="a long random secret for the tests",
    ) as built:
        built.fake.client_credentials = (CLIENT_ID, CLIENT_SECRET)
        built.fake.teams[BOT_TOKEN] = NEW_TEAM
        yield built


def grant(code: str) -> dict[str, Any]:
    """What oauth.v2.access answers for a bot install (shape from Slack's docs)."""
    return {
        "ok": True,
        "access_token": BOT_TOKEN,
        "token_type": "bot",
        "scope": "commands,chat:write,chat:write.public,im:write,users:read",
        "bot_user_id": BOT_USER,
        "app_id": "A0APP00001",
        "team": {"name": "New Team", "id": NEW_TEAM},
        "enterprise": None,
        "authed_user": {"id": INSTALLER},
        "is_enterprise_install": False,
    }


def get(world: SlackWorld, path: str, cookie: str = "") -> tuple[int, str, dict[str, str]]:
    base = world.sender.url.removesuffix("/slack/events")
    request = urllib.request.Request(base + path, headers={"Accept-Language": "en-GB,en;q=0.8"})
    if cookie:
        request.add_header("Cookie", cookie)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=15) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def start_install(world: SlackWorld) -> tuple[str, str]:
    """GET /slack/install: the page's Add to Slack link, its state, and the cookie."""
    status, body, headers = get(world, "/slack/install")
    assert status == 200, body
    assert "Add to Slack" in body
    link = html.unescape(re.search(r'href="([^"]+)"', body).group(1))  # type: ignore[union-attr]
    assert link.startswith("https://slack.com/oauth/v2/authorize?")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert query["client_id"] == [CLIENT_ID]
    assert "commands" in query["scope"][0].split(",")
    state = query["state"][0]
    cookie = headers["Set-Cookie"].split(";")[0]
    assert cookie.endswith("=" + state)
    return state, cookie


def stored_tokens(world: SlackWorld) -> list[str]:
    with world.app.engine.connect() as connection:
        bots = connection.execute(text("SELECT bot_token FROM slack_bots")).scalars().all()
        installs = (
            connection.execute(text("SELECT bot_token FROM slack_installations")).scalars().all()
        )
    return [str(token) for token in [*bots, *installs]]


def test_install_stores_the_token_encrypted_and_the_installer_manages(
    world: SlackWorld,
) -> None:
    fake = world.fake
    state, cookie = start_install(world)
    fake.grants["code-123"] = grant("code-123")

    status, body, _ = get(world, f"/slack/oauth_redirect?code=code-123&state={state}", cookie)
    assert status == 200, body
    assert "Intervision is installed" in body and "New Team" in body

    # The code was exchanged with the app's credentials, and the new token checked.
    assert [c.args["code"] for c in fake.of("oauth.v2.access")] == ["code-123"]
    assert [c.token for c in fake.of("auth.test")] == [BOT_TOKEN]

    tokens = stored_tokens(world)
    assert len(tokens) == 2
    for token in tokens:
        assert token.startswith("gAAAAA") and "xoxb" not in token and BOT_TOKEN not in token

    with world.app.ctx.uow() as uow:
        workspace = uow.workspaces.find(Platform.SLACK, NEW_TEAM)
    assert workspace is not None and workspace.managers == [INSTALLER]

    # A command from the new team: Bolt authorizes with the decrypted token, and the
    # installer (a manager) may open the group form.
    body_fields = fixture("slash_command")
    body_fields.update(
        team_id=NEW_TEAM,
        user_id=INSTALLER,
        text="group",
        response_url=fake.response_url("cmd-new"),
        trigger_id="trigger.new-team",
    )
    assert world.sender.form(body_fields)[0] == 200
    fake.wait_for(lambda: fake.of("views.open"), what="the group form")
    opened = fake.of("views.open")[-1]
    assert opened.token == BOT_TOKEN
    assert opened.args["trigger_id"] == "trigger.new-team"
    assert fake.of("auth.test")[-1].token == BOT_TOKEN

    # The outbox reaches the new team with its own token too: the installer adds a group
    # and starts a meeting; the meeting's card is posted with the decrypted token.
    actor = Actor(workspace_id=workspace.id or 0, person=INSTALLER)
    groups.create_group(
        world.app.ctx, actor=actor, name="Peers", channel=CHANNEL, members=list(MEMBERS)
    )
    body_fields.update(user_id=MEMBERS[0], text="start", trigger_id="trigger.start")
    assert world.sender.form(body_fields)[0] == 200
    posted = fake.wait_for(lambda: fake.of("chat.postMessage"), what="the meeting card")
    assert posted[0].args["channel"] == CHANNEL and posted[0].token == BOT_TOKEN


def test_installing_again_keeps_one_manager_and_the_state_is_used_once(
    world: SlackWorld,
) -> None:
    fake = world.fake
    for code in ("code-1", "code-2"):
        state, cookie = start_install(world)
        fake.grants[code] = grant(code)
        assert get(world, f"/slack/oauth_redirect?code={code}&state={state}", cookie)[0] == 200
    # The state of the last round is spent: a replay fails.
    fake.grants["code-3"] = grant("code-3")
    status, body, _ = get(world, f"/slack/oauth_redirect?code=code-3&state={state}", cookie)
    assert status == 401 and "did not complete" in body, (status, body)
    with world.app.ctx.uow() as uow:
        workspace = uow.workspaces.find(Platform.SLACK, NEW_TEAM)
    assert workspace is not None and workspace.managers == [INSTALLER]


@pytest.mark.parametrize(
    ("how", "expected"),
    [("forged state", 400), ("missing state", 400), ("no cookie", 400), ("bad code", 401)],
)
def test_a_bad_or_missing_state_stores_nothing(world: SlackWorld, how: str, expected: int) -> None:
    fake = world.fake
    state, cookie = start_install(world)
    fake.grants["code-9"] = grant("code-9")
    query = {
        "forged state": f"code=code-9&state={state}x",
        "missing state": "code=code-9",
        "no cookie": f"code=code-9&state={state}",
        "bad code": f"code=unknown&state={state}",
    }[how]
    status, body, _ = get(
        world, f"/slack/oauth_redirect?{query}", "" if how == "no cookie" else cookie
    )
    assert status == expected and "did not complete" in body, (status, body)
    assert stored_tokens(world) == []
    with world.app.ctx.uow() as uow:
        assert uow.workspaces.find(Platform.SLACK, NEW_TEAM) is None
    if how != "bad code":
        assert fake.of("oauth.v2.access") == []


def test_the_oauth_tables_belong_to_slack_sdk(world: SlackWorld) -> None:
    with world.app.engine.connect() as connection:
        for table in ("slack_installations", "slack_bots", "slack_oauth_states"):
            count = connection.execute(select(func.count()).select_from(text(table)))
            assert count.scalar_one() == 0


def test_without_a_secret_key_the_install_is_refused_and_slack_stays_off(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    from integrations.server import build_app
    from integrations.settings import Settings

    settings = Settings(
        DATABASE_URL=db_url,
        SANDBOX=False,
        SLACK_SIGNING_SECRET="secret",
        SLACK_CLIENT_ID=CLIENT_ID,
        SLACK_CLIENT_SECRET=CLIENT_SECRET,
    )
    with caplog.at_level("ERROR", logger="intervision.slack"):
        app = build_app(settings)
    try:
        assert "slack" not in app.messengers
        assert any("INTERVISION_SECRET_KEY" in r.getMessage() for r in caplog.records)
        statuses: list[str] = []
        app.router({"PATH_INFO": "/slack/install"}, lambda status, _h: statuses.append(status))
        assert statuses == ["404 Not Found"]
    finally:
        app.dispose()
