"""The Block Kit renderer: escaping, limits, and every core screen valid for Slack."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from core.views.vocabulary import (
    Button,
    Buttons,
    Card,
    Field,
    Fields,
    Form,
    Heading,
    Mention,
    Moment,
    Option,
    Plain,
    Select,
    Strong,
    Text,
    TextInput,
    spans,
)
from integrations.slack.blocks import (
    BlockProblem,
    check_blocks,
    escape,
    message,
    modal,
    mrkdwn,
    render_blocks,
)

EVIL = "<!channel> <https://evil|click>"


def test_user_text_renders_inert() -> None:
    rendered = message(Card(blocks=(Text(spans(Strong(EVIL), " ", EVIL)),), summary=EVIL))
    text = rendered["blocks"][0]["text"]["text"]
    assert "<!channel>" not in text and "<https://" not in text
    assert "&lt;!channel&gt; &lt;https://evil|click&gt;" in text
    assert rendered["text"] == escape(EVIL)
    assert escape("a & <b>") == "a &amp; &lt;b&gt;"


def test_mentions_and_moments_become_slack_entities() -> None:
    at = datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    text = mrkdwn((Mention("U0ABC"), Plain(" at "), Moment(at)))
    assert text == (
        "<@U0ABC> at <!date^1772721000^{date_short_pretty} {time}|2026-03-05 14:30 UTC>"
    )
    assert mrkdwn((Mention("<!here>"),)) == "&lt;!here&gt;"


def test_long_texts_are_split_between_tokens_never_inside_an_escape() -> None:
    long = ("a&b<c " * 900) + "end"
    blocks = render_blocks((Text(spans(long, Mention("U0ABC"))),))
    assert len(blocks) > 1
    joined = "".join(b["text"]["text"] for b in blocks)
    assert joined == escape(long) + "<@U0ABC>"
    for block in blocks:
        assert len(block["text"]["text"]) <= 3000
        assert not block["text"]["text"].endswith("&")
    check_blocks(blocks, "message")


def test_headers_fields_and_buttons_respect_slack_limits() -> None:
    card = Card(
        blocks=(
            Heading("H" * 400),
            Fields(tuple(Field(f"f{i}", spans("x" * 2500)) for i in range(13))),
            Buttons(tuple(Button(f"b{i}", "L" * 100, str(i)) for i in range(30))),
        ),
        summary="s",
    )
    blocks = message(card)["blocks"]
    assert blocks[0]["text"]["type"] == "plain_text" and len(blocks[0]["text"]["text"]) == 150
    assert [len(b["fields"]) for b in blocks[1:3]] == [10, 3]
    assert all(len(f["text"]) <= 2000 for f in blocks[1]["fields"])
    assert [len(b["elements"]) for b in blocks[3:5]] == [25, 5]
    assert all(len(e["text"]["text"]) <= 75 for e in blocks[3]["elements"])


def test_modals_carry_state_and_short_titles() -> None:
    form = Form(
        callback_id="form.case",
        title="A title far longer than twenty-four",
        submit="Submit",
        state={"group_id": "7"},
        blocks=(
            TextInput("title", "Title"),
            Select("method", "Method", (Option("incident", "I" * 90),), initial="incident"),
        ),
    )
    view = modal(form)
    assert view["callback_id"] == "form.case" and json.loads(view["private_metadata"]) == {
        "group_id": "7",
        "_language": "nl",
    }
    assert len(view["title"]["text"]) <= 24
    assert view["blocks"][1]["element"]["initial_option"]["value"] == "incident"
    assert len(view["blocks"][1]["element"]["options"][0]["text"]["text"]) <= 75


@pytest.mark.parametrize(
    ("blocks", "surface", "problem"),
    [
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}], "message", "plain_text"),
        ([{"type": "divider"}] * 51, "message", "51 blocks"),
        ([{"type": "divider"}] * 101, "modal", "101 blocks"),
        (
            [{"type": "section", "fields": [{"type": "mrkdwn", "text": "x" * 2001}]}],
            "message",
            "field",
        ),
        ([{"type": "no_such_block"}], "message", "unknown type"),
        (
            [
                {
                    "type": "input",
                    "label": {"type": "plain_text", "text": "l"},
                    "element": {
                        "type": "static_select",
                        "action_id": "s",
                        "options": [
                            {"text": {"type": "plain_text", "text": "o" * 76}, "value": "v"}
                        ],
                    },
                }
            ],
            "modal",
            "option text",
        ),
    ],
)
def test_the_validator_catches_what_slack_sdk_does_not(
    blocks: list[dict[str, object]], surface: str, problem: str
) -> None:
    with pytest.raises(BlockProblem, match=problem):
        check_blocks(blocks, surface)  # type: ignore[arg-type]


def test_every_help_and_form_screen_is_valid_block_kit() -> None:
    from core.methods import load_library
    from core.views.forms import group_form
    from core.views.home import help_card

    for locale in ("nl", "en"):
        message(help_card(locale, "/intervisie"))
        modal(group_form(load_library(), locale))
