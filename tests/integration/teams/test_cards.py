"""The Adaptive Card renderer: user text escaped, mentions, moments, every form valid
for Microsoft's own validator."""

from __future__ import annotations

from datetime import UTC, datetime

from core.domain.group import Group
from core.views import forms
from core.views.vocabulary import Card, Mention, Moment, Text, spans
from integrations.teams.cards import render_card, render_form
from tests.support.factories import library
from tests.support.teams_cards import problems


def _group() -> Group:
    return Group.create(
        workspace_id=1,
        name="Ward *5*",
        channel="19:x@thread.tacv2",
        members=["a", "b", "c", "d"],
        facilitator=None,
        managers=["m"],
        method_id="incident",
        locale="nl",
    ).model_copy(update={"id": 7})


def test_user_text_cannot_become_markup_a_mention_or_a_link() -> None:
    card = render_card(
        Card(blocks=(Text(spans("**bold** <at>all</at> [x](http://e.vil)")),), summary="s")
    )
    text = card["body"][0]["text"]
    assert "<at>" not in text and "**" not in text and "](" not in text
    assert text == r"\*\*bold\*\* &lt;at\>all&lt;/at\> \[x\]\(http://e\.vil\)"


def test_mentions_and_moments() -> None:
    at = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    card = render_card(
        Card(blocks=(Text((Mention("aad-1"), Mention("aad-2"), Moment(at))),), summary="s"),
        names={"aad-1": "An de Vries"},
    )
    assert card["body"][0]["text"] == (
        "<at>An de Vries</at>aad\\-2"
        "{{DATE(2026-11-23T09:30:00Z, SHORT)}} {{TIME(2026-11-23T09:30:00Z)}}"
    )
    assert card["msteams"]["entities"] == [
        {
            "type": "mention",
            "text": "<at>An de Vries</at>",
            "mentioned": {"id": "aad-1", "name": "An de Vries"},
        }
    ]


def test_every_form_passes_the_adaptivecards_validator() -> None:
    group, methods = _group(), library()
    rendered = [
        render_form(forms.case_form(group, "nl")),
        render_form(forms.goal_form(group, "en")),
        render_form(forms.group_form(methods, "nl", "19:x@thread.tacv2"), names={"m": "Mia"}),
        render_form(forms.group_form(methods, "en")),
        render_form(
            forms.schedule_form(
                group, methods, "nl", suggested=datetime(2026, 12, 1, 9, tzinfo=UTC)
            )
        ),
    ]
    found = problems(rendered)
    assert found == [], "\n".join(found)
    people = rendered[2]["body"]
    picker = next(e for e in people if e.get("id") == "members")
    assert picker["choices.data"] == {"type": "Data.Query", "dataset": "graph.microsoft.com/users"}
