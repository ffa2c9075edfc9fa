"""The Slack adapter (issue 3): not built yet."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from integrations.server import App

log = logging.getLogger("intervision.slack")


def mount(app: App) -> None:
    log.info("Slack: not available in this version yet")
