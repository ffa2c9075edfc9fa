"""Alembic migrations of the intervision schema (run by ``core.storage.migrate``)."""
