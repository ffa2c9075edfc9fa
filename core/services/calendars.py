"""Calendar feeds: each member's and each group's meetings and preparation deadlines,
behind an unguessable, revocable token (``/calendar/{token}.ics``).

Where a platform lets us (``Context.calendar_platforms``: Outlook through Microsoft Graph)
the same entries are also written into each person's own calendar and task list: a change
queues ``write_later`` in its transaction, and the delivery path writes what
``person_calendar`` shows then (``core.jobs.delivery``).

A feed shows when, never what: meeting times, the method, the group's name, the kind of
each preparation task; no case, no contribution, no reflection. A manager's feed holds no
group they only sponsor.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from core.domain.common import Locale, PersonRef
from core.domain.errors import NotAllowed
from core.domain.group import Group
from core.domain.meeting import Meeting
from core.domain.tasks import PreparationTask
from core.services import notify, rules
from core.services.context import Actor, Context
from core.services.ports import FeedOwner, Notification, UnitOfWork

TOKEN_BYTES = 32
"""256 bits of randomness: a feed's link cannot be guessed."""


@dataclass(frozen=True)
class CalendarFeed:
    """What a feed shows: its owner, its language, the meetings of its groups (by id) and,
    for a person, their preparation tasks."""

    owner: FeedOwner
    locale: Locale
    zone: str
    """The workspace's time zone: for meetings planned before zones were kept."""
    groups: dict[int, Group]
    meetings: list[Meeting]
    tasks: list[PreparationTask]


def link_token(ctx: Context, *, actor: Actor, owner: FeedOwner) -> str:
    """The owner's feed token, made on first use. A person asks for their own feed, a
    group's member, facilitator or manager (or an admin) for the group's."""
    with ctx.uow() as uow:
        _require_may_see(uow, actor, owner)
        token = uow.calendars.token_of(owner)
        if token is None:
            token = secrets.token_urlsafe(TOKEN_BYTES)
            uow.calendars.add(owner, token, now=ctx.clock.now())
            uow.commit()
        return token


def renew_token(ctx: Context, *, actor: Actor, owner: FeedOwner) -> str:
    """Revoke the owner's feed link (calendars subscribed to it stop updating) and make a
    new one."""
    with ctx.uow() as uow:
        _require_may_see(uow, actor, owner)
        uow.calendars.revoke(owner)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        uow.calendars.add(owner, token, now=ctx.clock.now())
        uow.commit()
        return token


def own_token(ctx: Context, *, actor: Actor) -> str | None:
    """The person's own feed token, if they have one (read only)."""
    with ctx.uow() as uow:
        return uow.calendars.token_of(
            FeedOwner(workspace_id=actor.workspace_id, person=actor.person)
        )


def feed(ctx: Context, token: str) -> CalendarFeed | None:
    """The feed behind ``token``; None when there is none (never made, or revoked)."""
    if not token or len(token) > 64:
        return None
    with ctx.uow() as uow:
        owner = uow.calendars.owner_of(token)
        return None if owner is None else _feed(uow, owner)


def person_calendar(ctx: Context, *, workspace_id: int, person: PersonRef) -> CalendarFeed:
    """What the person's own feed shows now: what their own calendar should hold."""
    with ctx.uow() as uow:
        return _feed(uow, FeedOwner(workspace_id=workspace_id, person=person))


def write_later(
    ctx: Context, uow: UnitOfWork, *, workspace_id: int, people: Iterable[PersonRef]
) -> int:
    """Queue, in this transaction, bringing each of ``people``'s own calendar up to date
    (after a meeting or task of theirs was planned, moved, called off, done or skipped);
    nothing where their platform's calendars are not written to. Returns how many."""
    if not ctx.calendar_platforms:
        return 0
    if uow.workspaces.get(workspace_id).platform not in ctx.calendar_platforms:
        return 0
    queued = 0
    for person in sorted(set(people)):
        uow.outbox.add(
            Notification(
                topic=notify.CALENDAR,
                workspace_id=workspace_id,
                person=person,
                # One person's calendar is written by one delivery at a time, in order.
                sequence=f"calendar:{workspace_id}:{person}"[:64],
            ),
            now=ctx.clock.now(),
        )
        queued += 1
    return queued


def attendees(group: Group) -> list[PersonRef]:
    """Whose calendars hold the group's meetings: its members and its facilitator."""
    return [*group.members, *([group.facilitator] if group.facilitator else [])]


def _feed(uow: UnitOfWork, owner: FeedOwner) -> CalendarFeed:
    workspace = uow.workspaces.get(owner.workspace_id)
    if owner.group_id is not None:
        group = uow.groups.get(owner.group_id)
        groups = [group]
        locale = group.locale
        tasks: list[PreparationTask] = []
    else:
        assert owner.person is not None
        groups = _attended(uow, owner.workspace_id, owner.person)
        locale = groups[0].locale if groups else workspace.locale
        tasks = uow.tasks.for_person(owner.workspace_id, owner.person, open_only=False)
    by_id = {group.id: group for group in groups if group.id is not None}
    meetings = uow.meetings.schedule_of(list(by_id))
    held = {meeting.id for meeting in meetings}
    return CalendarFeed(
        owner=owner,
        locale=locale,
        zone=workspace.time_zone,
        groups=by_id,
        meetings=meetings,
        tasks=[task for task in tasks if task.meeting_id in held],
    )


def _attended(uow: UnitOfWork, workspace_id: int, person: PersonRef) -> list[Group]:
    """The groups whose meetings the person attends: as a member or the facilitator."""
    return [
        group
        for group in uow.groups.for_person(workspace_id, person)
        if group.is_member(person) or group.facilitator == person
    ]


def _require_may_see(uow: UnitOfWork, actor: Actor, owner: FeedOwner) -> None:
    group = None if owner.group_id is None else uow.groups.get(owner.group_id)
    if group is not None:
        rules.require_same_workspace(actor, group)
    elif actor.workspace_id != owner.workspace_id:
        raise NotAllowed("rule.other_workspace")
    rules.require_calendar_reader(actor, group, owner.person)
