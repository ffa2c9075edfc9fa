"""The entry points every adapter calls: who did what, where -> a neutral ``Reply``.

An adapter extracts a ``Who`` from the platform's request and the command text, the
button's action id and value, or the form's inputs, and calls ``command``, ``action``,
``submit`` or ``thread_message``. Parsing (``table``), authorisation and the change
(services) and the answer (``handlers``) all happen here, the same for every platform.
Nothing escapes as an exception: a refusal or a bad input becomes a reply that says
why, in the person's language, and an unexpected failure is logged and answered with
an apology rather than a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.domain.common import DEFAULT_LOCALE, LOCALES, ChannelRef, Locale, PersonRef, Platform
from core.domain.errors import DomainError, InvalidInput
from core.interactions import intents as i
from core.interactions import table
from core.interactions.handlers import HANDLERS, Call
from core.interactions.replies import Notice, Reply
from core.interactions.workspaces import workspace_id
from core.services import groups, notify, queries
from core.services.context import Actor, Context
from core.services.guard import AlreadyApplied, RequestGuard, guarded

log = logging.getLogger("intervision.interactions")
replies_log = logging.getLogger("intervision.interactions.replies")
"""Every reply, at DEBUG, with the reply itself in the record's ``reply`` (for tracing)."""


@dataclass(frozen=True)
class Who:
    """What an adapter knows of a request: the person, where they are, what they read."""

    platform: Platform
    workspace: str
    """The platform's id of the workspace (Slack team id, Microsoft tenant id)."""
    person: PersonRef
    channel: ChannelRef | None = None
    """The channel it happened in; None in a private chat with the app or its home."""
    message: str | None = None
    """The message clicked, or the root of the thread the message is in."""
    language: str | None = None
    """The person's language as the platform says it (``nl-NL``, ``en``), if it does."""
    zone: str | None = None
    """The person's time zone (IANA), if the platform says."""


def command(
    ctx: Context,
    who: Who,
    text: str,
    *,
    slash: str | None = None,
    guard: RequestGuard | None = None,
) -> Reply:
    """A typed command (``/intervision casus``, ``@Intervision start``, a personal chat)."""
    hint = table.SLASH_COMMANDS.get(slash or "") or table.command_language(text)
    return _run(ctx, who, lambda base: table.from_command(text, base), language=hint, guard=guard)


def action(
    ctx: Context, who: Who, action_id: str, value: str, *, guard: RequestGuard | None = None
) -> Reply:
    """A button (``core.views.actions``) with its value. ``guard``: see ``submit``."""
    return _run(ctx, who, lambda base: table.from_action(action_id, value, base), guard=guard)


def submit(
    ctx: Context,
    who: Who,
    form_id: str,
    state: Mapping[str, str],
    values: Mapping[str, object],
    *,
    guard: RequestGuard | None = None,
) -> Reply:
    """A submitted form: its id, the state it carried and the ``{input id: value}`` entered.
    A refusal names the input it is about (``Notice.field``).

    ``guard`` (every entry point takes one): the platform's key of the request, recorded
    with its effect, so that the request delivered again changes nothing and gets an empty
    reply; and when the platform stops waiting, after which nothing is committed
    (``error.busy``). See ``core.services.guard``."""
    return _run(
        ctx,
        who,
        lambda base: table.from_form(form_id, state, values, base),
        form=(form_id, values),
        guard=guard,
    )


def thread_message(
    ctx: Context,
    who: Who,
    text: str,
    *,
    source_ref: str,
    edited: bool = False,
    deleted: bool = False,
    guard: RequestGuard | None = None,
) -> Reply | None:
    """A message in a thread: a contribution when the thread is a meeting's (its edits
    revise it, its deletion withdraws it); None when the thread is not a meeting's."""
    actor = actor_of(ctx, who)
    meeting_id = queries.meeting_of_thread(
        ctx, actor=actor, channel=who.channel, message=who.message
    )
    if meeting_id is None:
        return None
    return _run(
        ctx,
        who,
        lambda base: table.from_thread_message(
            text,
            source_ref=source_ref,
            edited=edited,
            deleted=deleted,
            meeting_id=meeting_id,
            base=base,
        ),
        guard=guard,
    )


