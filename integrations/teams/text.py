"""Teams message text, decoded once on input (PLATFORMS.md: "Teams text is HTML").

Teams sends a message as HTML: ``<p>``, ``<br>``, ``<at>Name</at>`` for each mention,
entities (``&amp;``, ``&#39;``, ``&nbsp;``), and what people typed as ``<`` or ``>`` may
arrive raw (``x<5 and y>3``). Only the markup Teams itself writes is read as markup
(``MARKUP_TAGS``); any other angle bracket is the person's own text. The bot's own
mention is dropped (it only addresses the bot); a colleague's keeps the name as typed.
Paragraphs and line breaks become new lines; other runs of white space one space.
"""

from __future__ import annotations

import html
import re

MARKUP_TAGS = (
    "a|at|b|blockquote|br|code|del|div|em|h[1-6]|hr|i|img|li|ol|p|pre|s|span|strike|strong|"
    "sub|sup|table|tbody|td|th|thead|tr|u|ul"
)
_TAG = re.compile(rf"<(/?)({MARKUP_TAGS})(\s[^<>]*)?/?>", re.IGNORECASE)
_BREAKS = {"p", "br", "div", "li", "tr", "blockquote", "pre", "hr", "ol", "ul"}


def decode(text: str, *, bot_names: frozenset[str] = frozenset()) -> str:
    """``text`` (Teams HTML) as the person read it; ``<at>`` mentions whose text is in
    ``bot_names`` (the bot's own, as the mention entities name it) are dropped."""
    pieces: list[str] = []
    position = 0
    mention: list[str] | None = None
    for tag in _TAG.finditer(text):
        before = text[position : tag.start()]
        position = tag.end()
        (mention if mention is not None else pieces).append(before)
        closing, name = tag.group(1) == "/", tag.group(2).lower()
        if name == "at":
            if not closing:
                mention = []
                continue
            said = html.unescape("".join(mention or []))
            mention = None
            if said.strip() not in bot_names:
                pieces.append(html.escape(said, quote=False))
            continue
        if name in _BREAKS:
            pieces.append("\n")
    pieces.append(text[position:])
    lines = html.unescape("".join(pieces)).replace("\xa0", " ").split("\n")
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())
