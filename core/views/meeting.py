"""The meeting's screens: its one card in the channel, and the messages in its thread."""

from __future__ import annotations

from datetime import datetime

from core.domain.common import Locale
from core.domain.group import ChannelStatus
from core.domain.meeting import Meeting, MeetingState
from core.domain.method import CaseOwnerRole, Phase, Speakers
from core.i18n import t
from core.services.queries import MeetingSnapshot
from core.views import actions as a
from core.views.privacy import case_text, person, said
from core.views.vocabulary import (
    Block,
    Button,
    Buttons,
    Card,
    Confirm,
    ContextLine,
    Divider,
    Emphasis,
    Field,
    Fields,
    Heading,
    Mention,
    Moment,
    Span,
    Strong,
    Text,
    spans,
)


def meeting_card(snapshot: MeetingSnapshot, *, now: datetime) -> Card:
    """The one message per meeting, edited in place as the meeting moves on."""
    group, meeting, locale = snapshot.group, snapshot.meeting, snapshot.group.locale
    method_name = snapshot.method.name(locale)
    blocks: list[Block] = [
        Heading(t("card.title", locale, group=group.name)),
        Fields(
            (
                Field(t("card.method", locale), spans(method_name)),
                Field(t("card.state", locale), spans(_state_label(meeting, locale))),
                Field(
                    t("card.when", locale), (Moment(meeting.started_at or meeting.scheduled_at),)
                ),
                *_chair_field(meeting, locale),
            )
        ),
    ]
    if not group.shows_content:
        blocks += channel_warning(snapshot, locale)
    elif snapshot.case is not None and meeting.state is not MeetingState.CANCELLED:
        blocks.append(
            Text(
                spans(
                    Strong(t("card.case", locale) + ": "),
                    *case_text(snapshot.case, locale),
                    "  — ",
                    person(snapshot.case.owner, locale),
                )
            )
        )
    blocks += _state_blocks(snapshot, locale, now)
    return Card(
        blocks=tuple(blocks),
        summary=t("card.summary", locale, group=group.name, state=_state_label(meeting, locale)),
    )


def _cancel_button(position: str, locale: Locale) -> Button:
    """Calling the meeting off before its first phase: asked first, as it cannot be undone."""
    label = t("button.cancel_meeting", locale)
    return Button(a.MEETING_CANCEL, label, position, "danger", ask("cancel", locale))


def _chair_field(meeting: Meeting, locale: Locale) -> tuple[Field, ...]:
    """The chair; before the meeting, the rota's turns (who brings the case, who chairs)."""
    if meeting.state is MeetingState.PLANNED:
        turns = (("card.case_turn", meeting.case_turn), ("card.chair_turn", meeting.chair_turn))
        return tuple(
            Field(t(key, locale), (person(ref, locale),)) for key, ref in turns if ref is not None
        )
    if meeting.chair is None:
        return ()
    return (Field(t("card.chair", locale), (person(meeting.chair, locale),)),)


def _state_label(meeting: Meeting, locale: Locale) -> str:
    label = t(f"state.{meeting.state.value}", locale)
    if meeting.paused_at is not None:
        label += " · " + t("card.paused", locale)
    return label


