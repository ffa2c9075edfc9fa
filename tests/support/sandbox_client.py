"""A small browser for the sandbox over real HTTP: a cookie jar, forms posted with the
page's CSRF token, redirects followed (POST-redirect-GET)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from integrations.server import App, build_app
from integrations.settings import Settings
from tests.support.served_app import served

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Page:
    status: int
    url: str
    text: str

    @property
    def csrf(self) -> str:
        found = CSRF.search(self.text)
        assert found, self.text[:500]
        return found.group(1)


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.last: Page | None = None

    def get(self, path: str) -> Page:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, fields: dict[str, str | list[str]], *, csrf: bool = True) -> Page:
        if csrf:
            page = self.last if self.last is not None else self.get("/")
            fields = {"csrf": page.csrf, **fields}
        pairs = [
            (k, item) for k, v in fields.items() for item in (v if isinstance(v, list) else [v])
        ]
        body = urllib.parse.urlencode(pairs).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))

    def be(self, person: str) -> Page:
        return self.post("/role", {"person": person, "back": "/"})

    def press(self, channel: str, action: str, value: str = "", meeting: str = "") -> Page:
        return self.post(
            "/act", {"action": action, "value": value, "channel": channel, "meeting": meeting}
        )

    def _open(self, request: urllib.request.Request) -> Page:
        try:
            with self.opener.open(request, timeout=30) as response:
                page = Page(response.status, response.url, response.read().decode())
        except urllib.error.HTTPError as error:
            page = Page(error.code, error.url or "", error.read().decode())
        self.last = page
        return page


@contextmanager
def serving(db_url: str, **settings: str) -> Iterator[tuple[App, str]]:
    """Our real app and production server on a free loopback port, in a thread, on the
    migrated database ``db_url``."""
    app = build_app(Settings(DATABASE_URL=db_url, PORT=0, HOST="127.0.0.1", **settings))
    try:
        with served(app) as url:
            yield app, url
    finally:
        app.dispose()
