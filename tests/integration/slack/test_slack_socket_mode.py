"""Socket Mode over a real WebSocket: apps.connections.open on the fake Web API hands out
the URL of a local RFC 6455 server; it pushes a slash command envelope, our server acks
it and the command takes effect; SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from integrations import slack
from tests.support.slack_fake import fixture
from tests.support.slack_meeting import root_posts, settle
from tests.support.slack_socket_fake import FakeSocketSlack
from tests.support.slack_world import CHANNEL, MEMBERS, slack_world

APP_TOKEN = "xapp-1-A0APP00001-1234567890-abcdef"


@pytest.fixture
def socket() -> Iterator[FakeSocketSlack]:
    fake = FakeSocketSlack().start()
    try:
        yield fake
    finally:
        fake.stop()


def test_a_slash_command_over_socket_mode_is_acked_and_starts_the_meeting(
    db_url: str, socket: FakeSocketSlack
) -> None:
    with slack_world(db_url, socket_url=socket.url, SLACK_APP_TOKEN=APP_TOKEN) as world:
        fake = world.fake
        world.add_group(method_id="incident")
        socket.wait_connected()
        opened = fake.of("apps.connections.open")
        assert [c.token for c in opened] == [APP_TOKEN]
        assert socket.handshakes[0].startswith("GET /link/?ticket=fake-ticket")

        payload = fixture("slash_command")
        payload.update(
            user_id=MEMBERS[0],
            text="start",
            channel_id=CHANNEL,
            response_url=fake.response_url("socket-cmd"),
            trigger_id="trigger.socket",
        )
        socket.send(
            {
                "envelope_id": "57d6a792-4d35-4d0b-b6aa-3361493e1caf",
                "type": "slash_commands",
                "payload": payload,
                "accepts_response_payload": True,
            }
        )
        ack = socket.wait_for_ack("57d6a792-4d35-4d0b-b6aa-3361493e1caf")
        assert set(ack) <= {"envelope_id", "payload"}

        fake.wait_for(lambda: root_posts(world), what="the meeting card")
        settle(world)
        card = root_posts(world)
        assert len(card) == 1 and card[0].args["channel"] == CHANNEL
        assert card[0].token == "xoxb-test-token"

        running = slack.socket_mode_of(world.app)
        assert running is not None and running.is_connected()
        slack.stop(world.app)
        assert slack.socket_mode_of(world.app) is None
        assert not running.is_connected()