def _state_blocks(snapshot: MeetingSnapshot, locale: Locale, now: datetime) -> list[Block]:
    meeting = snapshot.meeting
    state = meeting.state
    position = a.meeting_value(meeting.id, meeting.position)
    if state is MeetingState.PLANNED:
        return [
            Text(spans(t("card.planned_hint", locale))),
            Buttons(
                (
                    Button(a.MEETING_START, t("button.start", locale), position, "primary"),
                    Button(a.CASE_OPEN_FORM, t("button.submit_case", locale)),
                    _cancel_button(position, locale),
                )
            ),
        ]
    if state is MeetingState.OPEN_FOR_CASES:
        blocks: list[Block] = [Text(spans(t("card.open_for_cases_hint", locale)))]
        for number, case in enumerate(snapshot.open_cases[:10], start=1):
            if snapshot.group.shows_content:
                line = spans(
                    Strong(case.title),
                    " — ",
                    Emphasis(case.help_question),
                    " ",
                    Mention(case.owner),
                )
            else:  # which case, not what it is about
                line = spans(Strong(t("card.case_number", locale, number=number)))
            blocks.append(Text(line))
            blocks.append(
                Buttons(
                    (
                        Button(
                            a.MEETING_CHOOSE_CASE,
                            t("button.choose_case", locale),
                            a.meeting_value(meeting.id, str(case.id)),
                        ),
                    )
                )
            )
        if not snapshot.open_cases:
            blocks.append(ContextLine(spans(t("card.no_cases_yet", locale))))
        blocks.append(
            Buttons(
                (
                    Button(a.CASE_OPEN_FORM, t("button.submit_case", locale), style="primary"),
                    _cancel_button(position, locale),
                )
            )
        )
        return blocks
    if state is MeetingState.CASE_CHOSEN:
        return [
            Text(spans(t("card.case_chosen_hint", locale))),
            Buttons(
                (
                    Button(a.MEETING_ADVANCE, t("button.begin", locale), position, "primary"),
                    _cancel_button(position, locale),
                )
            ),
        ]
    if meeting.phase is not None:
        return _running_blocks(meeting, meeting.phase, locale, now)
    if state is MeetingState.EVALUATED:
        return [
            Text(spans(t("card.evaluated_hint", locale))),
            Buttons(
                (Button(a.MEETING_REPORT, t("button.publish_report", locale), position, "primary"),)
            ),
        ]
    return [ContextLine(spans(t(f"card.{state.value}_hint", locale)))]


