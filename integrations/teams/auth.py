"""Inbound authentication: the Bot Framework's signed JWT on every activity.

Keys come from the ``jwks_uri`` of the OpenID metadata, cached and fetched again when a
token names a key we do not know (the Bot Framework rolls its keys).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import jwt
import requests

ISSUER = "https://api.botframework.com"
LEEWAY_SECONDS = 300
KEYS_MAX_AGE_SECONDS = 24 * 3600
REFETCH_PAUSE_SECONDS = 30


class Unauthorized(Exception):
    """The activity is not from the Bot Framework for this bot: answer 401, store nothing."""


@dataclass(frozen=True)
class _Key:
    key: Any
    endorsements: tuple[str, ...] | None


class KeySet:
    """The signing keys published under the OpenID metadata, cached by ``kid``."""

    def __init__(self, metadata_url: str, session: requests.Session | None = None) -> None:
        self._metadata_url = metadata_url
        self._session = session or requests.Session()
        self._keys: dict[str, _Key] = {}
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def get(self, kid: str) -> _Key:
        with self._lock:
            stale = time.monotonic() - self._fetched_at > KEYS_MAX_AGE_SECONDS
            unknown = kid not in self._keys
            may_refetch = time.monotonic() - self._fetched_at > REFETCH_PAUSE_SECONDS
            if stale or (unknown and (may_refetch or not self._keys)):
                self._keys = self._fetch()
                self._fetched_at = time.monotonic()
            found = self._keys.get(kid)
        if found is None:
            raise Unauthorized(f"unknown signing key {kid!r}")
        return found

    def _fetch(self) -> dict[str, _Key]:
        metadata = self._session.get(self._metadata_url, timeout=10)
        metadata.raise_for_status()
        jwks = self._session.get(str(metadata.json()["jwks_uri"]), timeout=10)
        jwks.raise_for_status()
        keys: dict[str, _Key] = {}
        for data in jwks.json().get("keys", []):
            if "kid" not in data or data.get("kty") != "RSA":
                continue
            endorsements = data.get("endorsements")
            keys[str(data["kid"])] = _Key(
                key=jwt.PyJWK.from_dict(data, algorithm="RS256").key,
                endorsements=tuple(endorsements) if isinstance(endorsements, list) else None,
            )
        return keys


class TokenValidator:
    def __init__(self, *, app_id: str, keys: KeySet) -> None:
        self._app_id = app_id
        self._keys = keys

    def validate(
        self, authorization: str | None, *, service_url: str, channel_id: str
    ) -> dict[str, Any]:
        """The token's claims, or ``Unauthorized`` for anything not quite right."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("no bearer token")
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != "RS256":
                raise Unauthorized("not RS256")
            key = self._keys.get(str(header.get("kid", "")))
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self._app_id,
                issuer=ISSUER,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(str(exc)) from exc
        except requests.RequestException as exc:
            raise Unauthorized(f"signing keys unavailable: {exc}") from exc
        if key.endorsements is not None and channel_id not in key.endorsements:
            raise Unauthorized(f"key not endorsed for {channel_id!r}")
        claimed = _same_url(claims.get("serviceurl"))
        if not claimed or claimed != _same_url(service_url):
            raise Unauthorized("serviceurl claim does not match the activity")
        return claims


def _same_url(value: object) -> str:
    return str(value or "").rstrip("/").lower()
