"""``GET /calendar/{token}.ics``: a member's or a group's calendar feed (RFC 5545).

The token is the only key: unguessable (256 bits), revocable (``intervision calendar
revoke``, or a new link from chat). An unknown or revoked token, or anything that cannot
be one, gets 404 and the same body, so a link reveals nothing about others. Only GET and
HEAD; the answer is never cached by a shared cache.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from core.services import calendars
from core.services.context import Context
from core.views.calendar import FEEDS, ical
from integrations.wsgi import StartResponse, respond

PREFIX = FEEDS
"""Mounted here (``core.views.calendar`` says where the links point)."""

PATH = re.compile(r"/calendar/([A-Za-z0-9_-]{16,64})\.ics")
CONTENT_TYPE = "text/calendar; charset=utf-8"


class CalendarFeeds:
    """The WSGI app mounted at ``PREFIX``."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            start_response(
                "405 Method Not Allowed",
                [("Allow", "GET, HEAD"), ("Content-Length", "0")],
            )
            return [b""]
        found = PATH.fullmatch(environ.get("PATH_INFO") or "")
        feed = calendars.feed(self.ctx, found.group(1)) if found else None
        if feed is None:
            return respond(start_response, "404 Not Found", b"no such calendar\n")
        body = ical(feed, self.ctx.methods, now=self.ctx.clock.now())
        start_response(
            "200 OK",
            [
                ("Content-Type", CONTENT_TYPE),
                ("Content-Length", str(len(body))),
                ("Content-Disposition", 'inline; filename="intervision.ics"'),
                ("Cache-Control", "private, max-age=300"),
                ("Referrer-Policy", "no-referrer"),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )
        return [b""] if method == "HEAD" else [body]
