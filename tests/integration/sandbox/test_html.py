"""The HTML renderer: pure functions from the neutral views to HTML; all text escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from core.views import actions as a
from core.views.vocabulary import (
    Button,
    Buttons,
    Card,
    Checkboxes,
    ContextLine,
    Emphasis,
    Field,
    Fields,
    Form,
    Heading,
    Mention,
    Moment,
    Option,
    PeopleSelect,
    Strong,
    Text,
    TextInput,
    spans,
)
from integrations.sandbox import html

SURFACE = html.Surface(
    locale="en",
    zone=ZoneInfo("Europe/Amsterdam"),
    names={"anna": "Anna"},
    hidden={"csrf": "tok"},
    people=(("anna", "Anna"), ("bram", "Bram")),
)
EVIL = '<script>alert("x")</script> & <b onclick=1>'


def test_every_text_is_escaped_and_user_text_stays_text() -> None:
    card = Card(
        blocks=(
            Heading(EVIL),
            Text(spans(EVIL, Strong(EVIL), Emphasis(EVIL), "\nnext line")),
            Fields((Field(EVIL, spans(EVIL)),)),
            ContextLine(spans(EVIL)),
            Buttons((Button(a.MEETING_ADVANCE, EVIL, value='"><script>'),)),
        ),
        summary=EVIL,
    )
    out = html.card(card, SURFACE)
    assert "<script>" not in out and "<b onclick" not in out
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b onclick=1&gt;" in out
    assert "<br>next line" in out
    assert 'value="&quot;&gt;&lt;script&gt;"' in out


def test_mentions_show_the_simulated_persons_name_and_moments_a_time_element() -> None:
    at = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)
    out = html.card(Card((Text((Mention("anna"), Mention("<x>"), Moment(at))),), "s"), SURFACE)
    assert '<span class="mention" data-person="anna">Anna</span>' in out
    assert 'data-person="&lt;x&gt;">&lt;x&gt;</span>' in out
    assert '<time datetime="2026-11-23T13:30:00+00:00">23 Nov 2026, 14:30</time>' in out
    dutch = html.Surface(locale="nl", zone=ZoneInfo("Europe/Amsterdam"))
    assert ">23-11-2026 14:30</time>" in html.card(Card((Text((Moment(at),)),), "s"), dutch)


def test_a_button_is_a_post_form_with_the_action_its_value_and_the_csrf_token() -> None:
    out = html.card(
        Card((Buttons((Button(a.MEETING_ADVANCE, "Next", "phase:2", "primary"),)),), "s"), SURFACE
    )
    assert '<form method="post" action="/act"' in out
    for name, value in (("csrf", "tok"), ("action", a.MEETING_ADVANCE), ("value", "phase:2")):
        assert f'<input type="hidden" name="{name}" value="{value}">' in out
    assert "button-primary" in out


def test_a_form_carries_its_state_and_renders_people_as_checkboxes() -> None:
    form = Form(
        callback_id=a.FORM_GROUP,
        title="Add <group>",
        submit="Save",
        state={"group_id": "7"},
        blocks=(
            TextInput(a.INPUT_NAME, "Name", initial="</textarea><script>", multiline=True),
            PeopleSelect(a.INPUT_MEMBERS, "Members", initial=("bram",)),
            PeopleSelect(a.INPUT_FACILITATOR, "Facilitator", multiple=False, optional=True),
            Checkboxes(a.INPUT_CONSENT, "Consent", (Option("yes", "Yes"),)),
        ),
    )
    out = html.form(form, SURFACE)
    assert 'action="/forms/form.group"' in out and "Add &lt;group&gt;" in out
    assert '<input type="hidden" name="state.group_id" value="7">' in out
    assert "&lt;/textarea&gt;&lt;script&gt;</textarea>" in out
    assert 'type="checkbox" name="members" value="bram" checked' in out
    assert 'type="radio" name="facilitator" value="anna"' in out
    assert 'type="checkbox" name="consent" value="yes"' in out
