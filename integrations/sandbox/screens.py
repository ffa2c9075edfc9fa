"""The sandbox's pages: home, a group's channel, form pages. Each reads through the core
as the current person and renders core views; what a person may see is the core's call."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from core import interactions
from core.i18n import t
from core.interactions import FormRequest, Locale, Platform, Reply, Who
from core.services import groups, queries, rules
from core.services.context import Actor
from core.views import actions as a
from core.views.vocabulary import Button, Buttons, Card, ContextLine, Heading, Text, spans
from integrations.sandbox import html, pages
from integrations.sandbox.html import Surface, e
from integrations.sandbox.http import CSRF_FIELD
from integrations.sandbox.people import (
    COLLEAGUES,
    INSTALLER,
    MANAGER,
    MANAGERS_CHANNEL,
    NAMES,
    PREPARED_FACILITATOR,
    PREPARED_MEMBERS,
    WORKSPACE,
)

if TYPE_CHECKING:
    from integrations.sandbox.web import Sandbox

FORM_LINKS = ("case", "schedule", "trajectory", "turn", "goals")


@dataclass(frozen=True)
class Viewer:
    sandbox: Sandbox
    actor: Actor
    locale: Locale
    zone: ZoneInfo
    csrf: str
    path: str

    def who(self, *, channel: str | None = None) -> Who:
        return Who(
            platform=Platform.SANDBOX,
            workspace=WORKSPACE,
            person=self.actor.person,
            channel=channel,
            language=self.locale,
            zone=self.zone.key,
        )

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

    def render(self, reply: Reply) -> interactions.Rendered:
        return interactions.render(self.sandbox.ctx, reply, actor=self.actor)


def refused_page(view: Viewer, key: str, flashes: list[Card] | None = None) -> str:
    """A page the person may not see, saying why; what they were just told stays above it."""
    text = t(key, view.locale)
    refusal = Card(blocks=(Text(spans(text)),), summary=text)
    surface = view.surface()
    body = pages.flashes(flashes or [], surface)
    body += html.card(refusal, surface, css_class="panel refusal")
    back = f'<p><a href="/">{e(t("sandbox.home", view.locale))}</a></p>'
    return view.page(t("sandbox.refused", view.locale), body + back)


def not_found(view: Viewer) -> str:
    return refused_page(view, "sandbox.not_found")


def _refused(view: Viewer, cards: tuple[Card, ...]) -> str:
    body = "".join(html.card(c, view.surface(), css_class="panel refusal") for c in cards)
    back = f'<p><a href="/">{e(t("sandbox.home", view.locale))}</a></p>'
    return view.page(t("sandbox.refused", view.locale), body + back)


# ------------------------------------------------------------------ home


def home(view: Viewer, flashes: list[Card]) -> str:
    ctx, loc, messenger = view.sandbox.ctx, view.locale, view.sandbox.messenger
    mine = queries.groups_of(ctx, actor=view.actor)
    involved = [g for g in mine if g.is_involved(view.actor.person)]
    first = involved[0].channel if involved else ""
    surface = view.surface(channel=first)
    channels = "".join(
        f'<li><a href="/c/{e(g.channel)}">{e(g.name)}</a> '
        f'<code class="channel">#{e(g.channel)}</code></li>'
        for g in involved
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
    aside = pages.private_panel(messenger.direct(WORKSPACE, view.actor.person), surface)
    if any(view.actor.person in g.managers for g in mine):
        posted = messenger.channel(WORKSPACE, MANAGERS_CHANNEL)
        shown = "".join(html.card(p.card, surface) for p in reversed(posted[-10:]))
        aside += (
            '<section class="panel" id="managers-channel">'
            f"<h2>{e(t('sandbox.managers_channel', loc))}</h2>"
            + (shown or f'<p class="empty">{e(t("sandbox.thread_empty", loc))}</p>')
            + "</section>"
        )
    overview = view.render(interactions.command(ctx, view.who(), "home"))
    main = (
        pages.flashes(flashes, surface)
        + start
        + pages.command_box(view.surface(), "/")
        + "".join(html.card(c, surface, css_class="card overview") for c in overview.cards)
    )
    body = f'<div class="layout"><div>{main}</div><aside>{aside}</aside></div>'
    return view.page(t("home.title", loc), body)


def prepare_group(view: Viewer) -> str:
    """A ready group of five colleagues with a facilitator and a manager, added by the
    sandbox's installer (as ``intervision group create`` does for a real platform).
    Returns the new channel's page."""
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
    return f"/c/{channel}"


# ------------------------------------------------------------------ a group's channel


