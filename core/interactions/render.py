"""A reply as neutral views: the cards to show the person, the form to open.

Everything a screen or a form shows is read here with the person's own rights (a
meeting's report only for its group, a goal only for its owner), in the reply's
language. Each adapter renders the result for its platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from core.domain.errors import DomainError, NotPossibleNow
from core.i18n import said
from core.interactions.replies import FormRequest, Reply, Screen
from core.services import calendars, queries, rotas
from core.services.context import Actor, Context
from core.views import actions as a
from core.views import forms
from core.views.calendar import feed_links
from core.views.direct import line
from core.views.home import calendar_card, help_card, overview_card, task_list
from core.views.meeting import meeting_card
from core.views.report import health_card, meeting_report
from core.views.vocabulary import Card, Divider, Form


@dataclass(frozen=True)
class Rendered:
    cards: tuple[Card, ...] = ()
    """What to show the person, in order: notices, then a screen."""
    form: Form | None = None
    errors: dict[str, str] = field(default_factory=dict)
    """For a refused form: input id -> why, to show beside that input."""

    def as_one_card(self) -> Card | None:
        """The cards as one message (platforms that show one answer), or None."""
        if not self.cards:
            return None
        if len(self.cards) == 1:
            return self.cards[0]
        blocks = []
        for index, card in enumerate(self.cards):
            blocks += ([Divider()] if index else []) + list(card.blocks)
        return Card(blocks=tuple(blocks), summary=" · ".join(c.summary for c in self.cards))


def render(ctx: Context, reply: Reply, *, actor: Actor, invoked_as: str = "") -> Rendered:
    """``invoked_as``: how the person calls the app where they are (``/intervisie``,
    ``@Intervision``, or nothing in a personal chat), for the help."""
    locale = reply.locale
    cards = [line(n.key, locale, n.params, refusal=n.refusal) for n in reply.notices]
    try:
        if reply.screen is not None:
            cards.append(screen(ctx, reply.screen, reply, actor=actor, invoked_as=invoked_as))
        form = form_of(ctx, reply.form, reply, actor=actor) if reply.form is not None else None
    except DomainError as error:  # the rules changed their mind since the reply was made
        cards.append(line(error.key, locale, error.params, refusal=True))
        form = None
    return Rendered(cards=tuple(cards), form=form, errors=field_errors(reply))


def field_errors(reply: Reply) -> dict[str, str]:
    """For a refused form: input id -> why, in the reply's language (no reading needed)."""
    return {
        n.field: said(n.key, reply.locale, n.params) for n in reply.notices if n.refusal and n.field
    }


def screen(
    ctx: Context, wanted: Screen, reply: Reply, *, actor: Actor, invoked_as: str = ""
) -> Card:
    locale = reply.locale
    if wanted.name == "help":
        return help_card(locale, invoked_as, unknown_word=wanted.unknown_word)
    if wanted.name == "calendar":
        token = calendars.own_token(ctx, actor=actor)
        if token is None:
            raise NotPossibleNow("calendar.no_link")
        return calendar_card(*feed_links(ctx.public_url, token), locale)
    if wanted.name == "tasks":
        return task_list(queries.overview(ctx, actor=actor).tasks, locale)
    if wanted.name == "home":
        view = queries.overview(ctx, actor=actor)
        health = queries.health_of_managed(ctx, actor=actor, groups=view.managed)
        return overview_card(view, locale, health)
    if wanted.name == "report" and wanted.meeting_id is not None:
        snapshot = queries.meeting_snapshot(ctx, meeting_id=wanted.meeting_id, viewer=actor)
        return meeting_report(snapshot)
    if wanted.name == "health" and wanted.group_id is not None:
        return health_card(queries.group_health(ctx, actor=actor, group_id=wanted.group_id), locale)
    raise ValueError(f"unknown screen {wanted!r}")


def form_of(ctx: Context, wanted: FormRequest, reply: Reply, *, actor: Actor) -> Form:
    locale = reply.locale
    if wanted.form == a.FORM_GROUP:
        return forms.group_form(ctx.methods, locale, wanted.channel)
    if wanted.form == a.FORM_CONTRIBUTE and wanted.meeting_id is not None:
        meeting = queries.meeting_for(ctx, actor=actor, meeting_id=wanted.meeting_id)
        if meeting.phase is None:
            raise NotPossibleNow("meeting.no_open_round")
        return forms.contribute_form(
            meeting, meeting.phase, locale, as_case_owner=actor.person == meeting.case_owner
        )
    group = queries.group_for(ctx, actor=actor, group_id=wanted.group_id or 0)
    if wanted.form == a.FORM_CASE:
        return forms.case_form(group, locale)
    if wanted.form == a.FORM_GOAL:
        goal = (
            queries.goal_for(ctx, actor=actor, goal_id=wanted.goal_id) if wanted.goal_id else None
        )
        return forms.goal_form(group, locale, goal)
    if wanted.form == a.FORM_SCHEDULE:
        planned = (
            queries.meeting_for(ctx, actor=actor, meeting_id=wanted.meeting_id)
            if wanted.meeting_id
            else None
        )
        now = ctx.clock.now()
        suggested = (now + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
        return forms.schedule_form(group, ctx.methods, locale, planned, suggested=suggested)
    if wanted.form == a.FORM_TURN:
        turn = rotas.next_turn(ctx, actor=actor, group_id=group.id or 0)
        return forms.turn_form(group, turn, locale)
    if wanted.form == a.FORM_TRAJECTORY:
        now = ctx.clock.now()
        suggested = (now + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
        return forms.trajectory_form(group, ctx.methods, locale, suggested=suggested)
    raise ValueError(f"unknown form {wanted!r}")


def meeting_now(ctx: Context, meeting_id: int, *, actor: Actor) -> Card | None:
    """The meeting's card as its group sees it now (for a platform that answers a click
    on the card with the card itself); None for anyone outside the group: a manager or an
    outsider never gets the card's case text back."""
    try:
        snapshot = queries.meeting_snapshot(ctx, meeting_id=meeting_id, viewer=actor)
    except DomainError:
        return None
    return meeting_card(snapshot, now=ctx.clock.now())
