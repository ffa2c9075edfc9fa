"""The sandbox's screens: home, a group's channel, form pages. Each reads through core
services as the current role and renders core views; refusals come from the core."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from core.domain.common import Locale
from core.domain.errors import DomainError
from core.domain.group import Group
from core.i18n import t
from core.services import groups, queries
from core.services.context import Actor
from core.views import actions as a
from core.views.direct import refusal
from core.views.forms import case_form, contribute_form, goal_form, group_form, schedule_form
from core.views.home import overview_card
from core.views.meeting import meeting_card
from core.views.vocabulary import Button, Buttons, Card, ContextLine, Form, Heading, Text, spans
from integrations.sandbox import html, pages
from integrations.sandbox.handlers import Outcome
from integrations.sandbox.html import Surface, e
from integrations.sandbox.http import CSRF_FIELD
from integrations.sandbox.people import (
    COLLEAGUES,
    MANAGER,
    MANAGERS_CHANNEL,
    NAMES,
    PREPARED_FACILITATOR,
    PREPARED_MEMBERS,
)

if TYPE_CHECKING:
    from integrations.sandbox.web import Sandbox

FORM_PAGES = ("case", "schedule", "goals")
INSTALLER = "sandbox-installer"


@dataclass(frozen=True)
class Viewer:
    sandbox: Sandbox
    actor: Actor
    locale: Locale
    zone: ZoneInfo
    csrf: str
    path: str

    def surface(self, **hidden: str) -> Surface:
        return Surface(
            locale=self.locale,
            zone=self.zone,
            names=NAMES,
            hidden={CSRF_FIELD: self.csrf, **hidden},
            people=tuple((c.ref, c.name) for c in COLLEAGUES),
        )

    def page(self, title: str, body: str) -> str:
        chrome = pages.Chrome(self.locale, self.actor.person, self.csrf, self.path)
        return pages.layout(chrome, title, body)


def refused(view: Viewer, error: DomainError) -> str:
    body = html.card(refusal(error, view.locale), view.surface(), css_class="panel refusal")
    back = f'<p><a href="/">{e(t("sandbox.home", view.locale))}</a></p>'
    return view.page(t("sandbox.refused", view.locale), body + back)


# ------------------------------------------------------------------ home


def home(view: Viewer, flashes: list[Card]) -> str:
    ctx, loc = view.sandbox.ctx, view.locale
    mine = queries.overview(ctx, actor=view.actor)
    health = [queries.group_health(ctx, actor=view.actor, group_id=g.id or 0) for g in mine.managed]
    first = mine.groups[0].channel if mine.groups else ""
    surface = view.surface(channel=first)
    channels = "".join(
        f'<li><a href="/c/{e(g.channel)}">{e(g.name)}</a> '
        f'<code class="channel">#{e(g.channel)}</code></li>'
        for g in mine.groups
    )
    start = (
        f'<section class="panel"><h1>{e(t("sandbox.title", loc))}</h1>'
        f'<p>{e(t("sandbox.intro", loc))}</p><div class="buttons">'
        f'<form method="post" action="/prepare" class="inline">'
        f"{html.hidden_fields({CSRF_FIELD: view.csrf})}"
        f'<button type="submit" class="button button-primary" data-action="sandbox.prepare">'
        f"{e(t('sandbox.prepare', loc))}</button></form>"
        f'<a class="button" href="/groups/new">{e(t("sandbox.new_group", loc))}</a></div>'
        f"<h2>{e(t('sandbox.channels', loc))}</h2>"
        + (
            f"<ul>{channels}</ul>"
            if channels
            else f'<p class="empty">{e(t("sandbox.no_channels", loc))}</p>'
        )
        + "</section>"
    )
    aside = pages.private_panel(
        view.sandbox.messenger.direct(view.actor.workspace_id, view.actor.person), surface
    )
    if mine.managed:
        posted = view.sandbox.messenger.channel(view.actor.workspace_id, MANAGERS_CHANNEL)
        shown = "".join(html.card(p.card, surface) for p in reversed(posted[-10:]))
        aside += (
            '<section class="panel" id="managers-channel">'
            f"<h2>{e(t('sandbox.managers_channel', loc))}</h2>"
            + (shown or f'<p class="empty">{e(t("sandbox.thread_empty", loc))}</p>')
            + "</section>"
        )
    main = (
        pages.flashes(flashes, surface)
        + start
        + html.card(overview_card(mine, loc, health), surface, css_class="card overview")
    )
    body = f'<div class="layout"><div>{main}</div><aside>{aside}</aside></div>'
    return view.page(t("home.title", loc), body)


def prepare_group(view: Viewer) -> Outcome:
    """A ready group of five colleagues with a facilitator and a manager, added by the
    sandbox's installer (as ``intervision group create`` does for a real platform)."""
    channel = f"sandbox-{secrets.token_hex(3)}"
    groups.create_group(
        view.sandbox.ctx,
        actor=Actor(view.actor.workspace_id, INSTALLER, is_admin=True),
        name=t("sandbox.prepared_name", view.locale),
        channel=channel,
        members=list(PREPARED_MEMBERS),
        facilitator=PREPARED_FACILITATOR,
        managers=[MANAGER],
        locale=view.locale,
    )
    return Outcome(f"/c/{channel}")


