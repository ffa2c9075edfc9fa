"""The interaction layer's parsers on random input: the one table (command words, button
values, forms) and the form values it reads. Whatever comes in, the answer is an intent
or a refusal (``DomainError``), never another exception; and what an intent carries is
safe to store: ids in the database's range, no control characters, moments within reach."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.errors import DomainError, InvalidInput
from core.interactions import intents as i
from core.interactions.table import ACTIONS, FORMS, from_action, from_command, from_form
from core.interactions.values import EARLIEST, LATEST, FormValues
from core.services.context import Actor
from core.views import actions as a
from tests.reliability.conftest import FUZZ
from tests.support.fuzz import json_values, nasty_text

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
INPUTS = sorted(v for k, v in vars(a).items() if k.startswith("INPUT_"))
STATE_KEYS = ["group_id", "meeting_id", "goal_id", "case_id", "position"]


def base(zone: str | None = "Europe/Amsterdam") -> dict[str, Any]:
    """What ``dispatch`` gives every parse: a zone it checked, or None."""
    return {"actor": Actor(1, "U1"), "place": i.Place(channel="C1"), "language": "en", "zone": zone}


def values() -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.one_of(st.sampled_from(INPUTS), nasty_text(6)), json_values())


def state() -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(st.one_of(st.sampled_from(STATE_KEYS), nasty_text(6)), nasty_text())


def button_values() -> st.SearchStrategy[str]:
    numbers = st.one_of(st.integers(-5, 2**40).map(str), nasty_text(8))
    return st.one_of(
        nasty_text(),
        st.builds(lambda m, d: f"{m}|{d}", numbers, st.one_of(numbers, nasty_text(8))),
        st.builds(
            lambda f, g, m, goal: (
                f'{{"form": {f}, "group_id": {g}, "meeting_id": {m}, "goal_id": {goal}}}'
            ),
            st.sampled_from(['"form.case"', '"form.goal"', "1", "null", "[]"]),
            st.sampled_from(["1", '"2"', '"²"', "1e999", "true", "-1", "2147483648", "[]"]),
            st.sampled_from(["null", '""', "3", '"٣"', "{}"]),
            st.sampled_from(["null", '"abc"', '"a\\u0000b"', "5", '"x y"']),
        ),
    )


def assert_storable(intent: i.Intent) -> None:
    for field in dataclasses.fields(intent):
        value = getattr(intent, field.name)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, bool):
                continue
            if isinstance(item, int):
                assert 0 <= item <= a.MAX_ID, (field.name, item)
            elif isinstance(item, str):
                assert not CONTROL.search(item), (field.name, item)
            elif isinstance(item, datetime):
                assert item.tzinfo is not None and EARLIEST <= item.date() <= LATEST
            elif isinstance(item, date):
                assert EARLIEST <= item <= LATEST


@FUZZ
@given(text=nasty_text(80))
def test_any_command_text_is_an_intent(text: str) -> None:
    assert_storable(from_command(text, base()))


@FUZZ
@given(action=st.one_of(st.sampled_from(sorted(ACTIONS)), nasty_text()), value=button_values())
def test_any_button_is_an_intent_or_a_refusal(action: str, value: str) -> None:
    try:
        intent = from_action(action, value, base())
    except DomainError:
        return
    assert_storable(intent)


@FUZZ
@given(
    form=st.one_of(st.sampled_from(sorted(FORMS)), nasty_text()),
    carried=state(),
    entered=values(),
    zone=st.sampled_from([None, "UTC", "Pacific/Kiritimati", "America/Adak"]),
)
def test_any_form_is_an_intent_or_a_refusal(
    form: str, carried: dict[str, str], entered: dict[str, Any], zone: str | None
) -> None:
    try:
        intent = from_form(form, carried, entered, base(zone))
    except DomainError:
        return
    assert_storable(intent)


READERS = ["text", "optional", "many", "flag", "person", "people", "date", "moment"]


@FUZZ
@given(
    carried=state(),
    entered=values(),
    reader=st.sampled_from(READERS),
    input_id=st.one_of(st.sampled_from(INPUTS), nasty_text(6)),
)
def test_form_values_are_read_or_refused_with_the_input_named(
    carried: dict[str, str], entered: dict[str, Any], reader: str, input_id: str
) -> None:
    form = FormValues(carried, entered)
    args: tuple[Any, ...] = (input_id, "Europe/Amsterdam") if reader == "moment" else (input_id,)
    try:
        found = getattr(form, reader)(*args)
    except InvalidInput as refused:
        assert refused.params.get("field") in (input_id, None)
        return
    for item in found if isinstance(found, tuple) else (found,):
        if isinstance(item, str):
            assert not CONTROL.search(item)


@FUZZ
@given(carried=state(), key=st.sampled_from(STATE_KEYS))
def test_references_are_ids_in_range_or_refused(carried: dict[str, str], key: str) -> None:
    try:
        found = FormValues(carried, {}).optional_reference(key)
    except InvalidInput:
        return
    assert found is None or 0 <= found <= a.MAX_ID


@pytest.mark.parametrize(
    "value", ["²", "1²", "٣", "-1", "1e3", "2147483648", "99999999999999999999", " ", "0x10"]
)
def test_a_number_that_is_no_plain_number_is_refused(value: str) -> None:
    assert a.id_number(value) is None
    with pytest.raises(InvalidInput):
        FormValues({"group_id": value}, {}).reference("group_id")
    with pytest.raises(InvalidInput):
        from_action(a.MEETING_CHOOSE_CASE, f"1|{value}", base())
    assert a.split_value(f"{value}|phase:1") == (None, "phase:1")


@pytest.mark.parametrize(
    "moment", ["253402300800", "99999999999999", "0001-01-01T00:00", "9999-12-31T23:59", "²"]
)
def test_a_moment_out_of_reach_is_refused_on_its_input(moment: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        FormValues({}, {a.INPUT_WHEN: moment}).moment(a.INPUT_WHEN, "Europe/Amsterdam")
    assert refused.value.params["field"] == a.INPUT_WHEN


def test_text_keeps_line_breaks_and_tabs_and_loses_other_control_characters() -> None:
    form = FormValues({}, {a.INPUT_TITLE: "Night\x00 shift\r\nrota\tweek\x1b[0m\ud800"})
    assert form.text(a.INPUT_TITLE) == "Night shift\nrota\tweek[0m"


def test_a_button_naming_a_form_in_json_too_deep_to_read_is_refused() -> None:
    with pytest.raises(InvalidInput):
        from_action(a.OPEN_OFFERED_FORM, "[" * 1500, base())
