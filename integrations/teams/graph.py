"""Microsoft Graph, as far as the Teams adapter needs it: a channel's recent messages, and
(``outlook.py``) people's calendars and To Do lists.

Reading messages needs the app's resource-specific permission ``ChannelMessage.Read.Group``
(in the app package's manifest), granted when a team adds the app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import requests

from integrations.http_headers import retry_after

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
PAGE = 50
MAX_PAGES = 4


class GraphError(Exception):
    def __init__(self, status: int, body: str, retry_after: float | None = None) -> None:
        super().__init__(f"Microsoft Graph answered {status}: {body[:300]}")
        self.status = status
        self.retry_after = retry_after
        self.rate_limited = status == 429
        """Graph throttles: the delivery's conversation waits ``retry_after``, no attempt."""


class Graph:
    """``token(tenant)`` gives an app token for Graph in that tenant."""

    def __init__(
        self,
        base_url: str,
        token: Callable[[str], str],
        *,
        session: requests.Session | None = None,
    ) -> None:
        self._base = base_url.rstrip("/") + "/v1.0"
        self._token = token
        self._session = session or requests.Session()

    def call(
        self, tenant: str, method: str, path: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """One request to ``/v1.0{path}`` with an app token for ``tenant``; the answer's
        JSON ({} when it has none). ``GraphError`` for any answer that is not a success."""
        response = self._session.request(
            method,
            self._base + path,
            json=body,
            headers={"Authorization": f"Bearer {self._token(tenant)}"},
            timeout=15,
        )
        if response.status_code >= 300:
            raise GraphError(
                response.status_code,
                response.text,
                retry_after(response.headers.get("Retry-After")),
            )
        if not response.content:
            return {}
        found = response.json()
        return found if isinstance(found, dict) else {}

    def channel_messages(
        self,
        tenant: str,
        team: str,
        channel: str,
        *,
        since: datetime,
        replies_to: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """The channel's root messages (or the replies to ``replies_to``) created at or after
        ``since``. Graph lists them by last change, newest first: the scan stops at the first
        one unchanged since then."""
        url: str | None = (
            f"{self._base}/teams/{quote(team, safe='')}/channels/{quote(channel, safe='')}"
            "/messages"
            + (f"/{quote(replies_to, safe='')}/replies" if replies_to else "")
            + f"?$top={PAGE}"
        )
        for _ in range(MAX_PAGES):
            if url is None:
                return
            response = self._session.get(
                url, headers={"Authorization": f"Bearer {self._token(tenant)}"}, timeout=15
            )
            if response.status_code >= 300:
                raise GraphError(
                    response.status_code,
                    response.text,
                    retry_after(response.headers.get("Retry-After")),
                )
            page = response.json()
            for message in page.get("value", []):
                if _moment(message.get("lastModifiedDateTime")) < since:
                    return
                if _moment(message.get("createdDateTime")) >= since:
                    yield message
            url = page.get("@odata.nextLink")


def _moment(value: object) -> datetime:
    try:
        found = datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        found = None
    if found is None or found.tzinfo is None:
        return datetime.max.replace(tzinfo=UTC)
    return found
