"""A card too long for one message, in pages that each fit: the platforms refuse a message
over their limit for good (Slack: 50 blocks; the Bot Connector: activities over roughly
28–40 KB with 413 ``MessageSizeTooBig``, PLATFORMS.md), so a long reveal or report is
posted as several messages in order, never refused whole.

One budget serves both platforms: ``PAGE_CHARS`` characters of text, at three bytes each
in UTF-8 at worst plus the card's markup, stays under 28 KB; ``PAGE_BLOCKS`` blocks stay
under Slack's 50 even when long texts become several sections (3,000 characters each)
and fields and buttons go in rows. Pages are cut between blocks, never inside one: the
domain keeps every single text to ``MAX_LONG_TEXT`` (2,800) characters.
"""

from __future__ import annotations

from core.views.vocabulary import (
    Block,
    Buttons,
    Card,
    ContextLine,
    Field,
    Fields,
    Heading,
    Link,
    Mention,
    Moment,
    Span,
    Text,
)

PAGE_CHARS = 8000
PAGE_BLOCKS = 30
MENTION_CHARS = 40
"""What a mention or a moment costs once rendered (``<@U…>``, a date token)."""
BLOCK_CHARS = 100
"""What any other block costs (buttons, inputs, a divider): their texts are short."""


def pages(card: Card) -> list[Card]:
    """``card`` as one page or more, in order; a card that fits is returned as is. A page
    after the first repeats the card's heading with its number, e.g. ``Revealed (2/3)``."""
    if _fits(card.blocks):
        return [card]
    heading = card.blocks[0] if isinstance(card.blocks[0], Heading) else None
    body = card.blocks[1:] if heading is not None else card.blocks
    cut: list[list[Block]] = [[]]
    for block in body:
        if cut[-1] and not _fits((*cut[-1], block), reserve=heading):
            cut.append([])
        cut[-1].append(block)
    total = len(cut)
    found: list[Card] = []
    for number, blocks in enumerate(cut, start=1):
        if heading is not None:
            title = heading.text if number == 1 else f"{heading.text} ({number}/{total})"
            blocks = [Heading(title), *blocks]
        summary = card.summary if number == 1 else f"{card.summary} ({number}/{total})"
        found.append(Card(blocks=tuple(blocks), summary=summary))
    return found


def _fits(blocks: tuple[Block, ...], reserve: Heading | None = None) -> bool:
    extra = (len(reserve.text) + 8, 1) if reserve is not None else (0, 0)
    chars = sum(_chars(block) for block in blocks) + extra[0]
    return chars <= PAGE_CHARS and len(blocks) + extra[1] <= PAGE_BLOCKS


def _chars(block: Block) -> int:
    if isinstance(block, Heading):
        return len(block.text)
    if isinstance(block, Text | ContextLine):
        return _span_chars(block.parts)
    if isinstance(block, Fields):
        return sum(_field_chars(field) for field in block.items)
    if isinstance(block, Buttons):
        return sum(len(b.label) + len(b.value) for b in block.items)
    return BLOCK_CHARS


def _field_chars(field: Field) -> int:
    return len(field.label) + _span_chars(field.value)


def _span_chars(parts: tuple[Span, ...]) -> int:
    return sum(
        MENTION_CHARS
        if isinstance(part, Mention | Moment)
        else len(part.text) + (len(part.url) if isinstance(part, Link) else 0)
        for part in parts
    )
