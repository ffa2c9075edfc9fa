"""The browser sandbox's forms and pages with malformed input, through our real server:
commands, buttons and form submissions with any fields (valid CSRF, so they reach the
core), and any path. Never a 5xx, never an ERROR logged, no workspace but the sandbox's
own, no control character stored."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from core.interactions.table import ACTIONS, FORMS
from core.views import actions as a
from integrations.sandbox.people import COLLEAGUES, WORKSPACE
from tests.reliability.conftest import FUZZ, ErrorLog
from tests.support import stored
from tests.support.fuzz import nasty_text
from tests.support.sandbox_client import Browser, serving

INPUTS = sorted(v for k, v in vars(a).items() if k.startswith("INPUT_"))
PATHS = ["/command", "/act", "/role", "/locale", "/prepare", "/nowhere", "/forms/"]


@dataclass
class Fuzzed:
    browser: Browser
    base: str
    engine: Any
    log: ErrorLog
    channel: str
    meeting: str


@pytest.fixture(scope="module")
def sandbox(module_db_url: str, error_log: ErrorLog) -> Iterator[Fuzzed]:
    with serving(module_db_url) as (app, base):
        browser = Browser(base)
        page = browser.post("/prepare", {})
        channel = page.url.rsplit("/", 1)[1]
        browser.be("fleur")
        browser.press(channel, a.MEETING_START)
        with app.ctx.uow() as uow:
            [group] = uow.groups.list()
            [meeting] = uow.meetings.for_group(group.id or 0)
        mark = len(error_log.records)
        yield Fuzzed(browser, base, app.engine, error_log, channel, str(meeting.id))
        assert error_log.since(mark) == []
        assert stored.control_characters(app.engine) == []


def field_values(fuzzed: Fuzzed) -> st.SearchStrategy[str]:
    ours = [fuzzed.channel, fuzzed.meeting, f"{fuzzed.meeting}|phase:0", "1", "start", "help"]
    people = [c.ref for c in COLLEAGUES]
    return st.one_of(st.sampled_from(ours), st.sampled_from(people), nasty_text())


@st.composite
def request(draw: st.DrawFn, fuzzed: Fuzzed) -> tuple[str, list[tuple[str, str]]]:
    path = draw(st.sampled_from(PATHS))
    if path == "/forms/":
        path += draw(st.one_of(st.sampled_from(sorted(FORMS)), nasty_text(12)))
    names = st.one_of(
        st.sampled_from(["channel", "text", "action", "value", "back", "person", "locale"]),
        st.sampled_from(INPUTS),
        st.sampled_from(["state.group_id", "state.meeting_id", "state.goal_id"]),
        nasty_text(8),
    )
    fields = draw(st.lists(st.tuples(names, field_values(fuzzed)), max_size=8))
    if path == "/act":
        fields.append(("action", draw(st.one_of(st.sampled_from(sorted(ACTIONS)), nasty_text()))))
    if draw(st.integers(0, 3)):
        fields.append(("channel", fuzzed.channel))
    return path, fields


def _quote(value: str) -> str:
    return urllib.parse.quote_plus(value.encode("utf-8", "surrogatepass"))


def send(
    fuzzed: Fuzzed, method: str, path: str, fields: list[tuple[str, str]], csrf: str | None = None
) -> int:
    """A request with the session's CSRF token (or ``csrf``), redirects followed; the
    final status."""
    token = fuzzed.browser.get("/").csrf if csrf is None else csrf
    body = "&".join(f"{_quote(k)}={_quote(v)}" for k, v in [("csrf", token), *fields])
    request = urllib.request.Request(
        fuzzed.base + urllib.parse.quote(path.encode("utf-8", "surrogatepass"), safe="/"),
        data=body.encode() if method == "POST" else None,
        method=method,
    )
    try:
        with fuzzed.browser.opener.open(request, timeout=30) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.read()
        return error.code


@FUZZ
@given(data=st.data())
def test_malformed_sandbox_requests_are_answered_without_a_server_error(
    sandbox: Fuzzed, data: st.DataObject
) -> None:
    path, fields = data.draw(request(sandbox))
    person = data.draw(st.sampled_from([c.ref for c in COLLEAGUES]))
    sandbox.browser.be(person)
    wrong_token = data.draw(st.integers(0, 4)) == 0
    csrf = data.draw(nasty_text(), label="a wrong CSRF token") if wrong_token else None
    mark = len(sandbox.log.records)
    status = send(sandbox, "POST", path, fields, csrf)
    assert status < 500
    event(f"{path.split('/')[1] or '/'}: {status}")
    assert sandbox.log.since(mark) == []
    assert stored.workspaces(sandbox.engine) <= {("sandbox", WORKSPACE)}


@FUZZ
@given(path=st.one_of(nasty_text(30), st.builds(lambda t: "/c/" + t, nasty_text(20))))
def test_any_page_is_answered_without_a_server_error(sandbox: Fuzzed, path: str) -> None:
    status = send(sandbox, "GET", "/" + path.lstrip("/"), [])
    assert status < 500
