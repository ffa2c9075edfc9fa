"""Our real app on the production server (waitress), on a free loopback port in a thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from integrations.server import App, make_server


@contextmanager
def served(app: App) -> Iterator[str]:
    """Serve ``app`` while the block runs; yields its base URL.

    On the way out the server is closed from inside its own loop (through waitress's
    trigger), so the loop ends at once instead of at the end of its one-second poll, and
    its worker threads are stopped."""
    server = make_server(app)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        try:
            server.trigger.pull_trigger(server.close)
        except OSError:  # the loop had ended already and closed its trigger with it
            server.close()
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()
