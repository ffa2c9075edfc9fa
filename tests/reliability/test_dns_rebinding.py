"""DNS rebinding, over real HTTP on SQLite and PostgreSQL: a page on another domain whose
name resolves to 127.0.0.1 reaches the sandbox's port with its own name in ``Host``. It
gets no session, no page and changes nothing, even with a valid session cookie and CSRF
token; a browser's ``Origin`` is compared with the sandbox's own addresses."""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, text

from integrations.sandbox.addresses import Addresses
from integrations.settings import Settings
from tests.support.sandbox_client import Browser, serving

EVIL = "evil.example"
SECRET_TITLE = "My manager shouts at me"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str


def send(
    base: str,
    method: str,
    path: str,
    *,
    host: str | None,
    headers: dict[str, str] | None = None,
    fields: dict[str, str] | None = None,
) -> Answer:
    """One request to our server's socket, with exactly the ``Host`` given (None: none)."""
    where = urlsplit(base)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=15)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            connection.putheader("Host", host)
        body = urlencode(fields or {}).encode()
        if method == "POST":
            connection.putheader("Content-Type", "application/x-www-form-urlencoded")
            connection.putheader("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders(body if method == "POST" else None)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read().decode())
    finally:
        connection.close()


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def session_of(browser: Browser) -> str:
    return next(c.value for c in browser.jar if c.name == "sandbox_session" and c.value)


def test_a_rebound_name_gets_no_session_no_page_and_changes_nothing(db_url: str) -> None:
    with serving(db_url) as (app, base):
        port = urlsplit(base).port
        for path in ("/", "/groups/new", "/c/anything"):
            refused = send(base, "GET", path, host=f"{EVIL}:{port}")
            assert refused.status == 421, refused.text
            assert refused.headers.get("Set-Cookie") is None
            assert "<html" not in refused.text and f"http://127.0.0.1:{port}/" in refused.text
        assert count(app.engine, "workspaces") == 0  # not even the sandbox's workspace

        # The same person's browser, at the real address, prepares a group and reads a case.
        browser = Browser(base)
        browser.post("/locale", {"locale": "en", "back": "/"})
        page = browser.post("/prepare", {})
        channel = page.url.rsplit("/", 1)[1]
        browser.be("anna")
        form = browser.get(f"/c/{channel}/case")
        group_id = re.search(r'name="state.group_id" value="([^"]*)"', form.text)
        assert group_id, form.text
        session, cases_before = session_of(browser), count(app.engine, "cases")
        groups_before = count(app.engine, "groups")

        # The attacker's page has that browser's cookie and token for its own name: still no.
        stolen = {
            "Cookie": f"sandbox_session={session}; sandbox_person=anna",
            "Origin": f"http://{EVIL}:{port}",
        }
        case = {
            "csrf": session,
            "state.group_id": group_id.group(1),
            "channel": channel,
            "title": SECRET_TITLE,
            "help_question": "How do I say no?",
            "consent": "yes",
        }
        for path, fields in (("/forms/form.case", case), ("/prepare", {"csrf": session})):
            refused = send(base, "POST", path, host=f"{EVIL}:{port}", headers=stolen, fields=fields)
            assert refused.status == 421 and refused.headers.get("Set-Cookie") is None
        refused = send(base, "GET", f"/c/{channel}", host=f"{EVIL}:{port}", headers=stolen)
        assert refused.status == 421 and channel not in refused.text
        assert count(app.engine, "cases") == cases_before
        assert count(app.engine, "groups") == groups_before

        # The real address with the same cookie and token works: the refusals were the Host.
        accepted = send(
            base,
            "POST",
            "/forms/form.case",
            host=f"127.0.0.1:{port}",
            headers={**stolen, "Origin": f"http://127.0.0.1:{port}"},
            fields=case,
        )
        assert accepted.status == 303, accepted.text
        assert count(app.engine, "cases") == cases_before + 1


def test_only_loopback_names_with_the_served_port_are_answered(db_url: str) -> None:
    with serving(db_url) as (_, base):
        port = urlsplit(base).port
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
            assert send(base, "GET", "/", host=host).status == 200, host
        assert send(base, "GET", "/", host=f"[::1]:{port}").status == 200
        for host in (
            f"127.0.0.1:{(port or 0) + 1}",  # another port: another service's name
            "127.0.0.1",  # port 80 implied
            f"localhost.{EVIL}:{port}",
            f"127.0.0.1.{EVIL}:{port}",
            f"{EVIL}:{port}",
            f"user@127.0.0.1:{port}",
            f"127.0.0.1:{port}/x",
            "",
            None,  # no Host at all
        ):
            answer = send(base, "GET", "/", host=host)
            assert answer.status in (400, 421), (host, answer.status)
            assert answer.headers.get("Set-Cookie") is None, host
        healthz = send(base, "GET", "/healthz", host=f"{EVIL}:{port}")
        assert healthz.status == 200  # not the sandbox's to refuse


def test_origin_is_compared_with_the_sandboxs_addresses_not_the_request_host(db_url: str) -> None:
    with serving(db_url) as (app, base):
        port = urlsplit(base).port
        browser = Browser(base)
        browser.get("/")
        session = session_of(browser)
        cookie = {"Cookie": f"sandbox_session={session}"}
        for origin in (
            f"http://{EVIL}:{port}",
            f"http://127.0.0.1:{(port or 0) + 1}",
            f"https://127.0.0.1:{port}",
            "null",
        ):
            refused = send(
                base,
                "POST",
                "/prepare",
                host=f"127.0.0.1:{port}",
                headers={**cookie, "Origin": origin},
                fields={"csrf": session},
            )
            assert refused.status == 403, origin
        assert count(app.engine, "groups") == 0
        # localhost and 127.0.0.1 are the same server: a page on one may post to the other.
        accepted = send(
            base,
            "POST",
            "/prepare",
            host=f"127.0.0.1:{port}",
            headers={**cookie, "Origin": f"http://localhost:{port}"},
            fields={"csrf": session},
        )
        assert accepted.status == 303 and count(app.engine, "groups") == 1


def test_a_configured_origin_is_answered_with_its_own_scheme(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/origins.db"
    with serving(url, SANDBOX_ORIGINS="https://Sandbox.Example.org") as (app, base):
        port = urlsplit(base).port
        page = send(base, "GET", "/", host="sandbox.example.org")
        assert page.status == 200
        cookie_header = page.headers.get("Set-Cookie") or ""
        session = cookie_header.split("sandbox_session=", 1)[1].split(";", 1)[0]
        post = {"Cookie": f"sandbox_session={session}"}

        def prepare(origin: str) -> int:
            return send(
                base,
                "POST",
                "/prepare",
                host="sandbox.example.org",
                headers={**post, "Origin": origin},
                fields={"csrf": session},
            ).status

        assert prepare("http://sandbox.example.org") == 403  # not the configured scheme
        assert prepare(f"http://sandbox.example.org:{port}") == 403
        assert count(app.engine, "groups") == 0
        assert prepare("https://sandbox.example.org") == 303
        assert count(app.engine, "groups") == 1
        assert send(base, "GET", "/", host="sandbox.example.org:8443").status == 421
        refused = send(base, "GET", "/", host=f"{EVIL}:{port}")
        assert "https://sandbox.example.org/" in refused.text


@pytest.mark.parametrize(
    "value", ["sandbox.example.org", "ftp://x.example", "https://x.example/path", "http://:80"]
)
def test_a_sandbox_origin_that_is_not_scheme_host_port_is_refused_at_start(value: str) -> None:
    with pytest.raises(ValidationError):
        Settings(SANDBOX_ORIGINS=value)


def test_the_addresses_rules_without_a_server() -> None:
    both = Addresses.of(["https://sandbox.example.org", "http://[fd00::1]:8080"])
    assert both.host_ok("sandbox.example.org", 3978)
    assert both.host_ok("sandbox.example.org:443", 3978)
    assert both.host_ok("[fd00::1]:8080", 3978) and not both.host_ok("[fd00::1]", 3978)
    assert both.origin_ok("http://[fd00::1]:8080", 3978)
    assert both.origin_ok("http://127.0.0.2:3978", 3978)
    assert not both.origin_ok("http://127.0.0.1:3978/", 1234)
    assert not Addresses().host_ok("127.0.0.1:3978 x", 3978)
    assert Addresses().home(3978) == "http://127.0.0.1:3978/"
    assert both.home(3978) == "https://sandbox.example.org/"
