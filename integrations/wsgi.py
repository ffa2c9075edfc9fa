"""A tiny WSGI router: each adapter mounts itself under a path prefix."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def respond(
    start_response: StartResponse,
    status: str,
    body: bytes,
    content_type: str = "text/plain; charset=utf-8",
) -> list[bytes]:
    start_response(
        status,
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("X-Content-Type-Options", "nosniff"),
        ],
    )
    return [body]


def healthz(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """A bare router's: the process answers (the server mounts ``integrations.health``)."""
    return respond(start_response, "200 OK", b"ok\n")


def not_found(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    return respond(start_response, "404 Not Found", b"not found\n")


class Router:
    """Dispatches on the longest matching path prefix ("/slack/", "/api/messages", "/")."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, WSGIApp]] = [("/healthz", healthz)]

    def mount(self, prefix: str, app: WSGIApp) -> None:
        """Serve ``prefix`` with ``app`` (in place of what served it before)."""
        self._routes = [route for route in self._routes if route[0] != prefix]
        self._routes.append((prefix, app))
        self._routes.sort(key=lambda route: len(route[0]), reverse=True)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        for prefix, app in self._routes:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/") or prefix == "/":
                return app(environ, start_response)
        return not_found(environ, start_response)
