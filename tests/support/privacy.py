"""Workspaces with held meetings on a real database, for the retention, export and erasure
tests; and the words a card shows, to check what a screen says after a purge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine

from core.bootstrap import bootstrap
from core.domain.common import Platform
from core.domain.meeting import Meeting
from core.services import groups, meetings, preparation
from core.services.context import Actor, Context
from core.views.vocabulary import Card, Field, Fields, Heading, Mention, Moment, Span
from tests.support.drive import play_to_the_end
from tests.support.factories import FACILITATOR, MANAGER, library, members
from tests.support.fakes import FakeClock

MEMBERS = members(5)
OWNER = "U_M2"
TITLE = "Night shift alone"
QUESTION = "How do I ask for help sooner?"


@dataclass
class Place:
    """One workspace on a real database, with a clock the test moves."""

    ctx: Context
    clock: FakeClock
    workspace_id: int
    external_id: str
    channels: list[str] = field(default_factory=list)

    def actor(self, person: str) -> Actor:
        return Actor(workspace_id=self.workspace_id, person=person)

    @property
    def admin(self) -> Actor:
        return Actor(workspace_id=self.workspace_id, person="", is_admin=True)

    def group(
        self,
        *,
        name: str = "Noord",
        facilitator: str | None = FACILITATOR,
        managers: tuple[str, ...] = (MANAGER,),
        locale: str = "en",
    ) -> int:
        channel = f"C{len(self.channels) + 1}"
        self.channels.append(channel)
        created = groups.create_group(
            self.ctx,
            actor=self.admin,
            name=name,
            channel=channel,
            members=MEMBERS,
            facilitator=facilitator,
            managers=list(managers),
            locale=locale,  # type: ignore[arg-type]
        )
        assert created.group.id is not None
        involved = {*MEMBERS, *([facilitator] if facilitator else [])}
        groups.note_channel_members(self.ctx, group_id=created.group.id, present=involved)
        return created.group.id  # its channel looked at: the group's alone

    def hold(self, group_id: int, *, owner: str = OWNER, report: bool = True) -> Meeting:
        """A whole incident meeting on ``owner``'s case (shared in the report), to the end."""
        case = preparation.submit_case(
            self.ctx,
            actor=self.actor(owner),
            group_id=group_id,
            title=TITLE,
            help_question=QUESTION,
            description="It was 3 am and nobody answered.",
            consent_to_report=True,
        )
        lead = self.actor(FACILITATOR)
        meeting = meetings.start_meeting(self.ctx, actor=lead, group_id=group_id).meeting
        assert meeting.id is not None and case.id is not None
        meetings.choose_case(self.ctx, actor=lead, meeting_id=meeting.id, case_id=case.id)
        play_to_the_end(
            self.ctx, workspace_id=self.workspace_id, meeting_id=meeting.id, facilitator=FACILITATOR
        )
        if report:
            meetings.publish_report(self.ctx, actor=lead, meeting_id=meeting.id)
        return self.meeting(meeting.id)

    def meeting(self, meeting_id: int) -> Meeting:
        with self.ctx.uow() as uow:
            return uow.meetings.get(meeting_id)

    def later(self, **delta: float) -> None:
        self.clock.tick(**delta)


def place(
    engine: Engine,
    *,
    external_id: str = "T1",
    platform: Platform = Platform.SLACK,
    clock: FakeClock | None = None,
) -> Place:
    clock = clock or FakeClock()
    ctx = bootstrap(engine, methods=library(), clock=clock)
    workspace = groups.ensure_workspace(ctx, platform=platform, external_id=external_id)
    assert workspace.id is not None
    return Place(ctx=ctx, clock=clock, workspace_id=workspace.id, external_id=external_id)


def statistics(meeting: Meeting) -> dict[str, object]:
    """What a meeting's report and the managers' numbers are made of."""
    return {
        "participants": len(meeting.participants),
        "attended": len({c.author for c in meeting.contributions} & set(meeting.participants)),
        "rating": meeting.average_rating(),
        "rounds": [
            (r.phase_id, r.status, len(r.order), len(r.contributed), len(r.passed))
            for r in meeting.rounds
        ],
        "said": [(c.phase_index, c.kind, c.score, c.revealed) for c in meeting.contributions],
    }


def words(card: Card) -> str:
    """Everything a card says, mentions as ``@person``."""
    out: list[str] = []
    for block in card.blocks:
        if isinstance(block, Heading):
            out.append(block.text)
        elif isinstance(block, Fields):
            out += [_field(item) for item in block.items]
        out += [_span(part) for part in getattr(block, "parts", ())]
    return " ".join(out)


def _field(item: Field) -> str:
    return item.label + ": " + "".join(_span(part) for part in item.value)


def _span(part: Span) -> str:
    if isinstance(part, Mention):
        return f"@{part.person}"
    if isinstance(part, Moment):
        return part.at.isoformat()
    return part.text


DAY = timedelta(days=1)