def channel(view: Viewer, channel_ref: str, flashes: list[Card]) -> tuple[str, str]:
    """The channel as a chat: its messages (meeting cards, reports), the latest meeting's
    thread with a reply form, the person's private messages and the group's people.
    Only the group's members and facilitator see it: the sandbox keeps the promise that
    case content reaches nobody else."""
    ctx, loc, messenger = view.sandbox.ctx, view.locale, view.sandbox.messenger
    group = queries.group_at(ctx, actor=view.actor, channel=channel_ref)
    if group is None:
        return "404 Not Found", refused_page(view, "group.none_in_channel", flashes)
    if not rules.sees_group_content(view.actor, group):
        return "403 Forbidden", refused_page(view, "rule.only_group_members", flashes)
    meeting_id = queries.latest_meeting_in(ctx, actor=view.actor, channel=channel_ref)
    surface = view.surface(channel=channel_ref, meeting=str(meeting_id or ""))
    post = queries.meeting_post(ctx, meeting_id=meeting_id) if meeting_id else None
    parts = []
    for item in messenger.channel(WORKSPACE, channel_ref):
        parts.append(pages.message("Intervision", html.card(item.card, surface), item, surface))
        if post is not None and item.ref == post.ref:
            parts.append(_thread(view, item.ref, meeting_id or 0, channel_ref, surface))
    if not parts:
        parts.append(
            pages.message("Intervision", html.card(_no_meeting(loc), surface), None, surface)
        )
    links = "".join(
        f'<a class="button" href="/c/{e(channel_ref)}/{kind}" data-open="{kind}">'
        f"{e(t(f'sandbox.open.{kind}', loc))}</a>"
        for kind in FORM_LINKS
    )
    main = (
        pages.channel_header(group.name, group.channel)
        + pages.flashes(flashes, surface)
        + "".join(parts)
        + f'<div class="buttons">{links}</div>'
        + pages.command_box(view.surface(channel=channel_ref), view.path)
    )
    people = [(p, "facilitator" if p == group.facilitator else "member") for p in group.members]
    if group.facilitator and group.facilitator not in group.members:
        people.append((group.facilitator, "facilitator"))
    people += [(p, "manager") for p in group.managers]
    aside = pages.private_panel(messenger.direct(WORKSPACE, view.actor.person), surface)
    aside += pages.people_panel(people, surface)
    body = f'<div class="layout"><div>{main}</div><aside>{aside}</aside></div>'
    return "200 OK", view.page(group.name, body)


def _thread(view: Viewer, root: str, meeting_id: int, channel_ref: str, surface: Surface) -> str:
    reply = ""
    meeting = queries.meeting_for(view.sandbox.ctx, actor=view.actor, meeting_id=meeting_id)
    if meeting.phase is not None:
        wanted = FormRequest(form=a.FORM_CONTRIBUTE, meeting_id=meeting_id)
        rendered = view.render(Reply(locale=view.locale, form=wanted))
        if rendered.form is not None:
            reply = html.form(rendered.form, view.surface(channel=channel_ref))
    return pages.thread_section(view.sandbox.messenger.thread(root), reply, surface)


def _no_meeting(locale: Locale) -> Card:
    start = Button(a.MEETING_START, t("button.start", locale), a.meeting_value(None), "primary")
    return Card(
        blocks=(
            Heading(t("sandbox.no_meeting_title", locale)),
            Text(spans(t("sandbox.no_meeting", locale))),
            Buttons((start,)),
        ),
        summary=t("sandbox.no_meeting_title", locale),
    )


# ------------------------------------------------------------------ form pages


def form_page(view: Viewer, who: Who, reply: Reply, flashes: list[Card]) -> tuple[str, str]:
    """A form the core opened for this person, or its refusal."""
    rendered = view.render(reply)
    if rendered.form is None:
        status = "404 Not Found" if _not_found(reply) else "403 Forbidden"
        return status, _refused(view, rendered.cards)
    form = rendered.form
    channel_ref = who.channel or ""
    surface = view.surface(channel=channel_ref, back=view.path)
    header = ""
    group = queries.group_at(view.sandbox.ctx, actor=view.actor, channel=channel_ref)
    if group is not None:
        header = pages.channel_header(group.name, group.channel)
    else:
        surface = view.surface(back=view.path)
        intro = ContextLine(spans(t("sandbox.group_form_hint", view.locale)))
        header = html.card(Card(blocks=(intro,), summary=""), surface, css_class="panel")
    back = f'<p><a href="/c/{e(channel_ref)}">← {e(group.name)}</a></p>' if group else ""
    body = header + pages.flashes(flashes, surface) + html.form(form, surface) + back
    return "200 OK", view.page(form.title, body)


def _not_found(reply: Reply) -> bool:
    return any(
        n.key.endswith(".not_found") or n.key == "group.none_in_channel" for n in reply.notices
    )
