"""Block Kit rendering of the neutral views (core.views.vocabulary), and its validator.

Pure functions: a Card becomes a message (``blocks`` + fallback ``text``), a Form a modal
view. Every piece of user text is escaped (``&``, ``<``, ``>``), so it can never become a
mention, a broadcast or a link. Long texts are split on token boundaries, never inside
an escape or a ``<...>`` entity.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import UTC
from typing import Any, Literal

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block as SdkBlock

from core.views import vocabulary as v

JSON = dict[str, Any]
Surface = Literal["message", "modal", "home"]

MAX_BLOCKS = {"message": 50, "modal": 100, "home": 100}
SECTION_TEXT = 3000
FIELD_TEXT = 2000
MAX_FIELDS = 10
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
BUTTONS_PER_BLOCK = 25
OPTION_TEXT = 75
OPTION_VALUE = 150
CONTEXT_ELEMENTS = 10
LABEL_TEXT = 2000
VIEW_TITLE = 24
PLACEHOLDER = 150
PRIVATE_METADATA = 3000
CONFIRM_TITLE = 100
CONFIRM_TEXT = 300
CONFIRM_BUTTON = 30
_PERSON_ID = re.compile(r"^[UW][A-Z0-9_]{1,40}$")


class BlockProblem(ValueError):
    """A payload Slack would refuse or silently mangle."""


# ------------------------------------------------------------------ text


def escape(text: str) -> str:
    """mrkdwn escaping for user text: ``&`` first, then ``<`` and ``>``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Plain text cut to ``limit`` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _moment(span: v.Moment) -> str:
    at = span.at.astimezone(UTC)
    fallback = at.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def _tokens(span: v.Span) -> list[str]:
    """Atomic pieces of mrkdwn: a split between two tokens never breaks markup."""
    if isinstance(span, v.Mention):
        if _PERSON_ID.match(span.person):
            return [f"<@{span.person}>"]
        return [escape(span.person)]
    if isinstance(span, v.Moment):
        return [_moment(span)]
    if isinstance(span, v.Link):
        return [f"<{escape(span.url)}|{escape(span.text)}>"]
    text = span.text
    if isinstance(span, v.Strong | v.Emphasis) and text.strip():
        mark = "*" if isinstance(span, v.Strong) else "_"
        inner = escape(text.strip())
        if len(inner) + 2 <= FIELD_TEXT:
            lead = text[: len(text) - len(text.lstrip())]
            tail = text[len(text.rstrip()) :]
            return [lead + mark + inner + mark + tail] if lead or tail else [mark + inner + mark]
    return [escape(char) for char in text]


def mrkdwn(parts: Iterable[v.Span]) -> str:
    return "".join(token for span in parts for token in _tokens(span))


def _chunks(parts: Iterable[v.Span], limit: int) -> list[str]:
    """The spans' mrkdwn in pieces of at most ``limit`` characters, cut between tokens
    (preferably after a newline)."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for span in parts:
        for token in _tokens(span):
            if size + len(token) > limit and current:
                cut = _last_newline(current)
                chunks.append("".join(current[:cut]))
                current = current[cut:]
                size = sum(len(t) for t in current)
            current.append(token)
            size += len(token)
    if current:
        chunks.append("".join(current))
    return [c for c in chunks if c.strip()]


def _last_newline(tokens: list[str]) -> int:
    for index in range(len(tokens) - 1, len(tokens) // 2, -1):
        if tokens[index] == "\n":
            return index + 1
    return len(tokens)


def _plain(text: str, limit: int) -> JSON:
    return {"type": "plain_text", "text": truncate(text, limit) or " ", "emoji": False}


# ------------------------------------------------------------------ blocks


def render_blocks(blocks: Sequence[v.Block]) -> list[JSON]:
    rendered: list[JSON] = []
    for block in blocks:
        rendered += _render(block)
    return rendered


def _render(block: v.Block) -> list[JSON]:
    if isinstance(block, v.Heading):
        return [{"type": "header", "text": _plain(block.text, HEADER_TEXT)}]
    if isinstance(block, v.Text):
        return [
            {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
            for chunk in _chunks(block.parts, SECTION_TEXT)
        ]
    if isinstance(block, v.Fields):
        fields = []
        for item in block.items:
            label = v.Strong(item.label)
            text = _chunks((label, v.Plain("\n"), *item.value), FIELD_TEXT)
            fields.append({"type": "mrkdwn", "text": text[0] if text else " "})
        return [
            {"type": "section", "fields": fields[i : i + MAX_FIELDS]}
            for i in range(0, len(fields), MAX_FIELDS)
        ]
    if isinstance(block, v.ContextLine):
        elements = [
            {"type": "mrkdwn", "text": chunk} for chunk in _chunks(block.parts, SECTION_TEXT)
        ]
        return [
            {"type": "context", "elements": elements[i : i + CONTEXT_ELEMENTS]}
            for i in range(0, len(elements), CONTEXT_ELEMENTS)
        ]
    if isinstance(block, v.Divider):
        return [{"type": "divider"}]
    if isinstance(block, v.Buttons):
        buttons = [_button(b) for b in block.items]
        return [
            {"type": "actions", "elements": buttons[i : i + BUTTONS_PER_BLOCK]}
            for i in range(0, len(buttons), BUTTONS_PER_BLOCK)
        ]
    return [_input(block)]


def _button(item: v.Button) -> JSON:
    button: JSON = {
        "type": "button",
        "action_id": item.action_id,
        "text": _plain(item.label, BUTTON_TEXT),
    }
    if item.value:
        button["value"] = item.value[:BUTTON_VALUE]
    if item.style:
        button["style"] = item.style
    if item.confirm is not None:
        button["confirm"] = _confirm(item.confirm, item.style)
    return button


def _confirm(confirm: v.Confirm, style: str | None) -> JSON:
    """Slack's confirmation dialog object: plain texts within its limits."""
    dialog: JSON = {
        "title": _plain(confirm.title, CONFIRM_TITLE),
        "text": _plain(confirm.question, CONFIRM_TEXT),
        "confirm": _plain(confirm.yes, CONFIRM_BUTTON),
        "deny": _plain(confirm.no, CONFIRM_BUTTON),
    }
    if style == "danger":
        dialog["style"] = "danger"
    return dialog


