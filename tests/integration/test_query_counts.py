"""``bench/queries.py`` in CI (issue 15): no intention needs more SQL statements as the
group grows, as a person is in or manages more groups, or as a group's history grows, and
none needs more than ``LIMIT``; on SQLite and PostgreSQL."""

from __future__ import annotations

from bench import queries


def test_no_intention_needs_more_statements_as_the_world_grows(db_url: str) -> None:
    findings = queries.compare(db_url)
    assert [f.intention for f in findings] == list(queries.INTENTIONS)
    assert all(f.small > 0 for f in findings), "nothing was counted"
    assert all(f.ok for f in findings), "\n" + queries.report(findings)


def test_a_count_that_grows_or_passes_the_limit_fails() -> None:
    assert queries.Finding("home of a manager", small=8, large=8).ok
    assert not queries.Finding("home of a manager", small=8, large=9).ok  # grew
    assert not queries.Finding("start", small=11, large=11).ok  # over the limit
