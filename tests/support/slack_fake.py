"""A local fake of Slack's Web API (and of response_url), speaking Slack's HTTP protocol
on 127.0.0.1, port 0. It records every call and validates every Block Kit payload with
the adapter's ``check_blocks``; and a sender that signs requests like Slack does."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import math
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from integrations.slack.blocks import BlockProblem, check_blocks, check_view

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "slack"
TEAM = "T0TEAM0001"
BOT_USER = "U0BOT00001"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None = None
    """The bearer token of the call (``Authorization: Bearer …``), if any."""


class FakeSlack:
    """Answers auth.test (per token), chat.*, views.*, conversations.open/join, users.info,
    oauth.v2.access (for the codes in ``grants``) and apps.connections.open (with
    ``socket_url``)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.problems: list[str] = []
        self.locales: dict[str, str] = {}
        self.names: dict[str, str] = {}
        """User -> display name (users.info; empty when not set, as Slack allows)."""
        self.not_in: set[str] = set()
        """Public channels the bot is not in (it can join them)."""
        self.closed: set[str] = set()
        """Private channels the bot was not invited to: to the bot they do not exist."""
        self.members: dict[str, list[str]] = {}
        """Channel -> its members (conversations.members; the bot user is always in it)."""
        self.deactivated: set[str] = set()
        """Users whose account is deactivated (users.info ``deleted: true``)."""
        self.history: dict[str, list[dict[str, Any]]] = {}
        self.lose_answers: dict[str, int] = {}
        """Method -> how many of its next calls are carried out but answered with a 500."""
        self.before_answer: Callable[[str, dict[str, Any]], None] | None = None
        """Called with each call (method, args) after it is recorded and before it is
        answered: fault injection (a test can stop the world right there)."""
        """Channel -> the messages posted there, oldest first (conversations.history)."""
        self.failures: dict[str, list[tuple[int, str, dict[str, str], str | None]]] = {}
        """Method -> the answers its next calls get instead (status, error, headers, and
        the channel they are for, or None for any): ``fail_next``."""
        self.pace: float | None = None
        """Seconds: chat.postMessage accepts one message per channel in this time, like
        Slack (about 1 s); a faster one is answered 429 with ``Retry-After`` in whole
        seconds, rounded up, as Slack sends it. None: no limit."""
        self.rate_limited = 0
        """How many calls were answered 429 by ``pace``."""
        self._last_post: dict[str, float] = {}
        self._lock = threading.Lock()
        self._ts = 0.0
        self.teams: dict[str, str] = {}
        """Bot token -> the team auth.test names for it (default: TEAM)."""
        self.grants: dict[str, dict[str, Any]] = {}
        """OAuth code -> the oauth.v2.access payload it exchanges for (used once)."""
        self.client_credentials: tuple[str, str] | None = None
        self.socket_url: str | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                if "json" in (self.headers.get("Content-Type") or ""):
                    args = json.loads(raw or "{}")
                else:
                    args = {k: v[-1] for k, v in urllib.parse.parse_qs(raw).items()}
                path = self.path.split("?")[0]
                method = path.rsplit("/", 1)[-1] if path.startswith("/api/") else path
                status, body, headers = fake.answer(
                    method, args, authorization=self.headers.get("Authorization") or ""
                )
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        # A short poll: stop() waits for the loop to notice, by default up to half a second.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"http://127.0.0.1:{self.port}/respond/{name}"

    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(
        self,
        method: str,
        error: str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        channel: str | None = None,
    ) -> None:
        """The next call of ``method`` (to ``channel``, if given) fails so."""
        self.failures.setdefault(method, []).append((status, error, headers or {}, channel))

    # ------------------------------------------------------------------ answers

    def answer(
        self, method: str, args: dict[str, Any], *, authorization: str = ""
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        for key in ("blocks", "view"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        token = args.get("token") or None
        if authorization.startswith("Bearer "):
            token = authorization.removeprefix("Bearer ")
        with self._lock:
            self.calls.append(Call(method, copy.deepcopy(args), token))
            if method == "oauth.v2.access":
                return 200, self._oauth_access(args, authorization), {}
            if method == "apps.connections.open":
                if not (token or "").startswith("xapp-") or not self.socket_url:
                    return 200, {"ok": False, "error": "invalid_auth"}, {}
                return 200, {"ok": True, "url": self.socket_url}, {}
            if method == "auth.test" and token in self.teams:
                return 200, self._auth_test(self.teams[token]), {}
            queued = self.failures.get(method) or []
            for n, (status, error, headers, channel) in enumerate(queued):
                if channel is None or channel == args.get("channel"):
                    del queued[n]
                    return status, {"ok": False, "error": error}, headers
            wait = self._paced(method, args)
            if wait is not None:
                self.rate_limited += 1
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)}
            if str(args.get("channel")) in self.closed and method in CHANNEL_METHODS:
                return 200, {"ok": False, "error": "channel_not_found"}, {}
            problem = self._validate(method, args)
            if problem:
                self.problems.append(f"{method}: {problem}")
                return 200, {"ok": False, "error": "invalid_blocks", "detail": problem}, {}
            answer = self._ok(method, args)
            lost = self.lose_answers.get(method, 0)
            if lost:  # done, but the answer never arrives: as after a time-out
                self.lose_answers[method] = lost - 1
                return 500, {"ok": False, "error": "fatal_error"}, {}
        if self.before_answer is not None:
            self.before_answer(method, args)
        return 200, answer, {}

    def _paced(self, method: str, args: dict[str, Any]) -> int | None:
        """With ``pace``: None when a post to the channel may go now (it is then counted),
        else the whole seconds to wait."""
        if self.pace is None or method != "chat.postMessage":
            return None
        channel, now = str(args.get("channel")), time.monotonic()
        last = self._last_post.get(channel)
        if last is not None and now - last < self.pace:
            return math.ceil(self.pace - (now - last))
        self._last_post[channel] = now
        return None

    def _validate(self, method: str, args: dict[str, Any]) -> str | None:
        try:
            if "view" in args:
                check_view(args["view"])
            elif "blocks" in args:
                check_blocks(args["blocks"], "message")
        except BlockProblem as exc:
            return str(exc)
        return None

    def _ok(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return self._auth_test(TEAM)
        if method == "chat.postMessage":
            channel = str(args.get("channel"))
            if channel in self.not_in:
                return {"ok": False, "error": "not_in_channel"}
            self._ts = max(time.time(), self._ts + 0.000001)  # like Slack: unique, in time
            ts = f"{self._ts:.6f}"
            message = {"type": "message", "ts": ts, "text": args.get("text", ""), "bot_id": "B0BOT"}
            if args.get("thread_ts"):
                message["thread_ts"] = args["thread_ts"]
            if args.get("metadata"):
                metadata = args["metadata"]
                message["metadata"] = (
                    json.loads(metadata) if isinstance(metadata, str) else metadata
                )
            self.history.setdefault(channel, []).append(message)
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method in ("conversations.history", "conversations.replies"):
            channel = str(args.get("channel"))
            oldest = float(args.get("oldest") or 0)
            metadata = str(args.get("include_all_metadata")).lower() in ("1", "true")
            thread = args.get("ts") if method == "conversations.replies" else None
            found = [
                {k: v for k, v in m.items() if k != "metadata" or metadata}
                for m in reversed(self.history.get(channel, []))
                if float(m["ts"]) >= oldest and m.get("thread_ts") == thread
            ]
            return {"ok": True, "messages": found, "has_more": False}
        if method == "conversations.members":
            everyone = [BOT_USER, *self.members.get(str(args.get("channel")), [])]
            start = int(args.get("cursor") or 0)
            end = start + int(args.get("limit") or 100)
            following = str(end) if end < len(everyone) else ""
            return {
                "ok": True,
                "members": everyone[start:end],
                "response_metadata": {"next_cursor": following},
            }
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{time.time():.6f}"}
        if method.startswith("views."):
            return {"ok": True, "view": {"id": "V0VIEW", **args.get("view", {})}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args.get("users", "")).lstrip("U")}}
        if method == "conversations.join":
            self.not_in.discard(str(args.get("channel")))
            return {"ok": True, "channel": {"id": args.get("channel")}}
        if method == "users.info":
            user = str(args.get("user"))
            profile = {"display_name": self.names.get(user, ""), "real_name": ""}
            found: dict[str, Any] = {
                "id": user,
                "locale": self.locales.get(user, "en-US"),
                "profile": profile,
                "deleted": user in self.deactivated,
            }
            return {"ok": True, "user": found}
        if method.startswith("/respond/"):
            return {"ok": True}
        return {"ok": False, "error": "unknown_method"}

    def _auth_test(self, team: str) -> dict[str, Any]:
        return {
            "ok": True,
            "user_id": BOT_USER,
            "bot_id": "B0BOT",
            "team_id": team,
            "team": "Test team",
            "url": "https://test.slack.com/",
        }

    def _oauth_access(self, args: dict[str, Any], authorization: str) -> dict[str, Any]:
        """Like Slack: the app's credentials (HTTP Basic or form fields) and a code that
        is valid once."""
        if authorization.startswith("Basic "):
            pair = base64.b64decode(authorization.removeprefix("Basic ")).decode()
            client_id, _, client_secret = pair.partition(":")
        else:
            client_id, client_secret = args.get("client_id", ""), args.get("client_secret", "")
        if self.client_credentials and (client_id, client_secret) != self.client_credentials:
            return {"ok": False, "error": "invalid_client_id"}
        grant = self.grants.pop(str(args.get("code")), None)
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        return grant

    # ------------------------------------------------------------------ reading

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self, predicate: Callable[[], Any], *, timeout: float = 15.0, what: str = ""
    ) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = predicate()
            if found:
                return found
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what or predicate}: {self.summary()}")

    def summary(self) -> str:
        with self._lock:
            return ", ".join(c.method for c in self.calls[-30:])


