"""The local browser sandbox (issue 7): not built yet."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from integrations.server import App

log = logging.getLogger("intervision.sandbox")


def mount(app: App) -> None:
    log.info("Sandbox: not available in this version yet")
