"""A local stand-in for Microsoft Graph's calendar and To Do endpoints (``/v1.0/users/...``),
speaking its HTTP protocol on 127.0.0.1: it keeps each user's events and To Do tasks,
records every call, answers with ids as Graph does, and can be told to throttle
(``fail_next``: 429 with ``Retry-After``)."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote

from tests.support.teams_servers import Call, serving

TOKEN = "Bearer test-bot-token"
"""What the fake token endpoint hands out (``TokenService.access_token``)."""


@dataclass
class FakeGraph:
    base: str
    calls: list[Call] = field(default_factory=list)
    events: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """user -> event id -> event."""
    tasks: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """user -> task id -> task (all in the user's default list)."""
    fail_next: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def writes(self, method: str | None = None) -> list[Call]:
        """Calls that write (not GET), of ``method`` if given."""
        return [
            c for c in self.calls if c.method != "GET" and (method is None or c.method == method)
        ]

    def answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        parts = path.split("?")[0].removeprefix("/v1.0/").split("/")
        if parts[0] == "teams":  # a channel's messages: none here
            return 200, {"value": []}
        if parts[0] != "users" or len(parts) < 3:
            return 404, {"error": {"code": "ResourceNotFound"}}
        user, rest = parts[1], parts[2:]
        with self.lock:
            if rest[0] == "events":
                return self._events(user, method, rest[1:], body)
            if rest[:2] == ["todo", "lists"]:
                return self._todo(user, method, rest[2:], body)
        return 404, {"error": {"code": "ResourceNotFound"}}

    def _events(self, user: str, method: str, rest: list[str], body: Any) -> tuple[int, Any]:
        mine = self.events.setdefault(user, {})
        if not rest and method == "POST":
            for event in mine.values():  # the same transactionId: the same event
                if event.get("transactionId") == body.get("transactionId"):
                    return 201, event
            number = next(self.ids)
            event = {
                **body,
                "id": f"AAMk-{user}-{number}",
                "webLink": f"https://outlook.office365.com/owa/?itemid=AAMk-{user}-{number}",
            }
            if body.get("isOnlineMeeting"):
                event["onlineMeeting"] = {
                    "joinUrl": f"https://teams.microsoft.com/l/meetup-join/{number}"
                }
            mine[event["id"]] = event
            return 201, event
        if len(rest) == 1 and rest[0] in mine:
            if method == "PATCH":
                mine[rest[0]].update(body)
                return 200, mine[rest[0]]
            if method == "DELETE":
                del mine[rest[0]]
                return 204, None
        return 404, {"error": {"code": "ErrorItemNotFound"}}

    def _todo(self, user: str, method: str, rest: list[str], body: Any) -> tuple[int, Any]:
        default = f"list-{user}"
        if not rest and method == "GET":
            return 200, {
                "value": [
                    {"id": f"flagged-{user}", "wellknownListName": "flaggedEmails"},
                    {"id": default, "displayName": "Tasks", "wellknownListName": "defaultList"},
                ]
            }
        if not rest or rest[0] != default or rest[1:2] != ["tasks"]:
            return 404, {"error": {"code": "ErrorItemNotFound"}}
        mine = self.tasks.setdefault(user, {})
        rest = rest[2:]
        if not rest and method == "POST":
            task = {**body, "id": f"task-{user}-{next(self.ids)}"}
            mine[task["id"]] = task
            return 201, task
        if len(rest) == 1 and rest[0] in mine:
            if method == "PATCH":
                mine[rest[0]].update(body)
                return 200, mine[rest[0]]
            if method == "DELETE":
                del mine[rest[0]]
                return 204, None
        return 404, {"error": {"code": "ErrorItemNotFound"}}


@contextmanager
def fake_graph() -> Iterator[FakeGraph]:
    holder: list[FakeGraph] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _handle(self) -> None:
            graph = holder[0]
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            path = unquote(self.path)
            authorization = self.headers.get("Authorization")
            graph.calls.append(Call(self.command, path, body, authorization))
            with graph.lock:
                failure = graph.fail_next.pop(0) if graph.fail_next else None
            if failure is not None:
                status, headers, answer = (
                    failure[0],
                    failure[1],
                    {"error": {"code": "TooManyRequests"}},
                )
            elif authorization != TOKEN:
                status, headers, answer = 401, {}, {"error": {"code": "InvalidAuthenticationToken"}}
            else:
                headers = {}
                status, answer = graph.answer(self.command, path, body)
            data = b"" if answer is None else json.dumps(answer).encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if data:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = _handle

    with serving(Handler) as server:
        holder.append(FakeGraph(f"http://127.0.0.1:{server.server_address[1]}"))
        yield holder[0]