CHANNEL_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.update",
        "conversations.members",
        "conversations.join",
        "conversations.history",
        "conversations.replies",
    }
)
"""What Slack answers with ``channel_not_found`` for a private channel the bot is not in."""


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


class SlackSender:
    """Sends requests to our server the way Slack does: signed with the signing secret."""

    def __init__(self, base_url: str, secret: str) -> None:
        self.url = base_url.rstrip("/") + "/slack/events"
        self.secret = secret

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        base = b"v0:" + stamp.encode() + b":" + body
        digest = hmac.new(self.secret.encode(), base, hashlib.sha256).hexdigest()
        request = urllib.request.Request(self.url, data=body, method="POST")
        request.add_header("Content-Type", content_type)
        request.add_header("X-Slack-Request-Timestamp", stamp)
        request.add_header("X-Slack-Signature", signature or f"v0={digest}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def form(self, fields: dict[str, str], **kw: Any) -> tuple[int, bytes]:
        body = urllib.parse.urlencode(fields).encode()
        return self.post(body, "application/x-www-form-urlencoded", **kw)

    def payload(self, payload: dict[str, Any], **kw: Any) -> tuple[int, bytes]:
        return self.form({"payload": json.dumps(payload)}, **kw)

    def event(self, envelope: dict[str, Any], **kw: Any) -> tuple[int, bytes]:
        return self.post(json.dumps(envelope).encode(), "application/json", **kw)
