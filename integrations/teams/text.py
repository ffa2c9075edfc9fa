"""Teams message text, decoded once on input (PLATFORMS.md: "Teams text is HTML").

Teams sends a message as HTML: ``<p>``, ``<br>``, ``<at>Name</at>`` for each mention,
entities (``&amp;``, ``&#39;``, ``&nbsp;``), and what people typed as ``<`` or ``>`` may
arrive raw (``x<5 and y>3``). It is read with the standard library's HTML parser; only
the elements Teams itself writes (``MARKUP``) are markup, any other tag the parser finds
(``x<y>z``) is the person's own text and is kept as typed. The bot's own mention is
dropped (it only addresses the bot); a colleague's keeps the name as written. Paragraphs
and line breaks become new lines; other runs of white space one space; a text with
nothing visible in it is empty.
"""

from __future__ import annotations

from html.parser import HTMLParser

MARKUP = frozenset(
    [
        "a",
        "at",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "div",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    ]
)
BREAKS = frozenset(["blockquote", "br", "div", "hr", "li", "ol", "p", "pre", "tr", "ul"])


def decode(text: str, *, bot_names: frozenset[str] = frozenset()) -> str:
    """``text`` (Teams HTML) as the person read it; ``<at>`` mentions whose text is in
    ``bot_names`` (the bot's own, as the mention entities name it) are dropped."""
    reader = _Reader(bot_names)
    reader.feed(text)
    reader.close()
    lines = "".join(reader.pieces).replace("\xa0", " ").split("\n")
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


class _Reader(HTMLParser):
    def __init__(self, bot_names: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.bot_names = bot_names
        self.pieces: list[str] = []
        self._mention: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in MARKUP:
            self.handle_data(self.get_starttag_text() or "")
        elif tag == "at":
            self._mention = []
        elif tag in BREAKS:
            self.pieces.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in MARKUP:
            self.handle_data(f"</{tag}>")
        elif tag == "at" and self._mention is not None:
            said, self._mention = "".join(self._mention), None
            if said.strip() not in self.bot_names:
                self.pieces.append(said)
        elif tag in BREAKS:
            self.pieces.append("\n")

    def handle_data(self, data: str) -> None:
        (self._mention if self._mention is not None else self.pieces).append(data)