def _option(option: v.Option) -> JSON:
    return {"text": _plain(option.label, OPTION_TEXT), "value": option.value[:OPTION_VALUE]}


def _input(block: v.Block) -> JSON:
    element: JSON
    optional = getattr(block, "optional", False)
    hint = ""
    if isinstance(block, v.TextInput):
        element = {
            "type": "plain_text_input",
            "multiline": block.multiline,
            "max_length": min(block.max_length, 3000),
        }
        if block.initial:
            element["initial_value"] = block.initial
        if block.placeholder:
            element["placeholder"] = _plain(block.placeholder, PLACEHOLDER)
        hint = block.hint
    elif isinstance(block, v.Select):
        element = {"type": "static_select", "options": [_option(o) for o in block.options[:100]]}
        chosen = [o for o in block.options if o.value == block.initial]
        if chosen:
            element["initial_option"] = _option(chosen[0])
    elif isinstance(block, v.PeopleSelect):
        if block.multiple:
            element = {"type": "multi_users_select"}
            if block.initial:
                element["initial_users"] = list(block.initial)
        else:
            element = {"type": "users_select"}
            if block.initial:
                element["initial_user"] = block.initial[0]
    elif isinstance(block, v.ChannelSelect):
        element = {
            "type": "conversations_select",
            "filter": {"include": ["public", "private"], "exclude_bot_users": True},
        }
        if block.initial:
            element["initial_conversation"] = block.initial
    elif isinstance(block, v.DateTimeInput):
        element = {"type": "datetimepicker"}
        if block.initial:
            element["initial_date_time"] = int(block.initial.timestamp())
    elif isinstance(block, v.DateInput):
        element = {"type": "datepicker"}
        if block.initial:
            element["initial_date"] = block.initial.isoformat()
    elif isinstance(block, v.Checkboxes):
        element = {"type": "checkboxes", "options": [_option(o) for o in block.options[:10]]}
        initial = [_option(o) for o in block.options if o.value in block.initial]
        if initial:
            element["initial_options"] = initial
    else:  # pragma: no cover - the vocabulary is closed
        raise TypeError(f"cannot render {block!r}")
    element["action_id"] = block.id
    rendered: JSON = {
        "type": "input",
        "block_id": block.id,
        "label": _plain(block.label, LABEL_TEXT),
        "optional": optional,
        "element": element,
    }
    if hint:
        rendered["hint"] = _plain(hint, LABEL_TEXT)
    return rendered


# ------------------------------------------------------------------ surfaces


def message(card: v.Card) -> JSON:
    """``chat.postMessage`` / ``chat.update`` arguments: blocks plus an escaped fallback."""
    blocks = render_blocks(card.blocks)
    check_blocks(blocks, "message", sdk_models=False)
    return {"blocks": blocks, "text": escape(truncate(card.summary, SECTION_TEXT))}


