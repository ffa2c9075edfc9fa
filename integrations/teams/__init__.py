"""The Microsoft Teams adapter (issue 4): not built yet."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from integrations.server import App

log = logging.getLogger("intervision.teams")


def mount(app: App) -> None:
    log.info("Microsoft Teams: not available in this version yet")
