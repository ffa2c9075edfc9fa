"""Database trouble under a Slack form, on SQLite and PostgreSQL, over real HTTP: the test
holds the database (SQLite ``BEGIN EXCLUSIVE`` from another connection; PostgreSQL
``LOCK TABLE cases IN ACCESS EXCLUSIVE MODE``) until the answer to a member's case form
has come. Slack gets the answer within its 3 s, an error shown in the modal; nothing is stored
when the lock goes, so submitting again works; the same signed submission replayed (within
Slack's five minutes) creates the case once."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from typing import Any

from sqlalchemy import text

from core.views import actions as a
from tests.support import locks
from tests.support.slack_meeting import finish
from tests.support.slack_world import MEMBERS, SlackWorld, slack_world

SLACK_WAITS_SECONDS = 3.0
FORM = "application/x-www-form-urlencoded"
CASE = {
    a.INPUT_TITLE: "A family that will not open the door",
    a.INPUT_HELP_QUESTION: "How do I keep contact without forcing it?",
    a.INPUT_CONSENT: ["yes"],
}


def cases(world: SlackWorld) -> list[str]:
    with world.app.engine.connect() as connection:
        return list(connection.execute(text("SELECT title FROM cases")).scalars())


def signed_body(payload: dict[str, Any]) -> bytes:
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


def test_a_form_during_a_long_lock_is_refused_in_time_and_never_stored_later(
    db_url: str,
) -> None:
    with slack_world(db_url) as world:
        world.add_group()
        member = MEMBERS[0]
        assert world.command(member, "case")[0] == 200
        view = world.opened_view(a.FORM_CASE)
        view.update(id="V0CASEFORM1", hash="1700000000.abcdef")  # as Slack numbers the modal

        with locks.held(world.app.settings.DATABASE_URL or "", "cases"):
            taken = time.monotonic()
            status, body = world.submit(member, view, CASE)
            answered = time.monotonic() - taken
            assert status == 200 and answered < SLACK_WAITS_SECONDS, (status, answered, body)
            shown = json.loads(body)
            assert shown["response_action"] == "errors"
            assert shown["errors"] == {
                a.INPUT_TITLE: "We could not save this just now. Nothing was saved; "
                "please try again."
            }
        # The answer is the sentinel: Bolt answers a submission only after the listener
        # returned, so the refused work is over and cannot land once the lock goes.
        assert cases(world) == []

        # The member presses Submit again on the same modal: the failure recorded nothing.
        again = world.submission(member, view, CASE)
        stamp = int(time.time())
        assert world.sender.post(signed_body(again), FORM, timestamp=stamp) == (200, b"")
        assert cases(world) == [CASE[a.INPUT_TITLE]]

        # That same signed request, replayed one after the other and then all at once.
        for _ in range(3):
            assert world.sender.post(signed_body(again), FORM, timestamp=stamp)[0] == 200
        answers: list[tuple[int, bytes]] = []
        replays = [
            threading.Thread(
                target=lambda: answers.append(
                    world.sender.post(signed_body(again), FORM, timestamp=stamp)
                )
            )
            for _ in range(3)
        ]
        for replay in replays:
            replay.start()
        for replay in replays:
            replay.join(15)
        assert [status for status, _ in answers] == [200, 200, 200], answers
        finish(world)  # every listener has run to its end
        assert cases(world) == [CASE[a.INPUT_TITLE]]