def home_view(card: v.Card) -> JSON:
    blocks = render_blocks(card.blocks)[: MAX_BLOCKS["home"]]
    check_blocks(blocks, "home", sdk_models=False)
    return {"type": "home", "blocks": blocks}


LANGUAGE_KEY = "_language"
"""Kept in a modal's ``private_metadata`` beside the form's state: the submission is
answered in the form's language without asking Slack who the person is first."""


def modal(form: v.Form) -> JSON:
    metadata = json.dumps({**form.state, LANGUAGE_KEY: form.locale}, separators=(",", ":"))
    if len(metadata) > PRIVATE_METADATA:
        raise BlockProblem("private_metadata is longer than 3000 characters")
    view = {
        "type": "modal",
        "callback_id": form.callback_id,
        "title": _plain(form.title, VIEW_TITLE),
        "submit": _plain(form.submit, VIEW_TITLE),
        "private_metadata": metadata,
        "blocks": render_blocks(form.blocks),
    }
    check_view(view, sdk_models=False)
    return view


# ------------------------------------------------------------------ validation


def check_view(view: JSON, *, sdk_models: bool = True) -> None:
    surface: Surface = "home" if view.get("type") == "home" else "modal"
    for key in ("title", "submit", "close"):
        part = view.get(key)
        if part is not None and len(part.get("text", "")) > VIEW_TITLE:
            raise BlockProblem(f"modal {key} is longer than {VIEW_TITLE} characters")
    if len(view.get("private_metadata", "")) > PRIVATE_METADATA:
        raise BlockProblem("private_metadata is longer than 3000 characters")
    check_blocks(view.get("blocks", []), surface, sdk_models=sdk_models)


def check_blocks(blocks: Sequence[JSON], surface: Surface, *, sdk_models: bool = True) -> None:
    """Slack's own model validation for each block (slack_sdk's models), plus what it does
    not check. ``sdk_models`` False skips the models, the costly part: what we send is
    checked so at run time, and in full by the tests (golden screens, and the fake Slack
    on every call it gets)."""
    problems: list[str] = []
    if len(blocks) > MAX_BLOCKS[surface]:
        problems.append(f"{len(blocks)} blocks, at most {MAX_BLOCKS[surface]} in a {surface}")
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    if len(block_ids) != len(set(block_ids)):
        problems.append("block_id values repeat")
    for index, block in enumerate(blocks):
        if not sdk_models:
            problems += [f"block {index}: {p}" for p in _own_checks(block, surface)]
            continue
        parsed = SdkBlock.parse(block)
        if parsed is None or parsed.type != block.get("type"):
            problems.append(f"block {index}: unknown type {block.get('type')!r}")
            continue
        try:
            parsed.validate_json()
        except SlackObjectFormationError as exc:
            problems.append(f"block {index}: {exc}")
        problems += [f"block {index}: {p}" for p in _own_checks(block, surface)]
    if problems:
        raise BlockProblem("; ".join(problems))


def _own_checks(block: JSON, surface: Surface) -> list[str]:
    problems = []
    kind = block["type"]
    if kind == "header":
        text = block.get("text", {})
        if text.get("type") != "plain_text":
            problems.append("a header must be plain_text")
        if len(text.get("text", "")) > HEADER_TEXT:
            problems.append(f"header longer than {HEADER_TEXT}")
    if kind == "section":
        if len(block.get("text", {}).get("text", "")) > SECTION_TEXT:
            problems.append(f"section text longer than {SECTION_TEXT}")
        fields = block.get("fields", [])
        if len(fields) > MAX_FIELDS:
            problems.append(f"more than {MAX_FIELDS} fields")
        problems += [f"field longer than {FIELD_TEXT}" for f in fields if len(f["text"]) > 2000]
    if kind == "actions" and len(block.get("elements", [])) > BUTTONS_PER_BLOCK:
        problems.append(f"more than {BUTTONS_PER_BLOCK} elements in an actions block")
    if kind == "input" and surface == "message":
        problems.append("input blocks belong in modals")
    for option in _options(block):
        if len(option.get("text", {}).get("text", "")) > OPTION_TEXT:
            problems.append(f"option text longer than {OPTION_TEXT}")
    return problems


def _options(block: JSON) -> list[JSON]:
    elements = block.get("elements", []) + ([block["element"]] if "element" in block else [])
    if "accessory" in block:
        elements.append(block["accessory"])
    return [o for e in elements for o in e.get("options", [])]
