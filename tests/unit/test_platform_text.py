"""What people typed, decoded once on input (PLATFORMS.md): Slack's escaping and markup,
Teams' HTML. Every kind of markup each platform writes, and text that only looks like it."""

from __future__ import annotations

import pytest

from integrations.slack import text as slack
from integrations.teams import text as teams

NAMES = {"U02": "Bram"}


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ("A &amp; B", "A & B"),
        ("x &lt; 3 and y &gt; 2", "x < 3 and y > 2"),
        ("I typed &amp;lt; literally", "I typed &lt; literally"),
        ("ask <@U02> first", "ask @Bram first"),
        ("ask <@U09> first", "ask @U09 first"),  # no name known: the id
        ("ask <@U09|carmen> first", "ask @carmen first"),
        ("see <https://example.org|example.org>", "see example.org"),
        ("see <https://example.org/>", "see https://example.org/"),
        (
            "see <https://a.b/c?d=1&amp;e=2|the protocol>",
            "see the protocol (https://a.b/c?d=1&e=2)",
        ),
        ("mail <mailto:a@b.nl|a@b.nl>", "mail a@b.nl"),
        ("in <#C01|general>", "in #general"),
        ("hey <!here> and <!channel>", "hey @here and @channel"),
        ("<!subteam^S01|@nurses> please", "@nurses please"),
        ("at <!date^1700000000^{date}|Nov 14>", "at Nov 14"),
        ("plain text, no markup", "plain text, no markup"),
    ],
)
def test_slack_text_is_read_as_the_person_read_it(sent: str, read: str) -> None:
    assert slack.decode(sent, NAMES.get) == read


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        (
            "<p>What if the load is x<5 and the team size y>3?</p>",
            "What if the load is x<5 and the team size y>3?",
        ),
        ("What if x<y>z", "What if x<y>z"),  # not Teams' markup: the person's own text
        ("<p><at>Intervision</at> start</p>", "start"),
        ("<p><at>Bram</at> and <at>Carmen</at>, really?</p>", "Bram and Carmen, really?"),
        ("6&nbsp;a.m. &amp; &#39;late&#39; &lt;b&gt;", "6 a.m. & 'late' <b>"),
        ("<p>one</p><p>two<br>three</p>", "one\ntwo\nthree"),
        ("<p>&nbsp;</p><br>", ""),  # nothing visible: empty
        ("if a<b then", "if a<b then"),
        ("a &lt;/p&gt; typed", "a </p> typed"),
        (
            '<div><span style="x">a</span>  <b>b</b> <a href="https://x.y">link</a></div>',
            "a b link",
        ),
    ],
)
def test_teams_html_is_read_as_the_person_read_it(sent: str, read: str) -> None:
    assert teams.decode(sent, bot_names=frozenset({"Intervision"})) == read
