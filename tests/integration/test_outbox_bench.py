"""``bench/outbox.py`` in CI, tiny (issue 15): it runs to the end against the fake Slack's
per-channel limit on SQLite and PostgreSQL, every post delivered and each meeting's thread
in order. Nothing here is about time: the figures live in ``bench/RESULTS.md``."""

from __future__ import annotations

from bench import outbox


def test_the_outbox_benchmark_runs_and_delivers_everything_in_order(db_url: str) -> None:
    figures = outbox.compare(db_url, posts=4, channels=2, repetitions=1, spacings=(0.0, 1.0))
    assert [f.unit for f in figures] == ["s", "s", "msg/s"]
    assert all(f.ok for f in figures), "\n" + outbox.report(figures)
    assert all(len(f.ours) == len(f.baseline) == 1 for f in figures)
    spaced = figures[1]
    assert [r.refused for r in spaced.ours] == [0]  # spaced as the fake asks: never refused
    assert "| yes |" in outbox.report(figures)


def test_a_run_that_left_posts_behind_or_out_of_order_fails() -> None:
    done = outbox.Run(seconds=1.0, delivered=4, refused=0)
    assert outbox.Figure("x", "s", [done], [done], "loop", 1.0, posts=4).ok
    short = outbox.Run(seconds=1.0, delivered=3, refused=0)
    assert not outbox.Figure("x", "s", [short], [done], "loop", 1.0, posts=4).ok
    mixed = outbox.Run(seconds=1.0, delivered=4, refused=0, in_order=False)
    assert not outbox.Figure("x", "s", [mixed], [done], "loop", 1.0, posts=4).ok
