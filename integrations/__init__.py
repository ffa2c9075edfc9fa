"""Adapters around the core: Slack, Teams, the browser sandbox, and the composition root."""
