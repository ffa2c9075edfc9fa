"""Writing a person's own calendar on their platform (``CalendarPort``): what their feed
shows now (``core.views.calendar.entries``), entry by entry, each written only when it
changed since it was last written (``CalendarEntry.digest``).

Each entry's ref is stored as soon as the platform answered, in a transaction of its own:
a delivery cut short (a 429 half-way, a crash) goes on where it stopped, and updates what
it wrote instead of writing it again. An entry never written that is removed, or a task
already done, is not written at all.
"""

from __future__ import annotations

import logging

from core.services import calendars
from core.services.context import Context
from core.services.ports import CalendarPort, Destination, EntryState, Written
from core.views.calendar import entries

log = logging.getLogger(__name__)


def write_calendar(ctx: Context, port: CalendarPort, to: Destination, *, workspace_id: int) -> int:
    """Bring ``to.person``'s own calendar up to date; returns how many entries were written."""
    person = to.person
    assert person is not None
    feed = calendars.person_calendar(ctx, workspace_id=workspace_id, person=person)
    with ctx.uow() as uow:
        written = uow.entries.of(workspace_id, person)
    count = 0
    for entry in entries(feed, ctx.methods):
        before = written.get(entry.key)
        if before is not None and before.digest == entry.digest:
            continue
        if (before is None or before.ref is None) and entry.state is not EntryState.OPEN:
            continue  # nothing there to remove or to tick off
        linked = written.get(entry.meeting_key) if entry.meeting_key else None
        ref = port.write(
            to,
            entry,
            ref=before.ref if before is not None else None,
            linked=linked.ref if linked is not None else None,
        )
        now = Written(ref=ref, digest=entry.digest)
        with ctx.uow() as uow:
            uow.entries.put(workspace_id, person, entry.key, now, now=ctx.clock.now())
            uow.commit()
        written[entry.key] = now
        count += 1
    if count:
        log.info("calendar of %s in workspace %s: %s entries written", person, workspace_id, count)
    return count
