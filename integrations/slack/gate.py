"""What stands before Bolt at /slack/events: a request that is not signed with our signing
secret gets 401, a body that is not a well-formed Slack payload 400, both with a warning
that says why; only the rest reaches Bolt.

Bolt's WSGI adapter parses the body before its own signature check, and a body it cannot
parse (not UTF-8, not JSON, an object where text belongs) raises inside Bolt: a 500 and a
traceback. So the signature is checked here first, as Slack specifies it, then the body is
parsed as Bolt parses it and checked with ``inbound.check``.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from typing import Any

from slack_bolt import App as BoltApp
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

from integrations.slack import inbound
from integrations.wsgi import StartResponse, respond

log = logging.getLogger("intervision.slack")

MAX_BODY = 1024 * 1024
"""Slack's largest requests (a modal's view, 250 kB of blocks) fit well within this."""
MAX_TIMESTAMP_DIGITS = 12


class SlackGate(SlackRequestHandler):
    """Bolt's WSGI handler, with the signature and the body's shape checked first."""

    def __init__(self, app: BoltApp, *, signing_secret: str, path: str = "/slack/events") -> None:
        super().__init__(app, path)
        self.verifier = SignatureVerifier(signing_secret)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != self.path:
            return super().__call__(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            return _refuse(start_response, "413 Content Too Large", "no length, or over 1 MB")
        raw = environ["wsgi.input"].read(length) if length else b""
        refusal = self.refusal(raw, environ)
        if refusal is not None:
            status, reason = refusal
            return _refuse(start_response, status, reason)
        environ["wsgi.input"] = io.BytesIO(raw)
        environ["CONTENT_LENGTH"] = str(len(raw))
        return super().__call__(environ, start_response)

    def refusal(self, raw: bytes, environ: dict[str, Any]) -> tuple[str, str] | None:
        """(HTTP status, reason) for a request Bolt must not see; None when it may."""
        stamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or "")
        signature = str(environ.get("HTTP_X_SLACK_SIGNATURE") or "")
        if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= MAX_TIMESTAMP_DIGITS):
            return "401 Unauthorized", "no valid X-Slack-Request-Timestamp"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return "400 Bad Request", "the body is not UTF-8"
        if not self.verifier.is_valid(text, stamp, signature):
            return "401 Unauthorized", "the signature is not valid (or the request is old)"
        content_type = str(environ.get("CONTENT_TYPE") or "").split(";")[0].strip() or None
        try:
            inbound.check(parse_body(text, content_type))
        except (ValueError, RecursionError) as exc:
            return "400 Bad Request", f"not a Slack payload ({inbound.problem(exc)})"
        return None


def _refuse(start_response: StartResponse, status: str, reason: str) -> list[bytes]:
    log.warning("Slack: refused a request (%s): %s", status.split(" ")[0], reason)
    return respond(start_response, status, f"{status.split(' ', 1)[1].lower()}\n".encode())
