"""Local stand-ins for Microsoft's servers, speaking their real HTTP protocols on 127.0.0.1:

- ``BotFrameworkKeys``: OpenID metadata + JWKS with a test RSA key (endorsed for msteams),
  and tokens signed with it, as the Bot Framework signs the activities it sends us;
- ``TokenService``: the Entra ID authority msal talks to (https, self-signed certificate);
- ``FakeConnector``: the Bot Connector REST API at an activity's ``serviceUrl``, recording
  every call and answering with ids.

Each server answers from a ``Stand``'s current state. ``microsoft_stand_ins`` starts the
three once per session (an RSA key and a TLS certificate take a while to make); a test calls
``fresh()`` for new state objects, so what one test records or changes never reaches the
next.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, unquote

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

ISSUER = "https://api.botframework.com"


State = TypeVar("State")


class Stand(Generic[State]):
    """A fake server's current state: what it answers from and records into."""

    def __init__(self, make: Callable[[], State]) -> None:
        self._make = make
        self.state = make()

    def fresh(self) -> State:
        """Replace the state with a new one, as the server was when it started."""
        self.state = self._make()
        return self.state


class _Server(ThreadingHTTPServer):
    daemon_threads = True


@contextmanager
def serving(
    handler: type[BaseHTTPRequestHandler], context: ssl.SSLContext | None = None
) -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), handler)
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _reply(
    handler: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str] | None = None
) -> None:
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(data)


def _read(handler: BaseHTTPRequestHandler) -> bytes:
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


# ------------------------------------------------------------------ Bot Framework keys


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class BotFrameworkKeys:
    def __init__(self, base: str, app_id: str, key: rsa.RSAPrivateKey) -> None:
        self.base = base
        self.app_id = app_id
        self.key = key
        self.kid = "test-key-1"
        self.endorsements = ["msteams"]
        self.jwks_fetches = 0

    @property
    def metadata_url(self) -> str:
        return f"{self.base}/v1/.well-known/openidconfiguration"

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(
            {"kid": self.kid, "use": "sig", "alg": "RS256", "endorsements": self.endorsements}
        )
        return {"keys": [jwk]}

    def token(
        self,
        service_url: str,
        *,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        **claims: Any,
    ) -> str:
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": self.app_id,
            "serviceurl": service_url,
            "nbf": now - 10,
            "iat": now - 10,
            "exp": now + 3600,
            **claims,
        }
        return jwt.encode(
            payload, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid}
        )


