"""A card too long for one message is cut into pages between blocks, in order."""

from __future__ import annotations

from core.views.pages import PAGE_BLOCKS, PAGE_CHARS, pages
from core.views.vocabulary import Buttons, Card, Heading, Mention, Text, spans


def _texts(card: Card) -> list[str]:
    return [
        "".join(getattr(p, "text", "") for p in b.parts) for b in card.blocks if isinstance(b, Text)
    ]


def test_a_card_that_fits_is_one_page_and_the_same_card() -> None:
    card = Card(blocks=(Heading("Revealed"), Text(spans("short"))), summary="Revealed")
    assert pages(card) == [card]


def test_long_texts_are_cut_between_blocks_in_order_with_the_heading_numbered() -> None:
    texts = [f"{n}:" + "x" * 2700 for n in range(9)]
    card = Card(
        blocks=(Heading("Revealed"), *(Text(spans(Mention("U1"), ": ", t)) for t in texts)),
        summary="Revealed",
    )
    found = pages(card)
    assert len(found) > 1
    assert [t for page in found for t in _texts(page)] == [": " + t for t in texts]
    total = len(found)
    assert [p.blocks[0] for p in found] == [Heading("Revealed")] + [
        Heading(f"Revealed ({n}/{total})") for n in range(2, total + 1)
    ]
    assert [p.summary for p in found][1] == f"Revealed (2/{total})"
    for page in found:
        chars = sum(len(t) for t in _texts(page))
        assert chars <= PAGE_CHARS and len(page.blocks) <= PAGE_BLOCKS


def test_many_small_blocks_are_cut_by_count_and_a_card_without_heading_gets_none() -> None:
    card = Card(
        blocks=(*(Text(spans(f"line {n}")) for n in range(PAGE_BLOCKS * 2 + 1)), Buttons(())),
        summary="Lines",
    )
    found = pages(card)
    assert len(found) == 3
    assert all(len(p.blocks) <= PAGE_BLOCKS for p in found)
    assert not any(isinstance(b, Heading) for p in found for b in p.blocks)
    assert sum(len(p.blocks) for p in found) == len(card.blocks)


def test_a_single_block_over_the_budget_gets_a_page_of_its_own() -> None:
    big = Text(spans("y" * (PAGE_CHARS + 1)))
    card = Card(blocks=(Text(spans("a")), big, Text(spans("b"))), summary="S")
    assert [len(p.blocks) for p in pages(card)] == [1, 1, 1]
