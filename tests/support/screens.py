"""Every screen the product shows, each built the same way every time from real domain
objects and the real view functions: the registry behind the golden files in tests/golden/.

A screen is the neutral view (``Card`` or ``Form``); tests/integration/test_golden_screens.py
renders it with Block Kit and as an Adaptive Card. Add a screen here when a view is added."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from core.domain.common import Locale
from core.domain.goals import Criterion
from core.domain.tasks import PreparationTask, TaskKind
from core.services import groups, preparation, queries
from core.views import forms
from core.views.calendar import feed_links
from core.views.direct import DIRECT_VIEWS, direct_message, notice, refusal
from core.views.home import calendar_card, help_card, overview_card, task_list
from core.views.meeting import meeting_card, thread_message
from core.views.reminders import meeting_reminder, phase_nudge, task_reminder
from core.views.report import health_card, meeting_report
from core.views.vocabulary import Card, Form
from tests.support.factories import FACILITATOR, MANAGER, library
from tests.support.scenes import CASE_TITLE, OWNER, POINTS, Scene, scene_at

Platform = Literal["slack", "teams"]
Surface = Literal["message", "home", "modal"]

NAMES = {
    "U_M1": "Anna de Vries",
    "U_M2": "Bram Peters",
    "U_M3": "Carmen Oduya",
    "U_M4": "Daan Visser",
    "U_M5": "Eva Bakker",
    FACILITATOR: "Fleur Smit",
    MANAGER: "Gert Mulder",
}
"""Display names, as the Teams messenger finds them in stored references (for mentions)."""

LOCALES: tuple[Locale, ...] = ("en", "nl")

MEMBER = "U_M2"
"""The member whose own page, tasks and goals are shown."""


@dataclass(frozen=True)
class Screen:
    name: str
    """Also the golden file's name: ``tests/golden/<platform>/<name>.json``."""
    surface: Surface
    """How Slack shows it: a message, the App Home tab, or a modal."""
    locale: Locale
    build: Callable[[Platform], Card | Form]
    per_platform: bool = False
    """The view depends on the platform (the help card's command word); otherwise one view
    is built and rendered for both."""


DIRECT_PARAMS: dict[str, dict[str, object]] = {
    "deadline_passed": {"group": "Ward 5 peers"},
    "undeliverable": {
        "refusal": "no_access",
        "what": "card",
        "group": "Ward 5 peers",
        "detail": "channel_not_found",
    },
    "unreachable": {"mention": "U0MEMBER02", "group": "Ward 5 peers", "detail": "user_disabled"},
    "members_skipped": {
        "group": "Ward 5 peers",
        "left": ["U0MEMBER03", "U0MEMBER04"],
        "gone": ["U0MEMBER05"],
    },
}
"""What the direct messages that name things are shown with."""


def screens() -> list[Screen]:
    return list(_all())


def _all() -> Iterator[Screen]:
    for locale in LOCALES:
        for point in POINTS:
            yield Screen(
                f"meeting_card.{point}.{locale}", "message", locale, _card_at(point, locale)
            )
        for holds in ("manager", "co_facilitator"):
            yield Screen(
                f"meeting_card.channel_{holds}.{locale}",
                "message",
                locale,
                _card_in_shared_channel(holds, locale),
            )
    yield from _thread_messages()
    for view in DIRECT_VIEWS:
        params = DIRECT_PARAMS.get(view, {})
        yield Screen(
            f"direct.{view}.en", "message", "en", _const(direct_message(view, "en", **params))
        )
    yield Screen("refusal.en", "message", "en", _refusal)
    yield Screen(
        "notice.en", "message", "en", _const(notice("case.submitted", "en", title=CASE_TITLE))
    )
    for locale in LOCALES:
        yield Screen(f"help.{locale}", "message", locale, _help(locale), per_platform=True)
    yield Screen("home.member.en", "home", "en", _member_home)
    yield Screen("home.manager.en", "home", "en", _manager_home)
    yield Screen("tasks.en", "message", "en", _tasks)
    due = datetime(2031, 1, 13, 13, 0, tzinfo=UTC)
    for locale in LOCALES:
        yield Screen(
            f"reminder.task.{locale}",
            "message",
            locale,
            _const(
                task_reminder(
                    group="Ward 5 peers",
                    kind=TaskKind.REREAD_GOALS,
                    due_at=due,
                    task_id="task-1",
                    locale=locale,
                )
            ),
        )
        away = {"U0MEMBER02": date(2031, 1, 20)}
        yield Screen(
            f"reminder.meeting.{locale}",
            "message",
            locale,
            _const(
                meeting_reminder(
                    group="Ward 5 peers", method="Incident", at=due, away=away, locale=locale
                )
            ),
        )
    yield Screen(
        "reminder.phase.en",
        "message",
        "en",
        _const(
            phase_nudge(
                group="Ward 5 peers",
                phase="Questions of fact",
                deadline=due,
                meeting_value="12|phase:1",
                locale="en",
            )
        ),
    )
    for locale in LOCALES:
        links = feed_links("https://intervision.example.org", "f" * 43)
        yield Screen(f"calendar.{locale}", "message", locale, _const(calendar_card(*links, locale)))
    yield Screen("report.consent.en", "message", "en", _report(consent=True))
    yield Screen("report.private.en", "message", "en", _report(consent=False))
    yield Screen("health.en", "message", "en", _health)
    yield from _forms()


