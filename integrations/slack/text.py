"""Slack's message text, decoded once on input (PLATFORMS.md: "Decode once on input to
plain text plus mentions; escape once on output").

Slack sends what people typed HTML-escaped (``&amp;``, ``&lt;``, ``&gt;``: only these
three) with its own markup in angle brackets: ``<@U02>`` a person, ``<#C01|name>`` a
channel, ``<!here>`` a broadcast, ``<https://example.org|label>`` a link,
``<!date^…|fallback>`` a date. What a person reads in Slack is what we store: ``@Name``,
``#name``, ``@here``, the link's label with its address, the date's fallback text; and
on output every text is escaped again, so that none of it mentions or broadcasts.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_MARKUP = re.compile(r"<([^<>]*)>")


def decode(text: str, name_of: Callable[[str], str | None] = lambda _: None) -> str:
    """``text`` as the person read it in Slack; ``name_of`` gives a person's display name
    for a ``<@U…>`` without a label (None: the user id is shown)."""

    def plain(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "@" + (label or name_of(target[1:]) or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            command = target[1:].split("^", 1)[0]
            if label:
                return label
            return "@" + command if command in ("here", "channel", "everyone") else ""
        if label:
            return label if _same(label, target) else f"{label} ({_unescape(target)})"
        return target.removeprefix("mailto:")

    return _unescape(_MARKUP.sub(plain, text))


def _same(label: str, target: str) -> bool:
    bare = re.sub(r"^(https?://|mailto:)", "", target).rstrip("/")
    return label.rstrip("/") in (target, bare)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
