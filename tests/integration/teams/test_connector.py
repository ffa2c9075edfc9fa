"""The Bot Connector client against a local connector over real HTTP: one attempt, a
transient answer (429, 412, 502, 504) raised with ``retry_after`` for the outbox (the
platform's Retry-After, else a short default), nothing slept out; and no Authorization
header when there is no app token (the Agents Playground)."""

from __future__ import annotations

import pytest

from core.services.ports import Refusal, Undeliverable
from integrations.teams.connector import DEFAULT_RETRY_SECONDS, Connector, ConnectorError
from tests.support.teams_servers import FakeConnector, MicrosoftStandIns


@pytest.fixture
def connector(microsoft: MicrosoftStandIns) -> FakeConnector:
    return microsoft.connector.fresh()


def _client(token: str = "app-token") -> Connector:
    return Connector(lambda: token)


def test_a_429_goes_back_to_the_outbox_with_its_retry_after(connector: FakeConnector) -> None:
    connector.fail_next = [(429, {"Retry-After": "3"})]
    with pytest.raises(ConnectorError) as raised:
        _client().send(connector.base, "19:c@thread.tacv2", {"type": "message"})
    assert raised.value.status == 429 and raised.value.retry_after == 3.0
    assert len(connector.calls) == 1
    assert {c.authorization for c in connector.calls} == {"Bearer app-token"}
    ref = _client().send(connector.base, "19:c@thread.tacv2", {"type": "message"})
    assert ref.startswith("17000000000")


@pytest.mark.parametrize("status", [412, 502, 504])
def test_transient_statuses_come_back_soon(connector: FakeConnector, status: int) -> None:
    connector.fail_next = [(status, {})]
    with pytest.raises(ConnectorError) as raised:
        _client().update(connector.base, "19:c@thread.tacv2", "1", {"type": "message"})
    assert raised.value.retry_after == DEFAULT_RETRY_SECONDS
    assert [c.method for c in connector.calls] == ["PUT"]


def test_other_errors_are_not_retried(connector: FakeConnector) -> None:
    connector.fail_next = [(500, {})]
    with pytest.raises(ConnectorError) as raised:
        _client().send(connector.base, "a:personal", {"type": "message"})
    assert raised.value.status == 500 and raised.value.retry_after is None
    assert len(connector.calls) == 1


@pytest.mark.parametrize(
    ("status", "refusal"),
    [
        (400, Refusal.REFUSED),
        (403, Refusal.NO_ACCESS),
        (404, Refusal.NO_ACCESS),
        (413, Refusal.TOO_LARGE),
    ],
)
def test_answers_asking_again_will_not_change_are_undeliverable(
    connector: FakeConnector, status: int, refusal: Refusal
) -> None:
    connector.fail_next = [(status, {})]
    with pytest.raises(Undeliverable) as raised:
        _client().send(connector.base, "a:personal", {"type": "message"})
    assert raised.value.refusal is refusal and raised.value.permanent
    assert raised.value.detail.startswith(f"HTTP {status}")
    assert len(connector.calls) == 1


def test_without_an_app_token_no_authorization_header_is_sent(connector: FakeConnector) -> None:
    _client(token="").send(connector.base, "a:personal", {"type": "message"})
    assert [c.authorization for c in connector.calls] == [None]