def _running_blocks(meeting: Meeting, phase: Phase, locale: Locale, now: datetime) -> list[Block]:
    current = meeting.current_round
    assert current is not None and meeting.phase_index is not None
    number, total = meeting.phase_index + 1, len(meeting.phases)
    progress: list[Span | str] = [t("card.phase_of", locale, number=number, total=total), " · "]
    remaining = meeting.remaining(now)
    if meeting.phase_days is not None:  # async: until a moment each reader sees in their time
        progress += [t("card.respond_by", locale), " ", Moment(current.deadline)]
    elif remaining is not None:
        progress.append(
            t("card.minutes_left", locale, minutes=int(remaining.total_seconds() // 60))
        )
    blocks: list[Block] = [
        Divider(),
        Text(spans(Strong(phase.title(locale)), "\n", phase.prompt(locale))),
        ContextLine(spans(*progress)),
    ]
    if current.order:
        done = len(current.contributed) + len(current.passed)
        turn = current.current_turn
        line: list[Span | str] = [t("card.progress", locale, done=done, total=len(current.order))]
        if turn is not None and phase.speakers is Speakers.EACH:
            line += [" · ", t("card.turn", locale), " ", Mention(turn)]
        blocks.append(ContextLine(spans(*line)))
    notes = _rule_notes(phase, locale)
    if notes:
        blocks.append(ContextLine(spans(notes)))
    value = a.meeting_value(meeting.id, meeting.position)
    blocks.append(
        Buttons(
            (
                Button(
                    a.MEETING_CONTRIBUTE,
                    t(
                        "button.write_privately" if phase.write_first else "button.contribute",
                        locale,
                    ),
                    value,
                    "primary",
                ),
                Button(a.MEETING_PASS, t("button.pass", locale), value),
                Button(a.MEETING_ADVANCE, t("button.next_phase", locale), value),
                Button(a.MEETING_EXTEND, t("button.extend", locale), value),
                Button(
                    a.MEETING_PAUSE,
                    t("button.resume" if meeting.paused_at else "button.pause", locale),
                    value,
                ),
                Button(
                    a.MEETING_CLOSE,
                    t("button.close", locale),
                    value,
                    "danger",
                    confirm=ask("close", locale),
                ),
            )
        )
    )
    return blocks


def _rule_notes(phase: Phase, locale: Locale) -> str:
    notes = []
    if phase.write_first:
        notes.append(t("rule.write_first", locale))
    if phase.speakers is not Speakers.CASE_OWNER:
        if phase.case_owner is CaseOwnerRole.TURNED_AWAY:
            notes.append(t("rule.turned_away", locale))
        elif phase.case_owner is CaseOwnerRole.SILENT:
            notes.append(t("rule.case_owner_silent", locale))
    if phase.is_question_round:
        notes.append(t("rule.questions_only", locale))
    return " · ".join(notes)


# ------------------------------------------------------------------ thread messages


def phase_opened(snapshot: MeetingSnapshot, phase_index: int) -> Card:
    meeting, locale = snapshot.meeting, snapshot.group.locale
    phase = meeting.phases[phase_index]
    round_ = next(r for r in meeting.rounds if r.phase_index == phase_index)
    blocks: list[Block] = [
        Heading(
            t("thread.phase_heading", locale, number=phase_index + 1, title=phase.title(locale))
        ),
        Text(spans(phase.prompt(locale))),
    ]
    if round_.order and phase.speakers is Speakers.EACH:
        order: list[Span | str] = [t("thread.order", locale), " "]
        for index, person in enumerate(round_.order):
            order += ([", "] if index else []) + [Mention(person)]
        blocks.append(ContextLine(spans(*order)))
    elif round_.order:
        blocks.append(
            ContextLine(spans(t("thread.speaker", locale), " ", Mention(round_.order[0])))
        )
    notes = _rule_notes(phase, locale)
    where = "thread.write_privately" if phase.write_first else "thread.reply_here"
    blocks.append(ContextLine(spans(t(where, locale) + (" · " + notes if notes else ""))))
    return Card(blocks=tuple(blocks), summary=phase.title(locale))


def revealed(snapshot: MeetingSnapshot, phase_index: int) -> Card:
    """What was written privately in a write-first phase (a thread reply is in the thread
    already and is not posted again)."""
    meeting, locale = snapshot.meeting, snapshot.group.locale
    phase = meeting.phases[phase_index]
    blocks: list[Block] = [Heading(t("thread.revealed", locale, title=phase.title(locale)))]
    for contribution in meeting.contributions_in(phase_index):
        if contribution.source_ref is not None:  # in the thread already
            continue
        blocks.append(
            Text(
                spans(
                    person(contribution.author, locale),
                    ": ",
                    said(contribution.text, contribution.removed, locale),
                )
            )
        )
    return Card(
        blocks=tuple(blocks), summary=t("thread.revealed", locale, title=phase.title(locale))
    )


def contribution_posted(snapshot: MeetingSnapshot, contribution_id: str) -> Card:
    locale = snapshot.group.locale
    contribution = snapshot.meeting.contribution(contribution_id)
    kind = t(f"kind.{contribution.kind.value}", locale)
    return Card(
        blocks=(
            Text(
                spans(
                    person(contribution.author, locale),
                    " ",
                    Emphasis(f"({kind})"),
                    ": ",
                    said(contribution.text, contribution.removed, locale),
                )
            ),
        ),
        summary=kind,
    )


def case_chosen(snapshot: MeetingSnapshot) -> Card:
    locale = snapshot.group.locale
    case = snapshot.case
    assert case is not None
    text = spans(Strong(t("thread.case_chosen", locale)), " ", *case_text(case, locale))
    blocks: list[Block] = [Text(text)]
    if case.description:
        blocks.append(Text(spans(case.description)))
    blocks.append(ContextLine(spans(t("card.case_owner", locale), " ", person(case.owner, locale))))
    return Card(blocks=tuple(blocks), summary=t("thread.case_chosen", locale))


def evaluated(snapshot: MeetingSnapshot) -> Card:
    meeting, locale = snapshot.meeting, snapshot.group.locale
    average = meeting.average_rating()
    blocks: list[Block] = [
        Heading(t("thread.evaluated", locale)),
        Text(spans(t("thread.evaluated_body", locale))),
    ]
    if average is not None:
        blocks.append(ContextLine(spans(t("report.average_rating", locale, rating=average))))
    return Card(blocks=tuple(blocks), summary=t("thread.evaluated", locale))


def started(snapshot: MeetingSnapshot) -> Card:
    """The thread's first message: where the meeting happens, and how a case comes in
    (nothing of a case itself, so it fits any channel)."""
    locale = snapshot.group.locale
    blocks: list[Block] = [
        Heading(t("thread.started", locale)),
        Text(spans(t("thread.started_body", locale))),
        ContextLine(spans(t("thread.started_cases", locale, count=len(snapshot.open_cases)))),
    ]
    return Card(blocks=tuple(blocks), summary=t("thread.started", locale))


def follow_up(snapshot: MeetingSnapshot) -> Card:
    """Last time's first step, back at the start of the group's next meeting: what the
    case owner said in the closing of the meeting held before, as they said it there."""
    locale, previous = snapshot.group.locale, snapshot.previous
    assert previous is not None and previous.case_owner is not None
    blocks: list[Block] = [
        Heading(t("thread.follow_up", locale)),
        ContextLine(
            spans(
                person(previous.case_owner, locale),
                " ",
                t("thread.follow_up_said", locale),
                " ",
                Moment(previous.ended_at or previous.scheduled_at),
                ":",
            )
        ),
        *(Text(spans(said(c.text, c.removed, locale))) for c in previous.takeaway),
        Text(spans(t("thread.follow_up_ask", locale))),
    ]
    return Card(blocks=tuple(blocks), summary=t("thread.follow_up", locale))


def cancelled(snapshot: MeetingSnapshot) -> Card:
    locale = snapshot.group.locale
    return Card(
        blocks=(Text(spans(t("thread.cancelled", locale))),), summary=t("thread.cancelled", locale)
    )


THREAD_VIEWS = {
    "started": lambda s, d: started(s),
    "phase_opened": lambda s, d: phase_opened(s, int(d["phase_index"])),
    "revealed": lambda s, d: revealed(s, int(d["phase_index"])),
    "contribution": lambda s, d: contribution_posted(s, str(d["contribution_id"])),
    "case_chosen": lambda s, d: case_chosen(s),
    "evaluated": lambda s, d: evaluated(s),
    "cancelled": lambda s, d: cancelled(s),
    "follow_up": lambda s, d: follow_up(s),
}


CONTENT_VIEWS = frozenset({"case_chosen", "contribution", "revealed", "follow_up"})
"""Thread messages that carry what the group said or brought in."""


def thread_message(snapshot: MeetingSnapshot, data: dict[str, object]) -> Card:
    """The thread message a ``meeting.thread`` notification asks for; one that carries case
    content is withheld while others than the group are in the channel."""
    view = str(data["view"])
    if view in CONTENT_VIEWS and not snapshot.group.shows_content:
        return withheld(snapshot)
    return THREAD_VIEWS[view](snapshot, data)


def withheld(snapshot: MeetingSnapshot) -> Card:
    locale = snapshot.group.locale
    text = t("thread.withheld", locale)
    return Card(blocks=(ContextLine(spans(text)),), summary=text)


def channel_warning(snapshot: MeetingSnapshot, locale: Locale) -> list[Block]:
    """Why the card shows nothing of the case, and what resolves it."""
    group = snapshot.group
    outsiders = len(group.channel_outsiders)
    managers = sum(1 for p in group.channel_outsiders if p in group.managers)
    if group.channel_status is ChannelStatus.UNCHECKED:
        return [ContextLine(spans(t("card.channel_unchecked", locale)))]
    blocks: list[Block] = [
        Text(spans(Strong(t("card.channel_shared_title", locale)))),
        Text(spans(t("card.channel_shared", locale, people=outsiders))),
    ]
    if managers:
        blocks.append(Text(spans(t("card.channel_has_manager", locale, managers=managers))))
    else:
        accept = Button(
            a.CHANNEL_ACCEPT,
            t("button.accept_channel", locale),
            style="danger",
            confirm=ask("accept_channel", locale, people=outsiders),
        )
        blocks += [ContextLine(spans(t("card.channel_accept_hint", locale))), Buttons((accept,))]
    return blocks


CONFIRMATIONS = ("close", "cancel", "accept_channel", "renew_calendar")
"""What is asked before it happens (``confirm.<what>.*`` in the catalogue)."""


def ask(what: str, locale: Locale, **params: object) -> Confirm:
    """The confirmation for ``what`` (``confirm.<what>.title`` / ``.question`` / ``.yes``)."""
    return Confirm(
        title=t(f"confirm.{what}.title", locale),
        question=t(f"confirm.{what}.question", locale, **params),
        yes=t(f"confirm.{what}.yes", locale),
        no=t("confirm.no", locale),
    )
