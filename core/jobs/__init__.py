"""Background work: delivering the outbox (and, later, due jobs such as reminders)."""
