"""Inbound authentication over real HTTP: only activities signed by the Bot Framework for
this bot, from the serviceUrl they name, are taken in; anything else is 401 and stores
nothing."""

from __future__ import annotations

import functools
import logging
import time

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from integrations.teams import auth
from tests.support.teams_harness import APP_ID, TeamsHarness, running_teams
from tests.support.teams_servers import MicrosoftStandIns, new_rsa_key


def _hello(teams: TeamsHarness) -> dict[str, object]:
    return teams.personal_message("aad-1", "help")


def test_a_valid_token_is_accepted_and_the_person_remembered(teams: TeamsHarness) -> None:
    status, _ = teams.post(_hello(teams))
    assert status == 200
    assert teams.rows("conversation_refs") == 1
    assert teams.rows("inbound_events") == 1
    # the help card went back into the personal chat, with the app token from msal
    [call] = teams.connector.sent("POST")
    assert call.path == "/v3/conversations/a:personal-aad-1/activities"
    assert call.authorization == "Bearer test-bot-token"
    assert teams.tokens.token_requests[0]["grant_type"] == "client_credentials"
    assert teams.tokens.token_requests[0]["scope"] == "https://api.botframework.com/.default"


@functools.cache
def _impostor_key() -> rsa.RSAPrivateKey:
    """A key the Bot Framework never published (made once: RSA keys are slow to make)."""
    return new_rsa_key()


def _forged(teams: TeamsHarness, url: str) -> str:
    return teams.keys.token(url, key=_impostor_key())


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(_forged, id="forged-signature"),
        pytest.param(
            lambda t, url: t.keys.token(
                url, exp=int(time.time()) - 600, nbf=int(time.time()) - 4000
            ),
            id="expired",
        ),
        pytest.param(lambda t, url: t.keys.token(url, aud="another-bot"), id="wrong-audience"),
        pytest.param(
            lambda t, url: t.keys.token(url, iss="https://sts.windows.net/evil/"), id="wrong-issuer"
        ),
        pytest.param(
            lambda t, url: t.keys.token("https://smba.example.invalid/"), id="serviceurl-mismatch"
        ),
        pytest.param(lambda t, url: t.keys.token(url, kid="unknown-key"), id="unknown-key"),
        pytest.param(lambda t, url: None, id="no-token"),
        pytest.param(lambda t, url: "not.a.jwt", id="garbage"),
    ],
)
def test_a_bad_token_is_refused_and_nothing_is_stored(
    teams: TeamsHarness, make_token: object
) -> None:
    before = teams.stored_rows()
    activity = _hello(teams)
    token = make_token(teams, activity["serviceUrl"])  # type: ignore[operator]
    status, _ = teams.post(activity, token=token)
    assert status == 401
    assert teams.stored_rows() == before == 0
    assert teams.connector.calls == []


def test_a_key_not_endorsed_for_msteams_is_refused(teams: TeamsHarness) -> None:
    teams.keys.endorsements = ["skype"]
    status, _ = teams.post(_hello(teams))
    assert status == 401
    assert teams.stored_rows() == 0


def test_a_rolled_key_is_fetched_again(
    teams: TeamsHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert teams.post(_hello(teams))[0] == 200
    fetches = teams.keys.jwks_fetches
    teams.keys.kid = "rolled-key-2"
    # The pause between fetches only guards against floods of unknown kids.
    monkeypatch.setattr(auth, "REFETCH_PAUSE_SECONDS", 0)
    assert teams.post(_hello(teams))[0] == 200
    assert teams.keys.jwks_fetches == fetches + 1


def test_unauthenticated_mode_accepts_without_a_token_and_says_so(
    db_url: str,
    microsoft: MicrosoftStandIns,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="intervision.teams")
    with running_teams(db_url, microsoft, monkeypatch, TEAMS_ALLOW_UNAUTHENTICATED=True) as teams:
        assert "TEAMS_ALLOW_UNAUTHENTICATED is on" in caplog.text
        status, _ = teams.post(_hello(teams), token=None)
        assert status == 200
        assert "WITHOUT a token" in caplog.text
        # a token that is present is still checked
        assert teams.post(_hello(teams), token="not.a.jwt")[0] == 401
    assert APP_ID
