"""The sandbox's pages, assembled from rendered views. Pure: data in, HTML out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.i18n import t
from core.interactions import Locale
from core.views.vocabulary import Card
from integrations.sandbox import html
from integrations.sandbox.html import Surface, e
from integrations.sandbox.http import CSRF_FIELD
from integrations.sandbox.messenger import Delivered
from integrations.sandbox.people import COLLEAGUES, name_of
from integrations.sandbox.style import CSS

# Shows each <time> in the reader's own time zone and language; the server's text stays
# as the fallback without JavaScript.
LOCAL_TIME_SCRIPT = """
document.querySelectorAll('time[datetime]').forEach(function (el) {
  var d = new Date(el.getAttribute('datetime'));
  if (!isNaN(d)) { el.textContent = d.toLocaleString(document.documentElement.lang,
    {dateStyle: 'medium', timeStyle: 'short'}); }
});
"""


@dataclass(frozen=True)
class Chrome:
    """What every page shows around its content: who I am, the language, where I am."""

    locale: Locale
    person: str
    csrf: str
    path: str


def layout(chrome: Chrome, title: str, body: str) -> str:
    loc = chrome.locale
    people = "".join(
        f'<option value="{e(c.ref)}"'
        + (" selected" if c.ref == chrome.person else "")
        + f">{e(c.name)}</option>"
        for c in COLLEAGUES
    )
    token = f'<input type="hidden" name="{CSRF_FIELD}" value="{e(chrome.csrf)}">'
    back = f'<input type="hidden" name="back" value="{e(chrome.path)}">'
    languages = "".join(
        f'<button type="submit" name="locale" value="{code}" class="button"'
        f' aria-pressed="{"true" if code == loc else "false"}">{label}</button>'
        for code, label in (("nl", "NL"), ("en", "EN"))
    )
    return (
        f'<!doctype html><html lang="{loc}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)} · {e(t('sandbox.title', loc))}</title>"
        f"<style>{CSS}</style></head><body>"
        f'<header class="top"><a class="brand" href="/">{e(t("sandbox.title", loc))}</a>'
        f'<form method="post" action="/role" id="role-switch">{token}{back}'
        f'<label for="person">{e(t("sandbox.you_are", loc))}</label>'
        f'<select id="person" name="person">{people}</select>'
        f'<button type="submit" class="button">{e(t("sandbox.switch", loc))}</button></form>'
        '<span class="spacer"></span>'
        f'<form method="post" action="/locale" id="language-switch">{token}{back}'
        f"<label>{e(t('sandbox.language', loc))}</label>{languages}</form></header>"
        f"<main>{body}</main>"
        f"<footer>{e(t('sandbox.footer', loc))}</footer>"
        f"<script>{LOCAL_TIME_SCRIPT}</script></body></html>"
    )


def flashes(items: Sequence[Card], surface: Surface) -> str:
    return "".join(
        f'<div class="flash" role="status">{html.card(item, surface)}</div>' for item in items
    )


def message(sender: str, body: str, item: Delivered | None, surface: Surface) -> str:
    when = html.moment(item.at, surface) if item is not None else ""
    return (
        f'<div class="message"><div class="avatar" aria-hidden="true">{e(sender[:1])}</div>'
        f'<div><div class="sender">{e(sender)}{when}</div>{body}</div></div>'
    )


def private_panel(items: Sequence[Delivered], surface: Surface) -> str:
    loc = surface.locale
    shown = "".join(
        f'<div class="reply">{html.moment(i.at, surface)}{html.card(i.card, surface)}</div>'
        for i in reversed(items[-20:])
    )
    return (
        f'<section class="panel private" id="private"><h2>{e(t("sandbox.private", loc))}</h2>'
        + (shown or f'<p class="empty">{e(t("sandbox.private_empty", loc))}</p>')
        + "</section>"
    )


def people_panel(people: Sequence[tuple[str, str]], surface: Surface) -> str:
    """``people``: (person, role) with role ``member``, ``facilitator`` or ``manager``."""
    loc = surface.locale
    rows = [
        f'<li>{e(name_of(person))} <span class="role">'
        f"{e(t(f'sandbox.role.{role}', loc))}</span></li>"
        for person, role in people
    ]
    return (
        f'<section class="panel"><h2>{e(t("sandbox.people", loc))}</h2>'
        f"<ul>{''.join(rows)}</ul></section>"
    )


def thread_section(items: Sequence[Delivered], reply: str, surface: Surface) -> str:
    loc = surface.locale
    shown = "".join(
        f'<div class="reply">{html.moment(i.at, surface)}{html.card(i.card, surface)}</div>'
        for i in items
    )
    return (
        f'<section class="thread" id="thread" aria-label="{e(t("sandbox.thread", loc))}">'
        f"<h2>{e(t('sandbox.thread_count', loc, count=len(items)))}</h2>"
        + (shown or f'<p class="empty">{e(t("sandbox.thread_empty", loc))}</p>')
        + (f'<div id="reply">{reply}</div>' if reply else "")
        + "</section>"
    )


def channel_header(name: str, channel: str) -> str:
    return f'<h1>{e(name)}</h1><p class="subtitle"><code class="channel">#{e(channel)}</code></p>'


def command_box(surface: Surface, back: str) -> str:
    """What Slack's slash command and Teams' message box are: type a command."""
    loc = surface.locale
    return (
        '<form method="post" action="/command" class="panel command" id="command">'
        + html.hidden_fields({**surface.hidden, "back": back})
        + f'<label for="in-command">{e(t("sandbox.command_label", loc))}</label>'
        f'<div class="buttons"><input type="text" id="in-command" name="text" maxlength="200"'
        f' placeholder="{e(t("sandbox.command_placeholder", loc))}">'
        f'<button type="submit" class="button">{e(t("sandbox.command_send", loc))}</button>'
        "</div></form>"
    )
