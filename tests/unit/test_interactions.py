"""The interaction layer on the in-memory fakes: the one table, form values, the language
decision, refusals as replies, and every intent handled."""

from __future__ import annotations

import inspect
import logging
from datetime import UTC, date, datetime

import pytest

from core import interactions
from core.domain.errors import InvalidInput
from core.domain.goals import Criterion
from core.interactions import Platform, Who
from core.interactions import intents as i
from core.interactions.handlers import HANDLERS
from core.interactions.table import ACTIONS, COMMAND_WORDS, FORMS, from_command
from core.interactions.values import FormValues
from core.services import preparation
from core.services.context import Actor
from core.views import actions as a
from core.views.home import COMMANDS
from tests.support.factories import FACILITATOR, MANAGER, World, make_world


@pytest.fixture
def world() -> World:
    built = make_world()
    built.group(5, channel="C_GROUP")
    return built


def who(person: str = "U_M1", *, channel: str | None = "C_GROUP", **more: str) -> Who:
    return Who(platform=Platform.SLACK, workspace="T1", person=person, channel=channel, **more)


# ------------------------------------------------------------------ the one table


def test_every_intent_has_exactly_one_handler() -> None:
    kinds = {
        obj
        for obj in vars(i).values()
        if inspect.isclass(obj) and issubclass(obj, i.Intent) and obj is not i.Intent
    }
    assert kinds == set(HANDLERS)


def test_every_button_and_form_id_is_in_the_table() -> None:
    ids = {v for k, v in vars(a).items() if k.isupper() and isinstance(v, str)}
    forms = {v for k, v in vars(a).items() if k.startswith("FORM_")}
    inputs = {v for k, v in vars(a).items() if k.startswith("INPUT_")}
    assert set(FORMS) == forms
    assert set(ACTIONS) == ids - forms - inputs


def test_every_command_has_a_dutch_and_an_english_word() -> None:
    for command in COMMANDS:
        languages = {lang for name, lang in COMMAND_WORDS.values() if name == command}
        assert languages >= {"nl", "en"} or command == "start", command


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("casus", i.OpenCaseForm),
        ("doelen nieuw", i.OpenGoalForm),
        ("goals", i.OpenGoalForm),
        ("PLAN", i.OpenScheduleForm),
        ("verslag", i.ShowReport),
        ("hoi", i.ShowHome),
        ("", i.ShowHelp),
        ("dance the night", i.ShowHelp),
    ],
)
def test_words_become_intents(typed: str, kind: type[i.Intent]) -> None:
    intent = from_command(typed, {"actor": Actor(workspace_id=1, person="U1")})
    assert type(intent) is kind
    if isinstance(intent, i.OpenGoalForm):
        assert intent.new is typed.endswith("nieuw")
    if typed.startswith("dance"):
        assert isinstance(intent, i.ShowHelp) and intent.unknown_word == "dance"


# ------------------------------------------------------------------ form values


def test_form_values_read_every_neutral_shape() -> None:
    values = FormValues(
        {"group_id": "7"},
        {
            "members": "U1, U2,U1",
            "criteria": ["positive", "motivating"],
            "deadline": "2027-01-31",
            "when_epoch": "1800000000",
            "when_local": "2027-01-12T14:00",
            "when_aware": "2027-01-12T13:00:00Z",
        },
    )
    assert values.reference("group_id") == 7
    assert values.many("members") == ("U1", "U2")
    assert values.choices("criteria", Criterion) == (Criterion.POSITIVE, Criterion.MOTIVATING)
    assert values.date("deadline") == date(2027, 1, 31)
    assert values.moment("when_epoch", None) == datetime.fromtimestamp(1800000000, UTC)
    local = values.moment("when_local", "Europe/Amsterdam")
    assert local.astimezone(UTC) == datetime(2027, 1, 12, 13, 0, tzinfo=UTC)
    assert values.moment("when_aware", "Asia/Tokyo") == datetime(2027, 1, 12, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("read", "key", "field"),
    [
        (lambda v: v.choices("criteria", Criterion), "input.unknown_choice", "criteria"),
        (lambda v: v.date("deadline"), "input.bad_date", "deadline"),
        (lambda v: v.moment("when", None), "input.bad_date", "when"),
        (lambda v: v.moment("missing", None), "error.text_required", "missing"),
        (lambda v: v.reference("group_id"), "input.bad_reference", None),
    ],
)
def test_bad_form_values_are_refused_with_the_input_named(
    read: object, key: str, field: str | None
) -> None:
    values = FormValues(
        {"group_id": "seven"},
        {"criteria": "positive,telepathy", "deadline": "31-01-2027", "when": "next Tuesday"},
    )
    with pytest.raises(InvalidInput) as refused:
        read(values)  # type: ignore[operator]
    assert refused.value.key == key and refused.value.params.get("field") == field


