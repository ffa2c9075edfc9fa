"""The built-in method library (``core/methods/library/*.yaml``) and the loader's errors."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.domain.errors import NotFound
from core.domain.method import CLOSING_PHASES, CaseOwnerRole, ContributionKind, Speakers
from core.methods import MethodFileError, load_library
from core.methods.loader import BUILT_IN, load_method_file

EXPECTED_IDS = {
    "incident",
    "balint",
    "gossip",
    "socratic",
    "ten_step",
    "five_step",
    "kollegiale_beratung",
    "troika",
    "wise_crowds",
    "consultancy",
    "tuning",
    "action_learning",
}

# Every method in METHODS.md has at least one round of questions; add an id here only
# for a method that genuinely has none.
WITHOUT_QUESTION_ROUND: set[str] = set()

QUESTION_KINDS = {ContributionKind.FACT_QUESTION, ContributionKind.OPEN_QUESTION}

VALID: dict[str, Any] = {
    "id": "my_method",
    "name": {"nl": "Mijn methode", "en": "My method"},
    "summary": {"nl": "Een eigen methode.", "en": "A method of our own."},
    "source": "our own practice",
    "min_group_size": 3,
    "phases": [
        {
            "id": "sketch",
            "title": {"nl": "Schets", "en": "Sketch"},
            "prompt": {"nl": "Inbrenger, vertel je casus.", "en": "Case owner, tell your case."},
            "speakers": "case_owner",
            "kinds": ["statement"],
            "minutes": 5,
            "case_owner": "speaks",
        },
        {
            "id": "questions",
            "title": {"nl": "Vragen", "en": "Questions"},
            "prompt": {"nl": "Stel open vragen.", "en": "Ask open questions."},
            "speakers": "each",
            "kinds": ["open_question"],
            "minutes": 10,
            "case_owner": "answers",
        },
    ],
}


def write(folder: Path, data: Any, name: str | None = None) -> Path:
    path = folder / f"{name or data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def broken(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    data.update(changes)
    return data


# ------------------------------------------------------------------ built-in library


def test_the_library_holds_at_least_the_twelve_methods() -> None:
    library = load_library()
    assert len(library) >= 12
    assert set(library.ids()) >= EXPECTED_IDS
    for method_id in EXPECTED_IDS:
        assert library.get(method_id).id == method_id
        assert method_id in library


def test_every_file_is_named_after_its_method() -> None:
    files = sorted(BUILT_IN.glob("*.yaml"))
    assert {path.stem for path in files} >= EXPECTED_IDS
    for path in files:
        assert load_method_file(path).id == path.stem


def test_an_unknown_method_is_not_found() -> None:
    with pytest.raises(NotFound):
        load_library().get("no_such_method")


def test_names_differ_per_language_and_every_text_is_filled_in() -> None:
    methods = list(load_library())
    distinct = [m for m in methods if m.name.nl != m.name.en]
    assert len(distinct) >= len(methods) - 2
    for method in methods:
        assert method.summary.nl.strip() and method.summary.en.strip()
        assert method.source.strip()
        for phase in method.phases:
            for text in (phase.title, phase.prompt):
                assert text.nl.strip(), f"{method.id}.{phase.id}: empty nl"
                assert text.en.strip(), f"{method.id}.{phase.id}: empty en"
            assert phase.prompt.nl != phase.prompt.en, f"{method.id}.{phase.id}: untranslated"


def test_method_names_are_unique_per_language() -> None:
    methods = list(load_library())
    for locale in ("nl", "en"):
        names = [m.name(locale) for m in methods]
        assert len(names) == len(set(names)), locale


def test_every_method_has_a_question_round_unless_it_has_none() -> None:
    for method in load_library():
        has_questions = any(phase.is_question_round for phase in method.phases)
        assert has_questions is (method.id not in WITHOUT_QUESTION_ROUND), method.id


def test_question_rounds_are_asked_by_the_group_not_by_the_case_owner() -> None:
    for method in load_library():
        for phase in method.phases:
            if phase.is_question_round:
                assert set(phase.kinds) <= QUESTION_KINDS
                assert phase.speakers is Speakers.EACH, f"{method.id}.{phase.id}"
                assert phase.case_owner in (CaseOwnerRole.ANSWERS, CaseOwnerRole.SILENT)


def test_the_case_owner_has_their_back_turned_in_the_talk_about_them() -> None:
    library = load_library()
    for method_id in ("gossip", "troika", "wise_crowds", "consultancy"):
        roles = [phase.case_owner for phase in library.get(method_id).phases]
        assert CaseOwnerRole.TURNED_AWAY in roles, method_id
    for method_id in ("incident", "balint", "five_step"):
        roles = [phase.case_owner for phase in library.get(method_id).phases]
        assert CaseOwnerRole.TURNED_AWAY not in roles, method_id


def test_specific_rules_from_the_sources() -> None:
    library = load_library()
    incident = library.get("incident")
    info = next(p for p in incident.phases if p.is_question_round)
    assert info.kinds == (ContributionKind.FACT_QUESTION,)
    assert info.case_owner is CaseOwnerRole.ANSWERS
    positions = [p for p in incident.phases if ContributionKind.POSITION in p.kinds]
    assert positions and all(p.write_first for p in positions)

    balint = library.get("balint")
    assert any(
        ContributionKind.ADVICE in p.kinds and p.case_owner is CaseOwnerRole.SILENT
        for p in balint.phases
    )
    assert any(ContributionKind.ASSOCIATION in p.kinds and p.write_first for p in balint.phases)

    sizes = {m.id: m.min_group_size for m in library}
    assert sizes["balint"] == 5
    assert sizes["troika"] == 3
    assert sizes["wise_crowds"] == 4
    assert sizes["action_learning"] == 5
    assert all(3 <= size <= 5 for size in sizes.values())


def test_methods_leave_the_closing_to_the_engine() -> None:
    closing_ids = {phase.id for phase in CLOSING_PHASES}
    for method in load_library():
        assert not closing_ids & {phase.id for phase in method.phases}
        assert all(ContributionKind.RATING not in phase.kinds for phase in method.phases)
        assert method.all_phases[-len(CLOSING_PHASES) :] == CLOSING_PHASES
        assert any(phase.speakers is Speakers.CASE_OWNER for phase in method.phases)
        for phase in method.phases:
            if phase.speakers is Speakers.CASE_OWNER:
                assert phase.case_owner is CaseOwnerRole.SPEAKS
            assert 1 <= phase.minutes <= 30


# ------------------------------------------------------------------ custom folder


def test_a_valid_custom_method_loads_beside_the_built_ins(tmp_path: Path) -> None:
    write(tmp_path, VALID)
    library = load_library(tmp_path)
    assert "my_method" in library
    assert set(library.ids()) >= EXPECTED_IDS
    assert len(library) == len(load_library()) + 1
    assert library.get("my_method").phases[1].is_question_round


def test_a_custom_method_with_a_built_in_id_replaces_it(tmp_path: Path) -> None:
    write(tmp_path, broken(id="incident", name={"nl": "Onze incidentmethode", "en": "Ours"}))
    library = load_library(tmp_path)
    assert len(library) == len(load_library())
    replaced = library.get("incident")
    assert replaced.name.nl == "Onze incidentmethode"
    assert [phase.id for phase in replaced.phases] == ["sketch", "questions"]


def test_a_missing_custom_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(MethodFileError, match="does not exist"):
        load_library(tmp_path / "nowhere")


def load_error(folder: Path) -> str:
    with pytest.raises(MethodFileError) as info:
        load_library(folder)
    return str(info.value)


def test_an_unknown_speaker_names_file_field_and_reason(tmp_path: Path) -> None:
    data = broken()
    data["phases"][0]["speakers"] = "everyone"
    write(tmp_path, data)
    message = load_error(tmp_path)
    assert message.startswith("my_method.yaml: ")
    assert "phases.0.speakers" in message
    assert "case_owner" in message and "facilitator" in message  # the allowed values


def test_a_missing_translation_names_file_field_and_reason(tmp_path: Path) -> None:
    write(tmp_path, broken(name={"nl": "Alleen Nederlands"}))
    message = load_error(tmp_path)
    assert "my_method.yaml" in message
    assert "name.en" in message
    assert "required" in message.lower()


def test_a_case_owner_phase_where_the_case_owner_does_not_speak_is_refused(
    tmp_path: Path,
) -> None:
    data = broken()
    data["phases"][0]["case_owner"] = "answers"
    write(tmp_path, data)
    message = load_error(tmp_path)
    assert "my_method.yaml" in message
    assert "phases.0" in message
    assert "case_owner: speaks" in message


def test_answer_as_a_kind_is_refused(tmp_path: Path) -> None:
    data = broken()
    data["phases"][1]["kinds"] = ["open_question", "answer"]
    write(tmp_path, data)
    message = load_error(tmp_path)
    assert "phases.1" in message
    assert "answer" in message


def test_a_closing_phase_id_is_reserved(tmp_path: Path) -> None:
    data = broken()
    data["phases"][1]["id"] = "evaluation"
    write(tmp_path, data)
    message = load_error(tmp_path)
    assert "my_method.yaml" in message
    assert "reserved" in message and "evaluation" in message


def test_an_unknown_field_is_refused(tmp_path: Path) -> None:
    data = broken()
    data["phases"][1]["speaker"] = "each"
    write(tmp_path, data)
    message = load_error(tmp_path)
    assert "phases.1.speaker" in message
    assert "not permitted" in message.lower()


def test_invalid_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "my_method.yaml").write_text(
        'id: my_method\nname: {nl: "Mijn", en: "Mine"\nphases: [\n', encoding="utf-8"
    )
    message = load_error(tmp_path)
    assert message.startswith("my_method.yaml: ")
    assert "not valid YAML" in message
    assert "line" in message


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    (tmp_path / "my_method.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    message = load_error(tmp_path)
    assert message.startswith("my_method.yaml: ")
    assert "mapping" in message


def test_an_id_that_does_not_match_the_file_name_is_refused(tmp_path: Path) -> None:
    write(tmp_path, VALID, name="other_name")
    message = load_error(tmp_path)
    assert message.startswith("other_name.yaml: ")
    assert "'id'" in message
    assert "must match the file name" in message


def test_the_error_keeps_the_path_and_every_problem(tmp_path: Path) -> None:
    data = broken(min_group_size=1)
    data["phases"][0]["minutes"] = 0
    path = write(tmp_path, data)
    with pytest.raises(MethodFileError) as info:
        load_library(tmp_path)
    assert info.value.path == path
    assert len(info.value.problems) == 2
    assert any("min_group_size" in problem for problem in info.value.problems)
    assert any("phases.0.minutes" in problem for problem in info.value.problems)
