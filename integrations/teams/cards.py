"""The neutral views (core.views.vocabulary) as Adaptive Cards, schema 1.5.

Pure functions: every user string is escaped here, so user text never becomes markdown,
a mention or a link in Teams.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from core.i18n import t
from core.interactions import Locale
from core.views import vocabulary as v
from integrations.teams.activities import DATE_SUFFIX, TIME_SUFFIX

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_STYLES = {"primary": "positive", "danger": "destructive"}
ACTIONS_PER_ROW = 3


def escape(text: str) -> str:
    """Markdown special characters are backslash-escaped; ``<`` never opens a tag
    (``<at>`` mentions included)."""
    return _MARKDOWN.sub(r"\\\1", text).replace("<", "&lt;")


def link(url: str, text: str) -> str:
    """A markdown link; an address markdown cannot hold (a space, a parenthesis) is shown
    as text instead."""
    if any(char in url for char in " ()<>[]"):
        return escape(url)
    return f"[{escape(text)}]({url})"


class _Renderer:
    def __init__(self, names: Mapping[str, str], locale: Locale = "nl") -> None:
        self.names = names
        self.locale = locale
        self.entities: list[dict[str, Any]] = []

    def spans(self, parts: tuple[v.Span, ...], *, mentions: bool = True) -> str:
        return "".join(self.span(part, mentions=mentions) for part in parts)

    def span(self, part: v.Span, *, mentions: bool) -> str:
        if isinstance(part, v.Plain):
            return escape(part.text)
        if isinstance(part, v.Strong | v.Emphasis):
            return _marked(part.text, "**" if isinstance(part, v.Strong) else "_")
        if isinstance(part, v.Mention):
            return self.mention(part.person, mentions=mentions)
        if isinstance(part, v.Link):
            return link(part.url, part.text)
        return moment(part.at)

    def mention(self, person: str, *, mentions: bool) -> str:
        name = self.names.get(person)
        if name is None or not mentions:
            return escape(name or person)
        text = f"<at>{escape(name)}</at>"
        if not any(e["text"] == text for e in self.entities):
            self.entities.append(
                {"type": "mention", "text": text, "mentioned": {"id": person, "name": name}}
            )
        return text

    def block(self, block: v.Block) -> list[dict[str, Any]]:
        if isinstance(block, v.Heading):
            return [_text(escape(block.text), size="Large", weight="Bolder")]
        if isinstance(block, v.Text):
            return [_text(self.spans(block.parts))]
        if isinstance(block, v.ContextLine):
            return [_text(self.spans(block.parts), isSubtle=True, size="Small")]
        if isinstance(block, v.Fields):
            facts = [
                {"title": escape(f.label), "value": self.spans(f.value, mentions=False) or "—"}
                for f in block.items
            ]
            return [{"type": "FactSet", "facts": facts}]
        if isinstance(block, v.Buttons):  # rows of at most 3: hosts allow 5 actions a set
            rows = [
                block.items[i : i + ACTIONS_PER_ROW]
                for i in range(0, len(block.items), ACTIONS_PER_ROW)
            ]
            return [{"type": "ActionSet", "actions": [execute(b) for b in row]} for row in rows]
        if isinstance(block, v.Divider):
            return []
        elements = _input(block, self.names)
        for element in elements:
            if element.get("isRequired"):
                label = element.get("label") or getattr(block, "label", "")
                element["errorMessage"] = t("error.text_required", self.locale, field=label)
        return elements

    def body(self, blocks: tuple[v.Block, ...]) -> list[dict[str, Any]]:
        body: list[dict[str, Any]] = []
        separate = False
        for block in blocks:
            if isinstance(block, v.Divider):
                separate = bool(body)
                continue
            rendered = [e for e in self.block(block) if e.get("type") != "TextBlock" or e["text"]]
            if rendered and separate:
                rendered[0]["separator"] = True
                separate = False
            body += rendered
        return body


def render_card(card: v.Card, *, names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A message card. ``names`` maps person refs to display names, for real mentions."""
    renderer = _Renderer(names or {})
    body = renderer.body(card.blocks) or [_text(escape(card.summary))]
    return _card(body, renderer.entities, fallback=card.summary)


