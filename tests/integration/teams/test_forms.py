"""Personal chat over real HTTP on SQLite and PostgreSQL: the overview, the group, goal and
schedule forms submitted through ``Action.Execute`` invokes, and ``report`` in the channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from core.domain.common import Platform
from core.services import groups
from core.services.context import Actor
from core.views import actions as a
from tests.support.teams_cards import problems
from tests.support.teams_harness import CHANNEL, TENANT, TeamsHarness

MANAGER, MEMBERS = "aad-1", ["aad-1", "aad-2", "aad-3", "aad-4"]


def _last_card(teams: TeamsHarness, person: str) -> dict[str, Any]:
    """The card last sent to the person's personal chat."""
    [*_, call] = [
        c
        for c in teams.connector.sent("POST")
        if c.path.startswith(f"/v3/conversations/a:personal-{person}/")
    ]
    card: dict[str, Any] = call.body["attachments"][0]["content"]
    return card


def _inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input.") and "id" in node:
                found[node["id"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


def _submit(
    teams: TeamsHarness, person: str, form: dict[str, Any], values: dict[str, str]
) -> dict[str, Any]:
    [action] = [x for x in form["actions"] if x["type"] == "Action.Execute"]
    missing = set(values) - set(_inputs(form))
    assert not missing, f"no inputs {missing} in {sorted(_inputs(form))}"
    body = teams.ok(teams.card_action(person, action["verb"], {**action["data"], **values}))
    assert body["type"] == "application/vnd.microsoft.card.adaptive", body
    card: dict[str, Any] = body["value"]
    return card


def _workspace(teams: TeamsHarness) -> int:
    ctx = teams.app.ctx
    workspace = groups.ensure_workspace(
        ctx, platform=Platform.TEAMS, external_id=TENANT, locale="en"
    )
    admin = Actor(workspace_id=workspace.id or 0, person="", is_admin=True)
    groups.configure_workspace(ctx, actor=admin, managers=[MANAGER], locale="en")
    return workspace.id or 0


def test_group_goal_and_schedule_forms_and_the_overview(teams: TeamsHarness, db_url: str) -> None:
    _workspace(teams)
    sent: list[dict[str, Any]] = []

    # a manager adds a group through the group form in their personal chat
    teams.ok(teams.personal_message(MANAGER, "group"))
    form = _last_card(teams, MANAGER)
    sent.append(form)
    assert a.FORM_GROUP in str(form)
    answer = _submit(
        teams,
        MANAGER,
        form,
        {
            a.INPUT_NAME: "Ward 7",
            a.INPUT_CHANNEL: CHANNEL,
            a.INPUT_MEMBERS: ",".join(MEMBERS),
            a.INPUT_LOCALE: "en",
        },
    )
    sent.append(answer)
    with teams.app.ctx.uow() as uow:
        [group] = uow.groups.list()
    assert group.name == "Ward 7" and group.channel == CHANNEL
    assert set(group.members) == set(MEMBERS)

    # a member writes a learning goal through the goals form
    teams.ok(teams.personal_message("aad-2", "goals"))
    form = _last_card(teams, "aad-2")
    sent.append(form)
    criteria = _inputs(form).get(a.INPUT_CRITERIA, {})
    answer = _submit(
        teams,
        "aad-2",
        form,
        {
            a.INPUT_GOAL: "I ask one open question before I give advice",
            a.INPUT_WHERE_WHEN: "In every team meeting",
            a.INPUT_DEADLINE: (datetime.now(UTC) + timedelta(days=60)).date().isoformat(),
            a.INPUT_CRITERIA: ",".join(c["value"] for c in criteria.get("choices", [])),
        },
    )
    sent.append(answer)
    with teams.app.ctx.uow() as uow:
        goals = uow.goals.for_person(group.workspace_id, "aad-2", group.id)
    assert [g.text for g in goals] == ["I ask one open question before I give advice"]

    # the manager plans the next meeting through the schedule form
    teams.ok(teams.personal_message(MANAGER, "schedule"))
    form = _last_card(teams, MANAGER)
    sent.append(form)
    day = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
    answer = _submit(
        teams, MANAGER, form, {f"{a.INPUT_WHEN}__date": day, f"{a.INPUT_WHEN}__time": "14:30"}
    )
    sent.append(answer)
    assert day in str(answer) and "14:30" in str(answer)
    with teams.app.ctx.uow() as uow:
        [meeting] = uow.meetings.for_group(group.id or 0)
    assert meeting.state.value == "planned"
    assert meeting.scheduled_at is not None and meeting.scheduled_at.isoformat()[:10] == day

    # `home` in personal chat shows the person's own page: group, goal, next meeting
    teams.ok(teams.personal_message("aad-2", "home"))
    overview = _last_card(teams, "aad-2")
    sent.append(overview)
    assert "Ward 7" in str(overview)
    assert "I ask one open question" in str(overview)
    # and `tasks` the same task list as on every platform
    teams.ok(teams.personal_message("aad-2", "tasks"))
    tasks = _last_card(teams, "aad-2")
    sent.append(tasks)
    assert "My preparation" in str(tasks) and a.TASK_DONE in str(tasks)

    found = problems(sent)
    assert found == [], "\n".join(found)


def test_report_in_the_channel_answers_the_manager_privately(
    teams: TeamsHarness, db_url: str
) -> None:
    workspace_id = _workspace(teams)
    admin = Actor(workspace_id=workspace_id, person="", is_admin=True)
    groups.create_group(
        teams.app.ctx, actor=admin, name="Ward 7", channel=CHANNEL, members=MEMBERS, locale="en"
    )
    before = len(teams.connector.calls)
    teams.ok(teams.channel_message(MANAGER, "<at>Intervision</at> report"))
    new = teams.connector.calls[before:]
    assert new, "no answer"
    posted = [c for c in new if c.method != "GET"]  # the channel's roster is read, not written
    assert all(not c.path.startswith(f"/v3/conversations/{CHANNEL}") for c in posted)
    assert new[-1].path.startswith("/v3/conversations/a:personal-") or new[0].path == (
        "/v3/conversations"
    )
    assert "Ward 7" in str(new[-1].body)
    assert problems([new[-1].body["attachments"][0]["content"]]) == []


def test_help_in_personal_chat_shows_bold_commands(teams: TeamsHarness, db_url: str) -> None:
    teams.ok(teams.personal_message("aad-2", "help"))
    text = str(_last_card(teams, "aad-2"))
    assert "**help**" in text and "** help**" not in text