@contextmanager
def bot_framework_keys(app_id: str) -> Iterator[Stand[BotFrameworkKeys]]:
    key = new_rsa_key()
    holder: list[Stand[BotFrameworkKeys]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            keys = holder[0].state
            if self.path == "/v1/.well-known/openidconfiguration":
                _reply(
                    self,
                    200,
                    {
                        "issuer": ISSUER,
                        "jwks_uri": f"{keys.base}/v1/keys",
                        "id_token_signing_alg_values_supported": ["RS256"],
                    },
                )
            elif self.path == "/v1/keys":
                keys.jwks_fetches += 1
                _reply(self, 200, keys.jwks())
            else:
                _reply(self, 404, {})

    with serving(Handler) as server:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        holder.append(Stand(lambda: BotFrameworkKeys(base, app_id, key)))
        yield holder[0]


# ------------------------------------------------------------------ Entra ID (msal)


@dataclass
class TokenService:
    base: str
    ca_file: Path
    token_requests: list[dict[str, str]] = field(default_factory=list)
    access_token: str = "test-bot-token"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost; its file is also the CA bundle."""
    key = new_rsa_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "authority.pem", folder / "authority.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@contextmanager
def token_service(folder: Path) -> Iterator[Stand[TokenService]]:
    """Serves ``/{tenant}/v2.0/.well-known/openid-configuration`` and the token endpoint."""
    cert_file, key_file = self_signed(folder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    holder: list[Stand[TokenService]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            service = holder[0].state
            parts = self.path.split("?")[0].strip("/").split("/")
            if parts[1:] == ["v2.0", ".well-known", "openid-configuration"]:
                tenant = parts[0]
                _reply(
                    self,
                    200,
                    {
                        "issuer": f"{service.base}/{tenant}/v2.0",
                        "authorization_endpoint": f"{service.base}/{tenant}/oauth2/v2.0/authorize",
                        "token_endpoint": f"{service.base}/{tenant}/oauth2/v2.0/token",
                    },
                )
            else:
                _reply(self, 404, {"error": "not_found"})

        def do_POST(self) -> None:
            service = holder[0].state
            form = dict(parse_qsl(_read(self).decode()))
            if self.path.split("?")[0].endswith("/oauth2/v2.0/token"):
                service.token_requests.append(form)
                _reply(
                    self,
                    200,
                    {
                        "token_type": "Bearer",
                        "expires_in": 3600,
                        "ext_expires_in": 3600,
                        "access_token": service.access_token,
                    },
                )
            else:
                _reply(self, 404, {"error": "not_found"})

    with serving(Handler, context) as server:
        base = f"https://127.0.0.1:{server.server_address[1]}"
        holder.append(Stand(lambda: TokenService(base, cert_file)))
        yield holder[0]


# ------------------------------------------------------------------ Bot Connector


@dataclass
class Call:
    method: str
    path: str
    body: Any
    authorization: str | None


@dataclass
class FakeConnector:
    base: str
    calls: list[Call] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    fail_next: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    """Statuses (with headers) to answer the next calls with, e.g. (429, Retry-After)."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 0
    aad_group_id: str = "0f1e2d3c-0000-4000-8000-00000000a9d0"
    """The team's id in Microsoft Graph (``GET /v3/teams/{id}`` -> ``aadGroupId``)."""
    channel_messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Graph's view of each channel: its root messages, as chatMessage resources."""
    lose_answers: int = 0
    """How many of the next posts are carried out but answered with a 502 (a time-out)."""
    before_answer: Callable[[str, str, Any], None] | None = None
    """Called with (method, path, body) of each call before it is answered: fault injection."""
    max_activity_bytes: int = 28_000
    """An activity posted or updated over this size is refused with 413
    ``MessageSizeTooBig``, as the Bot Connector does (PLATFORMS.md: roughly 28–40 KB)."""

    def next_id(self, prefix: str) -> str:
        with self.lock:
            self.counter += 1
            return f"{prefix}{self.counter}"

    def sent(self, method: str | None = None) -> list[Call]:
        return [c for c in self.calls if method is None or c.method == method]

    def answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if method == "GET" and path.endswith("/members"):
            return 200, self.members
        if method == "POST" and path == "/v3/conversations":
            return 201, {"id": self.next_id("a:personal-")}
        if method == "GET" and path.startswith("/v3/teams/"):
            team = path.removeprefix("/v3/teams/")
            return 200, {"id": team, "name": "My Team", "aadGroupId": self.aad_group_id}
        if method == "GET" and path.startswith(f"/v1.0/teams/{self.aad_group_id}/channels/"):
            listed = path.split("?")[0].split("/channels/")[1]
            channel, _, replies = listed.partition("/messages")
            if replies:  # /messages/{root}/replies
                channel = f"{channel}/{replies.strip('/').removesuffix('/replies')}"
            with self.lock:
                found = sorted(
                    self.channel_messages.get(channel, []),
                    key=lambda m: m["lastModifiedDateTime"],
                    reverse=True,
                )
            return 200, {"value": found}
        if "/activities" in path:
            activity_id = self.next_id("17000000000")
            self._graph_view(method, path, body, activity_id)
            return (201 if method == "POST" else 200), {"id": activity_id}
        return 404, {"error": {"code": "NotFound"}}

    def _graph_view(self, method: str, path: str, body: Any, activity_id: str) -> None:
        """What Graph then lists: a channel's root posts, and each root's replies (under
        ``<channel>/<root>``), with their cards as JSON text."""
        conversation = path.removeprefix("/v3/conversations/").split("/activities")[0]
        if not conversation.startswith("19:") or not isinstance(body, dict):
            return
        channel, _, root = conversation.partition(";messageid=")
        conversation = f"{channel}/{root}" if root else channel
        now = dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")
        attachments = [
            {"contentType": a.get("contentType"), "content": json.dumps(a.get("content"))}
            for a in body.get("attachments") or []
        ]
        with self.lock:
            messages = self.channel_messages.setdefault(conversation, [])
            if method == "PUT":
                ref = path.rsplit("/", 1)[1]
                for message in messages:
                    if message["id"] == ref:
                        message.update(lastModifiedDateTime=now, attachments=attachments)
                return
            messages.append(
                {
                    "id": activity_id,
                    "createdDateTime": now,
                    "lastModifiedDateTime": now,
                    "attachments": attachments,
                }
            )

    def cards(self) -> list[dict[str, Any]]:
        """Every Adaptive Card the bot sent or updated."""
        found = []
        for call in self.calls:
            if isinstance(call.body, dict):
                for item in call.body.get("attachments") or []:
                    found.append(item["content"])
        return found


@contextmanager
def fake_connector() -> Iterator[Stand[FakeConnector]]:
    holder: list[Stand[FakeConnector]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _handle(self) -> None:
            connector = holder[0].state
            raw = _read(self)
            path = unquote(self.path)
            with connector.lock:
                failure = connector.fail_next.pop(0) if connector.fail_next else None
            connector.calls.append(
                Call(
                    self.command,
                    path,
                    json.loads(raw) if raw else None,
                    self.headers.get("Authorization"),
                )
            )
            if failure is not None:
                _reply(self, failure[0], {"error": {"code": "Throttled"}}, failure[1])
                return
            too_big = len(raw) > connector.max_activity_bytes and "/activities" in path
            if too_big and self.command in ("POST", "PUT"):
                _reply(self, 413, {"error": {"code": "MessageSizeTooBig"}})
                return
            body = json.loads(raw) if raw else None
            status, answer = connector.answer(self.command, path, body)
            with connector.lock:
                lost = self.command == "POST" and "/activities" in path and connector.lose_answers
                if lost:
                    connector.lose_answers -= 1
            if lost:
                _reply(self, 502, {"error": {"code": "BadGateway"}})
                return
            if connector.before_answer is not None:
                connector.before_answer(self.command, path, body)
            _reply(self, status, answer)

        do_GET = do_POST = do_PUT = _handle

    with serving(Handler) as server:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        holder.append(Stand(lambda: FakeConnector(base)))
        yield holder[0]


# ------------------------------------------------------------------ all three


@dataclass
class MicrosoftStandIns:
    keys: Stand[BotFrameworkKeys]
    tokens: Stand[TokenService]
    connector: Stand[FakeConnector]

    def fresh(self) -> tuple[BotFrameworkKeys, TokenService, FakeConnector]:
        """New state in all three servers, for the next test."""
        return self.keys.fresh(), self.tokens.fresh(), self.connector.fresh()


@contextmanager
def microsoft_stand_ins(folder: Path, app_id: str) -> Iterator[MicrosoftStandIns]:
    """The three servers; ``folder`` receives the token service's certificate."""
    with ExitStack() as stack:
        yield MicrosoftStandIns(
            keys=stack.enter_context(bot_framework_keys(app_id)),
            tokens=stack.enter_context(token_service(folder)),
            connector=stack.enter_context(fake_connector()),
        )