def channel_changed(ctx: Context, who: Who) -> None:
    """The platform says someone joined or left ``who.channel`` (None: somewhere in the
    workspace, as a Teams team's roster): the groups there look again at who can read
    their channel before more of a case is posted in it. Never raises."""
    try:
        workspace = workspace_id(ctx, who.platform, who.workspace)
        count = groups.channel_membership_changed(ctx, workspace_id=workspace, channel=who.channel)
        log.info(
            "%s: membership of %s changed, %d group(s) look again",
            who.platform.value,
            who.channel or "the workspace",
            count,
        )
    except Exception:
        log.exception("a channel membership change could not be noted (%s)", who.platform.value)


def send_later(
    ctx: Context,
    who: Who,
    reply: Reply,
    *,
    invoked_as: str = "",
    guard: RequestGuard | None = None,
) -> None:
    """Deliver a reply privately through the outbox (where a platform cannot answer inside
    its request, and so that no request waits on the platform). With the request's
    ``guard``, a reply to a request answered before is not queued again."""
    actor = actor_of(ctx, who)
    with (guarded(ctx, guard) if guard else ctx).uow() as uow:
        notify.reply_to(
            uow,
            workspace_id=actor.workspace_id,
            person=actor.person,
            reply=reply.model_dump(mode="json"),
            channel=who.channel,
            invoked_as=invoked_as,
            now=ctx.clock.now(),
        )
        try:
            uow.commit()
        except AlreadyApplied:  # answered when the platform delivered it the first time
            return


def dispatch(ctx: Context, intent: i.Intent, *, locale: Locale) -> Reply:
    """Carry out one intent (``handlers.HANDLERS``); domain refusals propagate."""
    return HANDLERS[type(intent)](Call(ctx, locale), intent)


# ------------------------------------------------------------------ helpers


def actor_of(ctx: Context, who: Who) -> Actor:
    """The person within their workspace, which the adapter admitted (``workspaces.admit``)."""
    return Actor(workspace_id=workspace_id(ctx, who.platform, who.workspace), person=who.person)


def _run(
    ctx: Context,
    who: Who,
    parse: Callable[[dict[str, Any]], i.Intent],
    *,
    language: Locale | None = None,
    form: tuple[str, Mapping[str, object]] | None = None,
    guard: RequestGuard | None = None,
) -> Reply:
    locale = language or _language(who.language) or DEFAULT_LOCALE
    try:
        actor = actor_of(ctx, who)
        defaults = queries.defaults_at(ctx, actor=actor, channel=who.channel)
        locale = language or _language(who.language) or defaults.locale
        base: dict[str, Any] = {
            "actor": actor,
            "place": i.Place(channel=who.channel, message=who.message),
            "language": locale,
            "zone": _zone(who.zone) or defaults.time_zone,
        }
        reply = dispatch(guarded(ctx, guard) if guard else ctx, parse(base), locale=locale)
    except AlreadyApplied as done:
        log.info("%s %s: %s was carried out before", who.platform.value, who.person, done.key)
        reply = Reply(locale=locale)
    except DomainError as error:
        log.info("refused %s for %s: %r", who.platform.value, who.person, error)
        reply = refusal(error, locale, form=form)
    except Exception:
        log.exception("an interaction failed unexpectedly (%s)", who.platform.value)
        reply = Reply(locale=locale, notices=(Notice(key="error.unexpected", refusal=True),))
    replies_log.debug(
        "%s %s: %s", who.platform.value, who.person, reply, extra={"who": who, "reply": reply}
    )
    return reply


def refusal(
    error: DomainError, locale: Locale, *, form: tuple[str, Mapping[str, object]] | None = None
) -> Reply:
    """What the person hears when the rules say no; for a form, on the input concerned
    (the one the error names, else the form's first)."""
    field = None
    if form is not None:
        form_id, values = form
        named = str(error.params.get("field") or "")
        field = named if isinstance(error, InvalidInput) and named in values else None
        field = field or table.FIRST_INPUT.get(form_id)
    params = {k: v for k, v in error.params.items() if isinstance(v, str | int | float)}
    return Reply(
        locale=locale,
        notices=(Notice(key=error.key, params=params, refusal=True, field=field),),
    )


def _zone(value: str | None) -> str | None:
    """A time zone the platform named, if it is one we know (clients send odd ones)."""
    try:
        return ZoneInfo(value).key if value else None
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _language(value: str | None) -> Locale | None:
    language = (value or "").split("-")[0].split("_")[0].lower()
    return next((locale for locale in LOCALES if locale == language), None)
