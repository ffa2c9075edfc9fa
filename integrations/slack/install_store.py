"""Where multi-workspace installs are kept: slack_sdk's SQLAlchemy stores on our engine,
with every token encrypted at rest (Fernet, keyed from INTERVISION_SECRET_KEY)."""

from __future__ import annotations

import base64
import copy
import logging
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy.engine import Engine

log = logging.getLogger("intervision.slack")

TOKEN_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
STATE_SECONDS = 600
_T = TypeVar("_T", Installation, Bot)


class TokenKeyError(Exception):
    """A stored token cannot be read with the current INTERVISION_SECRET_KEY."""


def token_cipher(secret_key: str) -> Fernet:
    """A Fernet key derived from the server's secret with HKDF-SHA256, so the secret
    itself may have any length and the same secret can key other things differently."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"intervision slack tokens"
    ).derive(secret_key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(derived))


class EncryptedInstallationStore(InstallationStore):
    """Encrypts the tokens of an installation before the inner store saves it, and
    decrypts them on the way out; everything else passes through unchanged."""

    def __init__(self, inner: InstallationStore, cipher: Fernet) -> None:
        self.inner = inner
        self.cipher = cipher

    @property
    def logger(self) -> logging.Logger:
        return log

    def _encrypted(self, entity: _T) -> _T:
        sealed = copy.copy(entity)
        for name in TOKEN_FIELDS:
            value = getattr(sealed, name, None)
            if value:
                setattr(sealed, name, self.cipher.encrypt(value.encode("utf-8")).decode("ascii"))
        return sealed

    def _decrypted(self, entity: _T | None) -> _T | None:
        if entity is None:
            return None
        for name in TOKEN_FIELDS:
            value = getattr(entity, name, None)
            if value:
                try:
                    plain = self.cipher.decrypt(value.encode("ascii")).decode("utf-8")
                except InvalidToken as exc:
                    raise TokenKeyError(
                        "a stored Slack token does not decrypt with INTERVISION_SECRET_KEY "
                        "(was the key changed? install the app again)"
                    ) from exc
                setattr(entity, name, plain)
        return entity

    def save(self, installation: Installation) -> None:
        self.inner.save(self._encrypted(installation))

    def save_bot(self, bot: Bot) -> None:
        self.inner.save_bot(self._encrypted(bot))

    # A slash command outside Enterprise Grid may carry ``enterprise_id=""``; installs
    # there are stored with NULL, so "" must look up NULL.
    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        return self._decrypted(
            self.inner.find_bot(
                enterprise_id=enterprise_id or None,
                team_id=team_id,
                is_enterprise_install=is_enterprise_install,
            )
        )

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        return self._decrypted(
            self.inner.find_installation(
                enterprise_id=enterprise_id or None,
                team_id=team_id,
                user_id=user_id,
                is_enterprise_install=is_enterprise_install,
            )
        )

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.inner.delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self.inner.delete_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.inner.delete_all(enterprise_id=enterprise_id, team_id=team_id)


def build_stores(
    engine: Engine, *, client_id: str, secret_key: str
) -> tuple[EncryptedInstallationStore, SQLAlchemyOAuthStateStore]:
    """The two stores, their tables created by slack_sdk itself (docs/decisions/0008)."""
    installations = SQLAlchemyInstallationStore(
        client_id=client_id, engine=engine, logger=logging.getLogger("intervision.slack.store")
    )
    states = SQLAlchemyOAuthStateStore(
        expiration_seconds=STATE_SECONDS,
        engine=engine,
        logger=logging.getLogger("intervision.slack.store"),
    )
    installations.create_tables()  # type: ignore[no-untyped-call]
    states.create_tables()  # type: ignore[no-untyped-call]
    return EncryptedInstallationStore(installations, token_cipher(secret_key)), states


def bot_token(store: InstallationStore, team_id: str) -> Any:
    """The (decrypted) bot token of a team, or None when the app is not installed there."""
    bot = store.find_bot(enterprise_id=None, team_id=team_id)
    return bot.bot_token if bot is not None else None