# ------------------------------------------------------------------ a group's channel


def channel(view: Viewer, channel_ref: str, flashes: list[Card]) -> tuple[str, str]:
    ctx, loc, messenger = view.sandbox.ctx, view.locale, view.sandbox.messenger
    ws = view.actor.workspace_id
    group = groups.group_in_channel(ctx, workspace_id=ws, channel=channel_ref)
    current = queries.current_meeting_in(ctx, actor=view.actor, channel=channel_ref)
    candidates = [messenger.latest_meeting(ws, channel_ref), current.id if current else None]
    meeting_id = max((m for m in candidates if m is not None), default=None)
    surface = view.surface(channel=channel_ref, meeting=str(meeting_id or ""))
    status, content = "200 OK", ""
    if meeting_id is None:
        content = pages.message("Intervision", html.card(_no_meeting(loc), surface), None, surface)
    else:
        try:
            snapshot = queries.meeting_snapshot(ctx, meeting_id=meeting_id, viewer=view.actor)
        except DomainError as error:
            status = "403 Forbidden"
            content = html.card(refusal(error, loc), surface, css_class="panel refusal")
        else:
            content = _meeting(view, snapshot, surface)
    links = "".join(
        f'<a class="button" href="/c/{e(channel_ref)}/{kind}" data-open="{kind}">'
        f"{e(t(f'sandbox.open.{kind}', loc))}</a>"
        for kind in FORM_PAGES
    )
    main = (
        pages.channel_header(group, surface)
        + pages.flashes(flashes, surface)
        + content
        + f'<div class="buttons">{links}</div>'
    )
    aside = pages.private_panel(messenger.direct(ws, view.actor.person), surface)
    aside += pages.people_panel(group, surface)
    body = f'<div class="layout"><div>{main}</div><aside>{aside}</aside></div>'
    return status, view.page(group.name, body)


def _meeting(view: Viewer, snapshot: queries.MeetingSnapshot, surface: Surface) -> str:
    messenger, meeting = view.sandbox.messenger, snapshot.meeting
    now = view.sandbox.ctx.clock.now()
    parts = [
        pages.message(
            "Intervision",
            html.card(meeting_card(snapshot, now=now), surface, css_class="card meeting"),
            None,
            surface,
        )
    ]
    for posted in messenger.channel(view.actor.workspace_id, snapshot.group.channel):
        if posted.meeting_id == meeting.id:
            parts.append(
                pages.message("Intervision", html.card(posted.card, surface), posted, surface)
            )
    reply = ""
    if meeting.phase is not None:
        form = contribute_form(
            meeting,
            meeting.phase,
            view.locale,
            as_case_owner=view.actor.person == meeting.case_owner,
        )
        reply = html.form(form, view.surface(channel=snapshot.group.channel))
    thread = pages.thread_section(messenger.thread(meeting.id or 0), reply, surface)
    return "".join(parts) + thread


def _no_meeting(locale: Locale) -> Card:
    return Card(
        blocks=(
            Heading(t("sandbox.no_meeting_title", locale)),
            Text(spans(t("sandbox.no_meeting", locale))),
            Buttons((Button(a.MEETING_START, t("button.start", locale), style="primary"),)),
        ),
        summary=t("sandbox.no_meeting_title", locale),
    )


# ------------------------------------------------------------------ form pages


def form_page(view: Viewer, channel_ref: str, kind: str, flashes: list[Card]) -> str:
    ctx = view.sandbox.ctx
    group = groups.group_in_channel(ctx, workspace_id=view.actor.workspace_id, channel=channel_ref)
    form = _form(view, group, kind)
    surface = view.surface(channel=channel_ref, back=f"/c/{channel_ref}/{kind}")
    body = (
        pages.channel_header(group, surface)
        + pages.flashes(flashes, surface)
        + html.form(form, surface)
        + f'<p><a href="/c/{e(channel_ref)}">← {e(group.name)}</a></p>'
    )
    return view.page(form.title, body)


def _form(view: Viewer, group: Group, kind: str) -> Form:
    ctx, loc = view.sandbox.ctx, view.locale
    if kind == "case":
        return case_form(group, loc)
    if kind == "goals":
        return goal_form(group, loc)
    tomorrow = (ctx.clock.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    return schedule_form(group, ctx.methods, loc, suggested=tomorrow)


def group_form_page(view: Viewer, flashes: list[Card]) -> str:
    form = group_form(
        view.sandbox.ctx.methods, view.locale, channel=f"sandbox-{secrets.token_hex(3)}"
    )
    surface = view.surface(back="/groups/new")
    intro = ContextLine(spans(t("sandbox.group_form_hint", view.locale)))
    body = (
        pages.flashes(flashes, surface)
        + html.card(Card(blocks=(intro,), summary=""), surface, css_class="panel")
        + html.form(form, surface)
    )
    return view.page(form.title, body)
