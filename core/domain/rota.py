"""A fair rota (rooster): who brings the case and who chairs, meeting after meeting.

Turns go round from history: whoever brought a case least often (and longest ago) is next,
so nobody has a second turn before everyone has had one; the same for the chair when the
group's chair rotates. The chair of a meeting is never the member whose turn it is to
bring the case (so, when the last one of a round brings it, someone chairs a second
time). A turn is skipped by giving it to the next in line, or swapped with a
named member: both exchange turns, so the counts stay fair.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.domain.common import PersonRef


def next_in_line(
    members: Sequence[PersonRef],
    history: Sequence[PersonRef | None],
    *,
    not_: set[PersonRef] | frozenset[PersonRef] = frozenset(),
) -> PersonRef | None:
    """The member whose turn is next given ``history`` (who had the turn, oldest first;
    None where nobody did): fewest turns, then longest ago (never is longest), then the
    order of ``members``; never one in ``not_``. None when no member is left."""
    counts = {member: 0 for member in members}
    last = {member: -1 for member in members}
    for index, person in enumerate(history):
        if person in counts:
            counts[person] += 1
            last[person] = index
    candidates = [m for m in members if m not in not_]
    if not candidates:
        return None
    return min(candidates, key=lambda m: (counts[m], last[m], members.index(m)))


def turns(
    members: Sequence[PersonRef],
    history: Sequence[PersonRef | None],
    count: int,
    *,
    not_in: Sequence[set[PersonRef]] = (),
) -> list[PersonRef | None]:
    """The next ``count`` turns after ``history``; turn ``n`` never goes to anyone in
    ``not_in[n]`` (the case owner, for the chair)."""
    assigned: list[PersonRef | None] = []
    for n in range(count):
        excluded = not_in[n] if n < len(not_in) else set()
        person = next_in_line(members, [*history, *assigned], not_=excluded)
        assigned.append(person)
    return assigned
