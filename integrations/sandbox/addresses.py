"""Which addresses the sandbox answers at: its defence against DNS rebinding.

A page on another domain whose name is made to resolve to 127.0.0.1 runs in the browser
as that domain, yet reaches our loopback port: the request's ``Host`` is the attacker's
name. So the sandbox answers only a ``Host`` that is a loopback name or address with the
port it is served on, or one of the addresses configured in ``SANDBOX_ORIGINS``; and a
browser's ``Origin`` is compared with that same fixed list, never with the request's own
``Host`` (both of which the attacker's page chooses)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (``127.0.0.0/8``, ``::1``), brackets allowed."""
    name = host.strip().lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Origin:
    """``scheme://host:port`` with the host in lower case (IPv6 without brackets)."""

    scheme: str
    host: str
    port: int

    @classmethod
    def parse(cls, value: str) -> Origin | None:
        """An origin as browsers send it (``Origin: http://localhost:3978``); None for
        anything else (``null``, a path, a user name, an unknown scheme)."""
        try:
            parts = urlsplit(value.strip())
            port = parts.port
        except ValueError:
            return None
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS or not parts.hostname or parts.username is not None:
            return None
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            return None
        return cls(scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme])

    def answers(self, host: str, port: int | None) -> bool:
        """Whether a request with ``Host: host[:port]`` is addressed to this origin (a
        browser leaves out the scheme's default port)."""
        return host == self.host and (port or DEFAULT_PORTS[self.scheme]) == self.port


def split_host(value: str) -> tuple[str, int | None] | None:
    """``Host`` header -> (lower-case host without brackets, port or None); None when it
    is empty or malformed."""
    if not value or any(c in value for c in "/@?#\\ \t"):
        return None
    try:
        parts = urlsplit("//" + value.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.hostname.lower(), port


@dataclass(frozen=True)
class Addresses:
    """Where the sandbox may be reached: loopback on the port it is served on (known per
    request, as the server reports it: ``PORT=0`` picks one), and the configured origins."""

    configured: tuple[Origin, ...] = ()

    @classmethod
    def of(cls, origins: Iterable[str]) -> Addresses:
        parsed = [Origin.parse(value) for value in origins]
        return cls(tuple(origin for origin in parsed if origin is not None))

    def host_ok(self, host_header: str, served_port: int) -> bool:
        found = split_host(host_header)
        if found is None:
            return False
        host, port = found
        if is_loopback(host) and (port or DEFAULT_PORTS["http"]) == served_port:
            return True
        return any(origin.answers(host, port) for origin in self.configured)

    def origin_ok(self, value: str, served_port: int) -> bool:
        origin = Origin.parse(value)
        if origin is None:
            return False
        if origin.scheme == "http" and is_loopback(origin.host):
            return origin.port == served_port
        return origin in self.configured

    def home(self, served_port: int) -> str:
        """The address to tell someone who came by another name."""
        if self.configured:
            first = self.configured[0]
            host = f"[{first.host}]" if ":" in first.host else first.host
            default = DEFAULT_PORTS[first.scheme] == first.port
            return f"{first.scheme}://{host}{'' if default else f':{first.port}'}/"
        return f"http://127.0.0.1:{served_port}/"
