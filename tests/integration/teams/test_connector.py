"""The Bot Connector client against a local connector over real HTTP: retries on 429, 412,
502 and 504 honouring Retry-After, gives up with ``retry_after`` for the outbox worker, and
sends no Authorization header when there is no app token (the Agents Playground)."""

from __future__ import annotations

import pytest

from integrations.teams.connector import MAX_ATTEMPTS, Connector, ConnectorError
from tests.support.teams_servers import FakeConnector, MicrosoftStandIns


class Waits:
    """The connector's sleep: records how long it would wait, without waiting."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture
def connector(microsoft: MicrosoftStandIns) -> FakeConnector:
    return microsoft.connector.fresh()


def _client(waits: Waits, token: str = "app-token") -> Connector:
    return Connector(lambda: token, sleep=waits)


def test_429_is_retried_after_the_retry_after_seconds(connector: FakeConnector) -> None:
    waits = Waits()
    connector.fail_next = [(429, {"Retry-After": "3"}), (429, {"Retry-After": "1.5"})]
    ref = _client(waits).send(connector.base, "19:c@thread.tacv2", {"type": "message"})
    assert ref.startswith("17000000000")
    assert waits.seconds == [3.0, 1.5]
    assert len(connector.calls) == 3
    assert {c.authorization for c in connector.calls} == {"Bearer app-token"}


@pytest.mark.parametrize("status", [412, 502, 504])
def test_transient_statuses_back_off_exponentially(connector: FakeConnector, status: int) -> None:
    waits = Waits()
    connector.fail_next = [(status, {}), (status, {})]
    _client(waits).update(connector.base, "19:c@thread.tacv2", "1", {"type": "message"})
    assert len(waits.seconds) == 2
    assert 0.5 <= waits.seconds[0] <= 1.0 and 1.0 <= waits.seconds[1] <= 2.0
    assert [c.method for c in connector.calls] == ["PUT"] * 3


def test_gives_up_after_the_last_attempt_with_retry_after(connector: FakeConnector) -> None:
    waits = Waits()
    connector.fail_next = [(429, {"Retry-After": "2"})] * MAX_ATTEMPTS
    with pytest.raises(ConnectorError) as raised:
        _client(waits).send(connector.base, "a:personal", {"type": "message"})
    assert raised.value.status == 429 and raised.value.retry_after == 2.0
    assert len(connector.calls) == MAX_ATTEMPTS and waits.seconds == [2.0] * (MAX_ATTEMPTS - 1)


def test_a_long_retry_after_goes_back_to_the_outbox_at_once(connector: FakeConnector) -> None:
    waits = Waits()
    connector.fail_next = [(429, {"Retry-After": "120"})]
    with pytest.raises(ConnectorError) as raised:
        _client(waits).send(connector.base, "a:personal", {"type": "message"})
    assert raised.value.retry_after == 120.0 and waits.seconds == []
    assert len(connector.calls) == 1


def test_other_errors_are_not_retried(connector: FakeConnector) -> None:
    waits = Waits()
    connector.fail_next = [(403, {})]
    with pytest.raises(ConnectorError) as raised:
        _client(waits).send(connector.base, "a:personal", {"type": "message"})
    assert raised.value.status == 403 and raised.value.retry_after is None
    assert len(connector.calls) == 1 and waits.seconds == []


def test_without_an_app_token_no_authorization_header_is_sent(connector: FakeConnector) -> None:
    _client(Waits(), token="").send(connector.base, "a:personal", {"type": "message"})
    assert [c.authorization for c in connector.calls] == [None]