def render_form(form: v.Form, *, names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A form as a card: its submit button is an ``Action.Execute`` whose verb is the form's
    callback id and whose data carries the form's state."""
    renderer = _Renderer(names or {}, form.locale)
    body = [_text(escape(form.title), size="Large", weight="Bolder"), *renderer.body(form.blocks)]
    card = _card(body, renderer.entities, fallback=form.title)
    card["actions"] = [
        {
            "type": "Action.Execute",
            "title": form.submit,
            "verb": form.callback_id,
            "data": dict(form.state),
            "style": "positive",
        }
    ]
    return card


def attachment(card: dict[str, Any]) -> dict[str, Any]:
    return {"contentType": CONTENT_TYPE, "content": card}


def message(card: dict[str, Any], summary: str) -> dict[str, Any]:
    """A message activity carrying one card."""
    return {"type": "message", "summary": summary[:200], "attachments": [attachment(card)]}


def execute(button: v.Button) -> dict[str, Any]:
    """The button as an ``Action.Execute``; one that asks first opens an ``Action.ShowCard``
    with the question and the button that does it (Teams has no confirmation dialog)."""
    action: dict[str, Any] = {
        "type": "Action.Execute",
        "title": button.label,
        "verb": button.action_id,
        "data": {"value": button.value},
    }
    if button.style:
        action["style"] = _STYLES[button.style]
    if button.confirm is None:
        return action
    confirm = button.confirm
    question = {
        "type": "AdaptiveCard",
        "body": [
            _text(escape(confirm.title), weight="Bolder"),
            _text(escape(confirm.question)),
        ],
        "actions": [{**action, "title": confirm.yes}],
    }
    return {"type": "Action.ShowCard", "title": button.label, "card": question}


def moment(at: datetime) -> str:
    """Each reader's Teams client shows the time in their own zone and language."""
    stamp = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{{{{DATE({stamp}, SHORT)}}}} {{{{TIME({stamp})}}}}"


def _card(
    body: list[dict[str, Any]], entities: list[dict[str, Any]], *, fallback: str
) -> dict[str, Any]:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "fallbackText": fallback,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if entities:
        card["msteams"]["entities"] = entities
    return card


def _marked(text: str, marker: str) -> str:
    """Markdown only makes ``**x**`` bold when no space touches the markers: keep the spaces
    outside (the help card's commands have no prefix in personal chat: " help")."""
    core = text.strip()
    if not core:
        return escape(text)
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return f"{lead}{marker}{escape(core)}{marker}{trail}"


def _text(text: str, **props: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **props}


def _input(block: v.Block, names: Mapping[str, str]) -> list[dict[str, Any]]:
    if isinstance(block, v.TextInput):
        element: dict[str, Any] = {
            "type": "Input.Text",
            "id": block.id,
            "label": block.label,
            "isMultiline": block.multiline,
            "maxLength": block.max_length,
            "isRequired": not block.optional,
        }
        if block.initial:
            element["value"] = block.initial
        if block.placeholder:
            element["placeholder"] = block.placeholder
        hint = [_text(escape(block.hint), isSubtle=True, size="Small", spacing="None")]
        return [element, *(hint if block.hint else [])]
    if isinstance(block, v.Select):
        element = {
            "type": "Input.ChoiceSet",
            "id": block.id,
            "label": block.label,
            "style": "compact",
            "isRequired": not block.optional,
            "choices": [{"title": o.label, "value": o.value} for o in block.options],
        }
        if block.initial:
            element["value"] = block.initial
        return [element]
    if isinstance(block, v.PeopleSelect):
        # Teams' people picker: a ChoiceSet searching Graph users. It must offer at least one
        # choice of its own (the schema says so), so it lists the people we know by name;
        # without any, a text input of Entra object ids (comma-separated) stands in.
        known = {**names, **{p: names.get(p, p) for p in block.initial}}
        if not known:
            return [
                {
                    "type": "Input.Text",
                    "id": block.id,
                    "label": block.label,
                    "isRequired": not block.optional,
                }
            ]
        element = {
            "type": "Input.ChoiceSet",
            "id": block.id,
            "label": block.label,
            "isMultiSelect": block.multiple,
            "isRequired": not block.optional,
            "choices": [{"title": n, "value": p} for p, n in sorted(known.items())],
            "choices.data": {"type": "Data.Query", "dataset": "graph.microsoft.com/users"},
        }
        if block.initial:
            element["value"] = ",".join(block.initial)
        return [element]
    if isinstance(block, v.ChannelSelect):
        element = {"type": "Input.Text", "id": block.id, "label": block.label, "isRequired": True}
        if block.initial:
            element["value"] = block.initial
        return [element]
    if isinstance(block, v.DateTimeInput):
        date_input: dict[str, Any] = {
            "type": "Input.Date",
            "id": block.id + DATE_SUFFIX,
            "label": block.label,
            "isRequired": not block.optional,
        }
        time_input: dict[str, Any] = {
            "type": "Input.Time",
            "id": block.id + TIME_SUFFIX,
            "label": block.label,
            "isRequired": not block.optional,
        }
        if block.initial:
            date_input["value"] = block.initial.strftime("%Y-%m-%d")
            time_input["value"] = block.initial.strftime("%H:%M")
        return [date_input, time_input]
    if isinstance(block, v.DateInput):
        element = {
            "type": "Input.Date",
            "id": block.id,
            "label": block.label,
            "isRequired": not block.optional,
        }
        if block.initial:
            element["value"] = block.initial.isoformat()
        return [element]
    if isinstance(block, v.Checkboxes):
        if len(block.options) == 1:
            option = block.options[0]
            return [
                {
                    "type": "Input.Toggle",
                    "id": block.id,
                    "label": block.label,
                    "title": option.label,
                    "valueOn": option.value,
                    "valueOff": "",
                    "value": option.value if option.value in block.initial else "",
                }
            ]
        element = {
            "type": "Input.ChoiceSet",
            "id": block.id,
            "label": block.label,
            "isMultiSelect": True,
            "style": "expanded",
            "choices": [{"title": o.label, "value": o.value} for o in block.options],
        }
        if block.initial:
            element["value"] = ",".join(block.initial)
        return [element]
    raise TypeError(f"no Adaptive Card rendering for {type(block).__name__}")
