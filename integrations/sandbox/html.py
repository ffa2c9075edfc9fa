"""The third renderer: the neutral views (``core.views.vocabulary``) as HTML.

Pure functions. Every text that reaches the page goes through ``html.escape``, so user
text (a case title, a contribution) always stays text: never markup, a script or a link.
Buttons become small POST forms carrying the action id and its value; forms become page
forms whose inputs carry the ids of ``core.views.actions``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from core.interactions import Locale
from core.views import vocabulary as v

ACTION_URL = "/act"
FORM_URL = "/forms/"


@dataclass(frozen=True)
class Surface:
    """What a page knows that the view does not: language, time zone, names, and the
    hidden fields every POST from this page carries (CSRF token, channel, meeting)."""

    locale: Locale
    zone: ZoneInfo
    names: Mapping[str, str] = field(default_factory=dict)
    hidden: Mapping[str, str] = field(default_factory=dict)
    people: tuple[tuple[str, str], ...] = ()
    """(ref, name) of the simulated colleagues, for people pickers."""


def e(text: object) -> str:
    return escape(str(text), quote=True)


# ------------------------------------------------------------------ spans


def moment(at: datetime, surface: Surface) -> str:
    local = at.astimezone(surface.zone)
    shown = (
        local.strftime("%d-%m-%Y %H:%M")
        if surface.locale == "nl"
        else local.strftime("%d %b %Y, %H:%M")
    )
    return f'<time datetime="{e(at.isoformat())}">{e(shown)}</time>'


def span(part: v.Span, surface: Surface) -> str:
    if isinstance(part, v.Plain):
        return e(part.text).replace("\n", "<br>")
    if isinstance(part, v.Strong):
        return f"<strong>{e(part.text)}</strong>"
    if isinstance(part, v.Emphasis):
        return f"<em>{e(part.text)}</em>"
    if isinstance(part, v.Mention):
        name = surface.names.get(part.person, part.person)
        return f'<span class="mention" data-person="{e(part.person)}">{e(name)}</span>'
    if isinstance(part, v.Link):
        if not part.url.startswith(("https://", "http://", "webcal://")):
            return e(part.url)
        return f'<a href="{e(part.url)}" rel="noreferrer" target="_blank">{e(part.text)}</a>'
    return moment(part.at, surface)


def spans(parts: Iterable[v.Span], surface: Surface) -> str:
    return "".join(span(part, surface) for part in parts)


# ------------------------------------------------------------------ blocks


def hidden_fields(values: Mapping[str, str]) -> str:
    return "".join(
        f'<input type="hidden" name="{e(name)}" value="{e(value)}">'
        for name, value in values.items()
    )


def button(item: v.Button, surface: Surface) -> str:
    style = f" button-{item.style}" if item.style else ""
    ask = ""
    if item.confirm is not None:  # the browser's own dialog asks before the form is sent
        question = f"{item.confirm.title}\n\n{item.confirm.question}"
        ask = f' data-confirm="{e(question)}" onclick="return confirm(this.dataset.confirm)"'
    return (
        f'<form method="post" action="{ACTION_URL}" class="inline">'
        + hidden_fields({**surface.hidden, "action": item.action_id, "value": item.value})
        + f'<button type="submit" class="button{style}" data-action="{e(item.action_id)}"'
        f' data-value="{e(item.value)}"{ask}>{e(item.label)}</button></form>'
    )


def field_item(item: v.Field, surface: Surface) -> str:
    return f"<div><dt>{e(item.label)}</dt><dd>{spans(item.value, surface)}</dd></div>"


def block(item: v.Block, surface: Surface) -> str:
    if isinstance(item, v.Heading):
        return f"<h3>{e(item.text)}</h3>"
    if isinstance(item, v.Text):
        return f"<p>{spans(item.parts, surface)}</p>"
    if isinstance(item, v.Fields):
        return '<dl class="fields">' + "".join(field_item(f, surface) for f in item.items) + "</dl>"
    if isinstance(item, v.ContextLine):
        return f'<p class="context">{spans(item.parts, surface)}</p>'
    if isinstance(item, v.Divider):
        return "<hr>"
    if isinstance(item, v.Buttons):
        return '<div class="buttons">' + "".join(button(b, surface) for b in item.items) + "</div>"
    return form_input(item, surface)


def card(view: v.Card, surface: Surface, *, css_class: str = "card") -> str:
    return (
        f'<article class="{e(css_class)}" aria-label="{e(view.summary)}">'
        + "".join(block(b, surface) for b in view.blocks)
        + "</article>"
    )


# ------------------------------------------------------------------ forms


def _label(input_id: str, text: str, optional: bool) -> str:
    mark = "" if optional else ' <span class="required" aria-hidden="true">*</span>'
    return f'<label for="in-{e(input_id)}">{e(text)}{mark}</label>'


def _required(optional: bool) -> str:
    return "" if optional else " required"


def _choices(
    kind: str, name: str, options: Iterable[tuple[str, str]], initial: Iterable[str]
) -> str:
    chosen = set(initial)
    return "".join(
        f'<label class="choice"><input type="{kind}" name="{e(name)}" value="{e(value)}"'
        + (" checked" if value in chosen else "")
        + f"> {e(label)}</label>"
        for value, label in options
    )


def _fieldset(label: str, body: str) -> str:
    return f'<fieldset class="input"><legend>{e(label)}</legend>{body}</fieldset>'


def form_input(item: v.Block, surface: Surface) -> str:
    if isinstance(item, v.TextInput):
        attrs = (
            f'id="in-{e(item.id)}" name="{e(item.id)}" maxlength="{item.max_length}"'
            f' placeholder="{e(item.placeholder)}"{_required(item.optional)}'
        )
        control = (
            f'<textarea {attrs} rows="4">{e(item.initial)}</textarea>'
            if item.multiline
            else f'<input type="text" {attrs} value="{e(item.initial)}">'
        )
        hint = f'<p class="hint">{e(item.hint)}</p>' if item.hint else ""
        return (
            f'<div class="input">{_label(item.id, item.label, item.optional)}{control}{hint}</div>'
        )
    if isinstance(item, v.Select):
        options = "".join(
            f'<option value="{e(o.value)}"'
            + (" selected" if o.value == item.initial else "")
            + f">{e(o.label)}</option>"
            for o in item.options
        )
        return (
            f'<div class="input">{_label(item.id, item.label, item.optional)}'
            f'<select id="in-{e(item.id)}" name="{e(item.id)}">{options}</select></div>'
        )
    if isinstance(item, v.PeopleSelect):
        kind = "checkbox" if item.multiple else "radio"
        people = surface.people
        if not item.multiple and item.optional:
            people = (("", "–"), *people)
        initial = item.initial or (("",) if not item.multiple else ())
        return _fieldset(item.label, _choices(kind, item.id, people, initial))
    if isinstance(item, v.ChannelSelect):
        value = item.initial or ""
        return (
            f'<div class="input"><span class="label">{e(item.label)}</span>'
            f'<code class="channel">#{e(value)}</code>'
            f'<input type="hidden" name="{e(item.id)}" value="{e(value)}"></div>'
        )
    if isinstance(item, v.DateTimeInput):
        value = _local_input(item.initial, surface) if item.initial else ""
        return (
            f'<div class="input">{_label(item.id, item.label, item.optional)}'
            f'<input type="datetime-local" id="in-{e(item.id)}" name="{e(item.id)}"'
            f' value="{e(value)}"{_required(item.optional)}></div>'
        )
    if isinstance(item, v.DateInput):
        value = item.initial.isoformat() if isinstance(item.initial, date) else ""
        return (
            f'<div class="input">{_label(item.id, item.label, item.optional)}'
            f'<input type="date" id="in-{e(item.id)}" name="{e(item.id)}"'
            f' value="{e(value)}"{_required(item.optional)}></div>'
        )
    if isinstance(item, v.Checkboxes):
        pairs = [(o.value, o.label) for o in item.options]
        return _fieldset(item.label, _choices("checkbox", item.id, pairs, item.initial))
    raise TypeError(f"unknown block {type(item).__name__}")


def _local_input(at: datetime, surface: Surface) -> str:
    return at.astimezone(surface.zone).strftime("%Y-%m-%dT%H:%M")


def form(view: v.Form, surface: Surface) -> str:
    state = {f"state.{k}": v for k, v in view.state.items()}
    return (
        f'<form method="post" action="{FORM_URL}{e(view.callback_id)}" class="form"'
        f' data-form="{e(view.callback_id)}">'
        f"<h2>{e(view.title)}</h2>"
        + hidden_fields({**surface.hidden, **state})
        + "".join(block(b, surface) for b in view.blocks)
        + f'<div class="buttons"><button type="submit" class="button button-primary">'
        f"{e(view.submit)}</button></div></form>"
    )
