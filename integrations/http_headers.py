"""Reading what a platform's HTTP answer says in its headers."""

from __future__ import annotations

import re

MAX_RETRY_AFTER = 3600.0
_SECONDS = re.compile(r"[0-9]{1,10}(\.[0-9]{1,6})?")


def retry_after(value: str | None, *, limit: float = MAX_RETRY_AFTER) -> float | None:
    """The seconds a ``Retry-After`` header asks us to wait (``7``, or ``1.5`` as some
    services send), at most ``limit``; None when it names no delay. Only ASCII digits
    count: ``"²".isdigit()`` is true but ``float("²")`` raises; ``"inf"`` is no delay."""
    text = (value or "").strip()
    if not _SECONDS.fullmatch(text):
        return None
    return min(float(text), limit)
