"""The one place configuration is read: the environment (DESIGN.md section 5)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.domain.common import Platform
from core.domain.privacy import DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS, MIN_RETENTION_DAYS
from core.services.bookkeeping import DEFAULT_KEEP_DAYS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=True)

    DATABASE_URL: str | None = None
    HOST: str = "127.0.0.1"
    PORT: int = Field(default=3978, ge=0, le=65535)
    PUBLIC_BASE_URL: str | None = None
    INTERVISION_SECRET_KEY: str | None = None
    INTERVISION_METHODS_DIR: Path | None = None
    """A folder of custom method files, loaded beside the built-in library."""
    SANDBOX: bool | None = None
    SANDBOX_ORIGINS: str | None = None
    """Comma-separated addresses (``https://sandbox.example.org``, ``http://pc.lan:3978``)
    at which the sandbox is reached beyond loopback (``SANDBOX=1`` on another ``HOST``, or
    behind a proxy): their ``Host`` is answered and their ``Origin`` accepted."""
    INTERVISION_RETENTION_DAYS: int = Field(
        default=DEFAULT_RETENTION_DAYS, ge=MIN_RETENTION_DAYS, le=MAX_RETENTION_DAYS
    )
    """Days after a meeting ended that its case and contribution texts are removed, where a
    workspace has no setting of its own (``workspace configure --retention-days``)."""
    INTERVISION_BOOKKEEPING_DAYS: int = Field(default=DEFAULT_KEEP_DAYS, ge=1, le=365)
    """Days the keys of inbound events (redeliveries) and delivered outbox rows are kept."""
    OUTBOX_IN_WEB: bool = True
    """The web process delivers the outbox and runs the retention job itself (the embedded
    default); false when ``intervision worker`` processes do (several web processes)."""
    OUTBOX_POLL_SECONDS: float = Field(default=5.0, gt=0, le=300)
    """How often a worker looks for work it was not woken for (rows queued by another
    process, retries that came due)."""
    OUTBOX_WORKERS: int = Field(default=4, ge=1, le=32)
    """Deliveries under way at once (different channels and workspaces side by side)."""
    OUTBOX_LEASE_SECONDS: float = Field(default=120.0, gt=0)
    """How long a delivery may take before another worker may take it over (a worker
    that died mid-delivery loses its rows after this)."""
    OUTBOX_SPACING_SECONDS: float = Field(default=0.0, ge=0, le=60)
    """Least seconds from the end of one delivery to a channel (or a person's private
    conversation) to the start of the next; 0: only the platform's 429s pace them."""

    @property
    def public_url(self) -> str:
        """``PUBLIC_BASE_URL``, else this server's own address (links that work on this
        machine): links the product hands out, such as calendar feeds, start with it."""
        return (self.PUBLIC_BASE_URL or f"http://{self.HOST}:{self.PORT}").rstrip("/")

    SLACK_SIGNING_SECRET: str | None = None
    SLACK_BOT_TOKEN: str | None = None
    SLACK_CLIENT_ID: str | None = None
    SLACK_CLIENT_SECRET: str | None = None
    SLACK_APP_TOKEN: str | None = None
    SLACK_API_URL: str = "https://slack.com/api/"

    MICROSOFT_APP_ID: str | None = None
    MICROSOFT_APP_PASSWORD: str | None = None
    MICROSOFT_APP_TENANT_ID: str | None = None
    MICROSOFT_AUTHORITY_HOST: str = "https://login.microsoftonline.com"
    MICROSOFT_GRAPH_URL: str = "https://graph.microsoft.com"
    MICROSOFT_GRAPH_CALENDARS: bool = False
    """Write each Teams member's meetings into their Outlook calendar and their preparation
    tasks into Microsoft To Do, through Graph with the app's own token: the tenant's admin
    consents to Calendars.ReadWrite and Tasks.ReadWrite.All first (README, Teams)."""
    BOTFRAMEWORK_OPENID_METADATA_URL: str = (
        "https://login.botframework.com/v1/.well-known/openidconfiguration"
    )
    TEAMS_ALLOW_UNAUTHENTICATED: bool = False

    @field_validator("SANDBOX_ORIGINS")
    @classmethod
    def _origins(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return ",".join(_origin(item) for item in value.split(",") if item.strip())

    @property
    def sandbox_origins(self) -> tuple[str, ...]:
        return tuple(item for item in (self.SANDBOX_ORIGINS or "").split(",") if item)

    @property
    def slack_configured(self) -> bool:
        single = bool(self.SLACK_SIGNING_SECRET and self.SLACK_BOT_TOKEN)
        oauth = bool(
            self.SLACK_SIGNING_SECRET and self.SLACK_CLIENT_ID and self.SLACK_CLIENT_SECRET
        )
        return single or oauth

    @property
    def teams_configured(self) -> bool:
        return bool(
            self.MICROSOFT_APP_ID
            and (self.MICROSOFT_APP_PASSWORD or self.TEAMS_ALLOW_UNAUTHENTICATED)
        )

    @property
    def outlook_configured(self) -> bool:
        """Graph writes people's calendars: asked for, and an app password to sign in with."""
        return bool(
            self.MICROSOFT_GRAPH_CALENDARS and self.MICROSOFT_APP_ID and self.MICROSOFT_APP_PASSWORD
        )

    @property
    def calendar_platforms(self) -> frozenset[Platform]:
        """Platforms whose people's own calendars are written to (``Context``)."""
        return frozenset({Platform.TEAMS}) if self.outlook_configured else frozenset()

    @property
    def sandbox_enabled(self) -> bool:
        if self.SANDBOX is not None:
            return self.SANDBOX
        return not (self.slack_configured or self.teams_configured)


def _origin(value: str) -> str:
    """``scheme://host[:port]``, as a browser's ``Origin`` header names a site."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{value.strip()!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value.strip()!r} is not http(s)://host[:port]")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(f"{value.strip()!r}: only scheme, host and port, no path")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")