def _const(view: Card | Form) -> Callable[[Platform], Card | Form]:
    return lambda platform: view


def _card_at(point: str, locale: Locale) -> Callable[[Platform], Card]:
    def build(platform: Platform) -> Card:
        scene = scene_at(point, locale)
        return meeting_card(scene.snapshot(), now=scene.world.clock.now())

    return build


def _card_in_shared_channel(holds: str, locale: Locale) -> Callable[[Platform], Card]:
    """A chosen case in a channel that also holds a manager of the group, or someone else
    (whom the facilitator may accept)."""

    def build(platform: Platform) -> Card:
        scene = scene_at("case_chosen", locale)
        group = scene.group
        present = {*group.members, FACILITATOR, MANAGER if holds == "manager" else "U_COFAC"}
        groups.note_channel_members(scene.world.ctx, group_id=scene.group_id, present=present)
        return meeting_card(scene.snapshot(), now=scene.world.clock.now())

    return build


def _thread_messages() -> Iterator[Screen]:
    """Each THREAD_VIEWS view, with the data the services queued for it."""
    cases = (
        ("started", "open_with_cases", "started"),
        ("case_chosen", "case_chosen", "case_chosen"),
        ("phase_opened", "round_each", "phase_opened"),
        ("phase_opened.write_first", "round_write_first", "phase_opened"),
        ("contribution", "round_each", "contribution"),
        ("revealed", "closing", "revealed"),
        ("evaluated", "evaluated", "evaluated"),
        ("cancelled", "cancelled", "cancelled"),
    )
    for name, point, view in cases:
        yield Screen(f"thread.{name}.en", "message", "en", _thread(point, view))
    yield Screen("thread.phase_opened.case_owner.en", "message", "en", _sketch_opened)
    yield Screen("thread.follow_up.en", "message", "en", _follow_up)


def _thread(point: str, view: str) -> Callable[[Platform], Card]:
    def build(platform: Platform) -> Card:
        scene = scene_at(point)
        return thread_message(scene.snapshot(), scene.queued(view))

    return build


def _sketch_opened(platform: Platform) -> Card:
    """The first phase: one speaker, the case owner."""
    scene = scene_at("round_each")
    return thread_message(scene.snapshot(), {"view": "phase_opened", "phase_index": 0})


def _follow_up(platform: Platform) -> Card:
    """The next meeting's thread: last time's first step."""
    scene = scene_at("evaluated")
    scene.start()
    data = scene.queued("follow_up")
    snapshot = queries.meeting_snapshot(
        scene.world.ctx,
        meeting_id=scene.meeting_id,
        viewer=None,
        previous_id=int(data["previous_meeting_id"]),
    )
    return thread_message(snapshot, data)


def _refusal(platform: Platform) -> Card:
    scene = scene_at("round_turned_away")
    scene.try_to_say(OWNER, "Can I just add one thing?")
    assert scene.refused is not None
    return refusal(scene.refused, "en")


def _help(locale: Locale) -> Callable[[Platform], Card]:
    def build(platform: Platform) -> Card:
        if platform == "teams":  # in a channel, commands follow the bot's mention
            return help_card(locale, "@Intervision")
        return help_card(locale, "/intervisie" if locale == "nl" else "/intervision")

    return build


def _planned_with_goals() -> Scene:
    """A planned meeting (so everyone has preparation tasks) and two learning goals."""
    scene = scene_at("planned")
    ctx, actor = scene.world.ctx, scene.world.actor(MEMBER)
    preparation.set_learning_goal(
        ctx,
        actor=actor,
        group_id=scene.group_id,
        text="Ask one open question before I give advice, in every team meeting",
        where_and_when="Monday team meetings",
        deadline=date(2027, 3, 1),
        ticked=[Criterion.POSITIVE, Criterion.CONCRETE_BEHAVIOUR, Criterion.OWN_CONTROL],
    )
    preparation.set_learning_goal(
        ctx, actor=actor, group_id=scene.group_id, text="Be calmer & <clearer> in conflicts"
    )
    return scene


