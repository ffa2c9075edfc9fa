"""The sandbox over real HTTP, on SQLite and PostgreSQL: our app, our production server,
a cookie-keeping client. Pages, actions through the core, privacy and CSRF."""

from __future__ import annotations

import re
import urllib.request

import pytest

from core.interactions import Platform
from core.views import actions as a
from integrations.sandbox import is_loopback
from integrations.server import build_app
from integrations.settings import Settings
from tests.support.sandbox_client import Browser, Page, serving

EVIL = "<script>alert('case')</script>"


def hidden(page: Page, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page.text)
    assert found, name
    return found.group(1)


def data_value(page: Page, action: str) -> str:
    found = re.search(rf'data-action="{re.escape(action)}" data-value="([^"]*)"', page.text)
    assert found, action
    return found.group(1)


def prepared_channel(browser: Browser) -> str:
    page = browser.post("/prepare", {})
    assert page.status == 200 and "/c/sandbox-" in page.url
    return page.url.rsplit("/", 1)[1]


def test_home_has_the_role_and_language_switches_and_healthz_stays(db_url: str) -> None:
    with serving(db_url) as (_, base):
        browser = Browser(base)
        page = browser.get("/")
        assert page.status == 200 and 'id="role-switch"' in page.text
        assert "Intervisie-sandbox" in page.text  # the workspace's language by default
        page = browser.post("/locale", {"locale": "en", "back": "/"})
        assert "Intervision sandbox" in page.text and 'lang="en"' in page.text
        with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
            assert response.read().startswith(b"ok\n")
        assert browser.get("/nowhere").status == 404


def test_a_meeting_from_start_to_report_with_escaping_and_privacy(db_url: str) -> None:
    with serving(db_url) as (_, base):
        browser = Browser(base)
        browser.post("/locale", {"locale": "en", "back": "/"})
        channel = prepared_channel(browser)
        browser.be("fleur")
        page = browser.press(channel, a.MEETING_START)
        assert "Which case shall we discuss?" in page.text
        meeting = hidden(page, "meeting")

        browser.be("anna")
        page = browser.get(f"/c/{channel}/case")
        page = browser.post(
            "/forms/form.case",
            {
                "state.group_id": hidden(page, "state.group_id"),
                "channel": channel,
                "title": EVIL,
                "help_question": "How do I say no?",
                "consent": "yes",
            },
        )
        assert "your case &#x27;&lt;script&gt;" in page.text  # the core's confirmation
        assert EVIL not in page.text and "&lt;script&gt;alert(&#x27;case&#x27;)" in page.text

        page = browser.press(
            channel, a.MEETING_CHOOSE_CASE, data_value(page, a.MEETING_CHOOSE_CASE), meeting
        )
        assert "Only the facilitator or the chair can do this." in page.text  # the core says no
        browser.be("fleur")
        page = browser.press(
            channel, a.MEETING_CHOOSE_CASE, data_value(page, a.MEETING_CHOOSE_CASE), meeting
        )
        page = browser.press(channel, a.MEETING_ADVANCE, f"{meeting}|case_chosen", meeting)
        assert "Phase 1: Sketching the incident" in page.text

        browser.be("anna")
        page = browser.post(
            "/forms/form.contribute",
            {"state.meeting_id": meeting, "channel": channel, "text": "It began <b>on Monday</b>"},
        )
        assert "It began &lt;b&gt;on Monday&lt;/b&gt;" in page.text
        assert "<b>on Monday</b>" not in page.text

        browser.be("fleur")
        page = browser.press(channel, a.MEETING_ADVANCE, f"{meeting}|phase:0", meeting)
        page = browser.press(channel, a.MEETING_ADVANCE, f"{meeting}|phase:0", meeting)  # twice
        assert "The meeting has already moved on; nothing was changed." in page.text
        page = browser.press(channel, a.MEETING_CLOSE, f"{meeting}|phase:1", meeting)
        page = browser.press(channel, a.MEETING_REPORT, f"{meeting}|evaluated", meeting)
        assert "Report · Team North" in page.text
        browser.be("carmen")  # first in turn in phase 2: told so privately
        assert "It&#x27;s your turn" in browser.get(f"/c/{channel}").text

        browser.be("gert")
        page = browser.get(f"/c/{channel}")
        assert page.status == 403
        assert "Only members of this intervision group can do this." in page.text
        assert (
            "alert" not in page.text
            and "Monday" not in page.text
            and 'id="thread"' not in page.text
        )
        home = browser.get("/")
        assert "Trajectory · Team North" in home.text and 'id="managers-channel"' in home.text
        assert "alert" not in home.text and "Monday" not in home.text


def test_posts_without_the_token_or_from_another_origin_are_refused(db_url: str) -> None:
    with serving(db_url) as (_, base):
        browser = Browser(base)
        browser.get("/")
        refused = browser.post("/prepare", {}, csrf=False)
        assert refused.status == 403 and "verlopen of komt van elders" in refused.text
        refused = browser.post("/prepare", {"csrf": "guessed"}, csrf=False)
        assert refused.status == 403
        token = browser.get("/").csrf
        request = urllib.request.Request(
            base + "/prepare",
            data=f"csrf={token}".encode(),
            headers={"Origin": "http://evil.example"},
            method="POST",
        )
        with pytest.raises(urllib.error.HTTPError) as error:
            browser.opener.open(request, timeout=10)
        assert error.value.code == 403
        home = browser.get("/")
        assert home.status == 200, home.text
        assert "Team North" not in home.text and "Wijkteam" not in home.text


def test_a_manager_adds_a_group_and_others_get_the_cores_refusal(db_url: str) -> None:
    with serving(db_url) as (_, base):
        browser = Browser(base)
        browser.post("/locale", {"locale": "en", "back": "/"})
        refused = browser.get("/groups/new")  # the core says no before the form is filled in
        assert refused.status == 403
        assert "Only managers can add an intervision group." in refused.text
        browser.be("gert")
        page = browser.get("/groups/new")
        browser.be("anna")
        fields = {
            "channel": hidden(page, "channel"),
            "name": "Night shift",
            "members": ["hamid", "iris", "joost", "anna"],
            "facilitator": "fleur",
            "method": "balint",
            "cadence": "monthly",
            "mode": "live",
            "locale": "en",
            "back": "/groups/new",
        }
        page = browser.post("/forms/form.group", fields)
        assert "Only managers can add an intervision group." in page.text
        browser.be("gert")
        page = browser.post("/forms/form.group", {**fields, "name": "Night <shift>"})
        assert "Intervision group &#x27;Night &lt;shift&gt;&#x27; has been added." in page.text
        assert page.url.endswith("/") and "Trajectory · Night &lt;shift&gt;" in page.text
        browser.be("iris")
        assert "Night &lt;shift&gt;" in browser.get("/").text


def test_the_sandbox_stays_off_on_a_public_address_unless_forced(tmp_path: object) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")
    url = f"sqlite:///{tmp_path}/x.db"
    app = build_app(Settings(DATABASE_URL=url, HOST="0.0.0.0"))
    assert Platform.SANDBOX not in app.messengers
    forced = build_app(Settings(DATABASE_URL=url, HOST="0.0.0.0", SANDBOX=True))
    assert Platform.SANDBOX in forced.messengers
    app.dispose()
    forced.dispose()