# ------------------------------------------------------------------ dispatch


def test_the_reply_language_is_the_command_words_then_the_persons_then_the_groups(
    world: World,
) -> None:
    assert interactions.command(world.ctx, who(), "casus").locale == "nl"
    assert interactions.command(world.ctx, who(), "case").locale == "en"
    assert interactions.command(world.ctx, who(language="nl-NL"), "start").locale == "nl"
    assert interactions.command(world.ctx, who(), "start").locale == "en"  # the group's
    slash = interactions.command(world.ctx, who(), "help", slash="/intervisie")
    assert slash.locale == "nl"


def test_a_refused_form_names_the_input_and_loses_nothing(world: World) -> None:
    group_id = str(world.store.groups[next(iter(world.store.groups))].id)
    reply = interactions.submit(
        world.ctx,
        who("U_M2"),
        a.FORM_CASE,
        {"group_id": group_id},
        {a.INPUT_TITLE: "A case", a.INPUT_HELP_QUESTION: "x" * 600},
    )
    [notice] = reply.notices
    assert notice.refusal and notice.key == "error.text_too_long"
    assert notice.field == a.INPUT_HELP_QUESTION
    assert interactions.field_errors(reply) == {
        a.INPUT_HELP_QUESTION: "the help question is too long: 600 characters, at most 500."
    }
    assert world.store.cases == {}


def test_an_unexpected_failure_is_an_apology_and_a_log_line(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(preparation, "submit_case", broken)
    group_id = str(next(iter(world.store.groups)))
    with caplog.at_level(logging.ERROR, "intervision.interactions"):
        reply = interactions.submit(
            world.ctx,
            who("U_M2"),
            a.FORM_CASE,
            {"group_id": group_id},
            {a.INPUT_TITLE: "T", a.INPUT_HELP_QUESTION: "Q"},
        )
    assert [n.key for n in reply.notices] == ["error.unexpected"] and reply.refused
    assert "disk full" in caplog.text


def test_report_shows_members_the_report_and_managers_only_numbers(world: World) -> None:
    member = interactions.command(world.ctx, who("U_M1"), "report")
    assert member.notices[0].key == "report.none_yet"
    manager = interactions.command(world.ctx, who(MANAGER), "report")
    assert manager.screen is not None and manager.screen.name == "health"
    facilitator = interactions.command(world.ctx, who(FACILITATOR), "report")
    assert facilitator.notices[0].key == "report.none_yet"
    stranger = interactions.command(world.ctx, who("U_SOMEONE"), "report")
    assert stranger.refused and stranger.notices[0].key == "rule.only_group_members"


def test_in_a_private_chat_the_persons_first_group_is_meant(world: World) -> None:
    reply = interactions.command(world.ctx, who("U_M1", channel=None), "case")
    assert reply.form is not None and reply.form.group_id is not None
    nobody = interactions.command(world.ctx, who("U_NEW", channel=None), "case")
    assert nobody.refused and nobody.notices[0].key == "group.none_for_you"


def test_a_time_zone_the_platform_names_wrongly_falls_back_to_the_workspaces(
    world: World,
) -> None:
    group_id = str(next(iter(world.store.groups)))
    reply = interactions.submit(
        world.ctx,
        who(FACILITATOR, zone="Mars/Olympus_Mons"),
        a.FORM_SCHEDULE,
        {"group_id": group_id},
        {a.INPUT_WHEN: "2027-03-02T14:00"},
    )
    assert [n.key for n in reply.notices] == ["meeting.scheduled_notice"]
    assert reply.notices[0].params["when"] == "2027-03-02 14:00 (Europe/Amsterdam)"