def _numbered(tasks: list[PreparationTask]) -> list[PreparationTask]:
    """Task ids are random (uuid4); a golden file needs fixed ones."""
    return [t.model_copy(update={"id": f"task-{i}"}) for i, t in enumerate(tasks, 1)]


def _member_home(platform: Platform) -> Card:
    scene = _planned_with_goals()
    view = queries.overview(scene.world.ctx, actor=scene.world.actor(MEMBER))
    view = replace(view, tasks=_numbered(view.tasks))
    return overview_card(view, "en", [])


def _manager_home(platform: Platform) -> Card:
    scene = scene_at("reported")
    actor = scene.world.actor(MANAGER)
    view = queries.overview(scene.world.ctx, actor=actor)
    health = [
        queries.group_health(scene.world.ctx, actor=actor, group_id=g.id or 0) for g in view.managed
    ]
    return overview_card(view, "en", health)


def _tasks(platform: Platform) -> Card:
    scene = _planned_with_goals()
    view = queries.overview(scene.world.ctx, actor=scene.world.actor(MEMBER))
    return task_list(_numbered(view.tasks), "en")


def _report(*, consent: bool) -> Callable[[Platform], Card]:
    def build(platform: Platform) -> Card:
        return meeting_report(scene_at("reported", consent=consent).snapshot())

    return build


def _health(platform: Platform) -> Card:
    scene = scene_at("reported")
    health = queries.group_health(
        scene.world.ctx, actor=scene.world.actor(MANAGER), group_id=scene.group_id
    )
    return health_card(health, "en")


def _forms() -> Iterator[Screen]:
    builders: dict[str, Callable[[Platform], Form]] = {
        "case_new": lambda p: forms.case_form(Scene().group, "en"),
        "case_edit": _case_edit,
        "goal_new": lambda p: forms.goal_form(Scene().group, "en"),
        "goal_hints": _goal_hints,
        "group": lambda p: forms.group_form(library(), "en", "C_GROUP"),
        "schedule_new": _schedule_new,
        "schedule_reschedule": _schedule_reschedule,
        "turn_none": lambda p: forms.turn_form(Scene().group, None, "en"),
        "turn": lambda p: forms.turn_form(Scene().group, scene_at("planned").meeting, "en"),
        "trajectory": lambda p: forms.trajectory_form(
            Scene().group, library(), "en", suggested=datetime(2031, 1, 14, 13, 0, tzinfo=UTC)
        ),
        "contribute_one_kind": _contribute("round_each", as_case_owner=False),
        "contribute_kinds": _contribute("round_free", as_case_owner=False),
        "contribute_case_owner": _contribute("round_each", as_case_owner=True),
        "contribute_write_first": _contribute("round_write_first", as_case_owner=False),
    }
    for name, build in builders.items():
        yield Screen(f"form.{name}.en", "modal", "en", build)


def _case_edit(platform: Platform) -> Form:
    scene = Scene()
    scene.submit_case(OWNER, consent=True)
    with scene.world.ctx.uow() as uow:
        case = uow.cases.get(scene.case_ids[OWNER])
    return forms.case_form(scene.group, "en", case)


def _goal_hints(platform: Platform) -> Form:
    scene = _planned_with_goals()
    with scene.world.ctx.uow() as uow:
        goal = uow.goals.for_person(scene.world.workspace_id, MEMBER)[0]
    return forms.goal_form(scene.group, "en", goal.model_copy(update={"id": "goal-1"}))


def _schedule_new(platform: Platform) -> Form:
    scene = Scene()
    suggested = scene.world.clock.now() + timedelta(days=28)
    return forms.schedule_form(scene.group, library(), "en", suggested=suggested)


def _schedule_reschedule(platform: Platform) -> Form:
    scene = scene_at("planned")
    return forms.schedule_form(scene.group, library(), "en", scene.meeting)


def _contribute(point: str, *, as_case_owner: bool) -> Callable[[Platform], Form]:
    def build(platform: Platform) -> Form:
        meeting = scene_at(point).meeting
        assert meeting.phase is not None
        return forms.contribute_form(meeting, meeting.phase, "en", as_case_owner=as_case_owner)

    return build
