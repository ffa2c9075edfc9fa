"""Just enough HTTP for server-rendered pages: requests, cookies, redirects, CSRF."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from integrations.sandbox.addresses import Addresses
from integrations.wsgi import StartResponse

MAX_BODY = 64 * 1024
SESSION_COOKIE = "sandbox_session"
PERSON_COOKIE = "sandbox_person"
LOCALE_COOKIE = "sandbox_locale"
CSRF_FIELD = "csrf"


@dataclass
class Request:
    method: str
    path: str
    host: str
    served_port: int
    """The port the server accepted this request on (as it reports it, not as the client says)."""
    origin: str | None
    cookies: dict[str, str]
    form: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> Request:
        cookies: dict[str, str] = {}
        try:
            jar = SimpleCookie(environ.get("HTTP_COOKIE", ""))
            cookies = {name: morsel.value for name, morsel in jar.items()}
        except CookieError:
            cookies = {}
        method = environ.get("REQUEST_METHOD", "GET").upper()
        form: dict[str, list[str]] = {}
        if method == "POST":
            try:
                length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
            except ValueError:
                length = 0
            body = environ["wsgi.input"].read(length) if length else b""
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return cls(
            method=method,
            path=environ.get("PATH_INFO") or "/",
            host=environ.get("HTTP_HOST", ""),
            served_port=served_port(environ),
            origin=environ.get("HTTP_ORIGIN"),
            cookies=cookies,
            form=form,
        )

    def value(self, name: str, default: str = "") -> str:
        values = self.form.get(name)
        return values[0] if values else default

    def values(self, name: str) -> list[str]:
        return [v for v in self.form.get(name, []) if v]

    @property
    def session(self) -> str | None:
        return self.cookies.get(SESSION_COOKIE)

    def csrf_ok(self, addresses: Addresses) -> bool:
        """The double-submit token must match, and a browser's Origin must be one of the
        sandbox's own addresses (a fixed list: never compared with the request's Host)."""
        if self.origin is not None and not addresses.origin_ok(self.origin, self.served_port):
            return False
        token, sent = self.session or "", self.value(CSRF_FIELD)
        return bool(token) and hmac.compare_digest(token.encode(), sent.encode())


def served_port(environ: dict[str, Any]) -> int:
    try:
        return int(environ.get("SERVER_PORT") or 0)
    except ValueError:
        return 0


def new_session() -> str:
    return secrets.token_urlsafe(24)


def cookie(name: str, value: str, *, http_only: bool = True) -> tuple[str, str]:
    flags = "; HttpOnly" if http_only else ""
    return ("Set-Cookie", f"{name}={value}; Path=/; SameSite=Strict; Max-Age=2592000{flags}")


SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
]


def page(
    start_response: StartResponse,
    body: str,
    *,
    status: str = "200 OK",
    headers: Iterable[tuple[str, str]] = (),
) -> list[bytes]:
    data = body.encode("utf-8")
    start_response(
        status,
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
            *SECURITY_HEADERS,
            *headers,
        ],
    )
    return [data]


def misdirected(start_response: StartResponse, text: str) -> list[bytes]:
    """421: this server does not answer for the name the request was sent to."""
    data = (text + "\n").encode("utf-8")
    start_response(
        "421 Misdirected Request",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
            *SECURITY_HEADERS,
        ],
    )
    return [data]


def redirect(
    start_response: StartResponse, location: str, headers: Iterable[tuple[str, str]] = ()
) -> list[bytes]:
    start_response(
        "303 See Other",
        [("Location", safe_path(location)), ("Content-Length", "0"), *headers],
    )
    return [b""]


def safe_path(location: str) -> str:
    """Only our own paths: never an open redirect."""
    if not location.startswith("/") or location.startswith("//") or "\\" in location:
        return "/"
    return location
