"""Reports: the meeting report for the group's channel, the health card for managers."""

from __future__ import annotations

from core.domain.common import Locale
from core.domain.method import ContributionKind
from core.domain.round import RoundStatus
from core.i18n import t
from core.services.queries import GroupHealth, MeetingSnapshot
from core.views.privacy import case_text, said
from core.views.vocabulary import (
    Block,
    Card,
    ContextLine,
    Field,
    Fields,
    Heading,
    Moment,
    Strong,
    Text,
    spans,
)


def meeting_report(snapshot: MeetingSnapshot) -> Card:
    """The case appears only with its owner's consent; ratings only as an average."""
    meeting, locale, case = snapshot.meeting, snapshot.group.locale, snapshot.case
    held = [r for r in meeting.rounds if r.status is not RoundStatus.SKIPPED]
    skipped = [r for r in meeting.rounds if r.status is RoundStatus.SKIPPED]
    average = meeting.average_rating()
    blocks: list[Block] = [
        Heading(t("report.title", locale, group=snapshot.group.name)),
        Fields(
            (
                Field(t("card.method", locale), spans(snapshot.method.name(locale))),
                Field(
                    t("card.when", locale), (Moment(meeting.started_at or meeting.scheduled_at),)
                ),
                Field(
                    t("report.phases", locale),
                    spans(t("report.phases_value", locale, held=len(held), skipped=len(skipped))),
                ),
                Field(t("report.participants", locale), spans(str(len(meeting.participants)))),
                Field(
                    t("report.rating", locale),
                    spans(f"{average} / 5" if average is not None else "–"),
                ),
            )
        ),
    ]
    if case is not None and case.consent_to_report and snapshot.group.shows_content:
        blocks.append(Text(spans(Strong(t("card.case", locale) + ": "), *case_text(case, locale))))
        takeaway = [
            c
            for c in meeting.contributions
            if c.kind is ContributionKind.REFLECTION
            and c.author == case.owner
            and meeting.phases[c.phase_index].id == "takeaway"
        ]
        if takeaway:
            blocks.append(
                Text(
                    spans(
                        Strong(t("report.takeaway", locale) + ": "),
                        said(takeaway[-1].text, takeaway[-1].removed, locale),
                    )
                )
            )
    elif case is not None:
        blocks.append(ContextLine(spans(t("report.case_private", locale))))
    blocks.append(ContextLine(spans(t("report.reflection_reminder", locale))))
    return Card(blocks=tuple(blocks), summary=t("report.title", locale, group=snapshot.group.name))


def health_card(health: GroupHealth, loc: Locale) -> Card:
    attendance = f"{health.attendance_percent}%" if health.attendance_percent is not None else "–"
    rating = f"{health.average_rating} / 5" if health.average_rating is not None else "–"
    return Card(
        blocks=(
            Heading(t("health.title", loc, group=health.group_name)),
            Fields(
                (
                    Field(t("health.members", loc), spans(str(health.members))),
                    Field(t("health.meetings_held", loc), spans(str(health.meetings_held))),
                    Field(t("health.meetings_planned", loc), spans(str(health.meetings_planned))),
                    Field(t("health.attendance", loc), spans(attendance)),
                    Field(t("health.rating", loc), spans(rating)),
                    Field(
                        t("health.goals", loc),
                        spans(f"{health.members_with_goals} / {health.members}"),
                    ),
                )
            ),
            ContextLine(spans(t("health.privacy", loc))),
        ),
        summary=t("health.title", loc, group=health.group_name),
    )
