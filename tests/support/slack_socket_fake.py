"""A local fake of Slack's Socket Mode WebSocket server: a minimal RFC 6455 server over
socketserver on 127.0.0.1, port 0. It greets each client with ``hello``, pushes the
envelopes a test gives it, answers pings, and records every message the client sends
(the acks)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import socketserver
import struct
import threading
import time
from typing import Any

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


class _Peer:
    """One connected client: frames out (unmasked, as a server sends them)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.lock = threading.Lock()

    def send(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        size = len(payload)
        if size < 126:
            header += bytes([size])
        elif size < 1 << 16:
            header += bytes([126]) + struct.pack("!H", size)
        else:
            header += bytes([127]) + struct.pack("!Q", size)
        with self.lock:
            self.sock.sendall(header + payload)

    def send_json(self, message: dict[str, Any]) -> None:
        self.send(TEXT, json.dumps(message).encode("utf-8"))


def _exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("client went away")
        data += chunk
    return data


def read_frame(sock: socket.socket) -> tuple[int, bytes]:
    """One client frame (clients must mask theirs: RFC 6455 section 5.3)."""
    first, second = _exactly(sock, 2)
    opcode, masked, size = first & 0x0F, second & 0x80, second & 0x7F
    if size == 126:
        size = struct.unpack("!H", _exactly(sock, 2))[0]
    elif size == 127:
        size = struct.unpack("!Q", _exactly(sock, 8))[0]
    if not masked:
        raise ConnectionError("an unmasked frame from the client")
    mask = _exactly(sock, 4)
    data = _exactly(sock, size)
    return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(data))


class FakeSocketSlack:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.handshakes: list[str] = []
        self.peers: list[_Peer] = []
        self.pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock: socket.socket = self.request
                sock.settimeout(30)
                request = b""
                while b"\r\n\r\n" not in request and len(request) < 16384:
                    chunk = sock.recv(4096)
                    if not chunk:
                        return
                    request += chunk
                lines = request.decode("latin-1").split("\r\n")
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                key = headers.get("sec-websocket-key", "")
                if headers.get("upgrade", "").lower() != "websocket" or not key:
                    sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                    return
                accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
                sock.sendall(
                    (
                        "HTTP/1.1 101 Switching Protocols\r\n"
                        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                        f"Sec-WebSocket-Accept: {accept}\r\n\r\n"
                    ).encode()
                )
                peer = _Peer(sock)
                fake.handshakes.append(lines[0])
                peer.send_json(
                    {
                        "type": "hello",
                        "num_connections": 1,
                        "debug_info": {"host": "fake", "approximate_connection_time": 3600},
                        "connection_info": {"app_id": "A0APP00001"},
                    }
                )
                with fake._lock:
                    fake.peers.append(peer)
                    pending, fake.pending = fake.pending, []
                for envelope in pending:
                    peer.send_json(envelope)
                fake._serve(peer)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        # A short poll: stop() waits for the loop to notice, by default up to half a second.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link/?ticket=fake-ticket&app_id=A0APP00001"

    def start(self) -> FakeSocketSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            peers = list(self.peers)
        for peer in peers:
            with contextlib.suppress(OSError):
                peer.sock.close()
        self.server.shutdown()
        self.server.server_close()

    def _serve(self, peer: _Peer) -> None:
        try:
            while True:
                opcode, payload = read_frame(peer.sock)
                if opcode == TEXT:
                    with self._lock:
                        self.received.append(json.loads(payload.decode("utf-8")))
                elif opcode == PING:
                    peer.send(PONG, payload)
                elif opcode == CLOSE:
                    peer.send(CLOSE, payload[:2])
                    return
        except (ConnectionError, OSError, TimeoutError):
            return
        finally:
            with self._lock:
                if peer in self.peers:
                    self.peers.remove(peer)

    def send(self, envelope: dict[str, Any]) -> None:
        """Push an envelope to the connected client (or to the next one to connect)."""
        with self._lock:
            peers = list(self.peers)
            if not peers:
                self.pending.append(envelope)
        for peer in peers:
            peer.send_json(envelope)

    def wait_for_ack(self, envelope_id: str, timeout: float = 15.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for message in self.received:
                    if message.get("envelope_id") == envelope_id:
                        return message
            time.sleep(0.05)
        raise AssertionError(f"no ack for {envelope_id}: received {self.received}")

    def wait_connected(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.peers:
                    return
            time.sleep(0.05)
        raise AssertionError("the Socket Mode client never connected")
