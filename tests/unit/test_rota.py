"""The rota: nobody has a second turn before everyone has had one (core.domain.rota)."""

from __future__ import annotations

from core.domain.rota import next_in_line, turns

MEMBERS = ["ann", "bob", "cas", "dee", "eva"]


def test_eight_turns_over_five_members_give_nobody_a_second_before_all_had_one() -> None:
    given = turns(MEMBERS, [], 8)
    assert given[:5] == MEMBERS  # in the group's order at first
    assert given[5:] == MEMBERS[:3]  # then round again, the same way


def test_history_counts_who_brought_a_case_least_and_longest_ago_goes_first() -> None:
    history = ["cas", "ann", None, "bob"]  # None: a meeting without a case
    assert turns(MEMBERS, history, 3) == ["dee", "eva", "cas"]
    # Someone no longer in the group is not counted and never chosen.
    assert next_in_line(MEMBERS, ["zed", "zed"]) == "ann"


def test_a_turn_never_goes_to_whom_it_must_not() -> None:
    case_turns = turns(MEMBERS, [], 5)
    chairs = turns(MEMBERS, [], 5, not_in=[{person} for person in case_turns])
    assert all(chair != case for chair, case in zip(chairs, case_turns, strict=True))
    # Fair as far as that allows: nobody chairs twice among the first four; the fifth
    # chair cannot be eva, whose case it is, so someone chairs a second time.
    assert len(set(chairs[:4])) == 4 and chairs[4] != "eva"
    assert next_in_line(["ann"], [], not_={"ann"}) is None
