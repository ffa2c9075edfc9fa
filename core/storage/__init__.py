"""Storage: SQLAlchemy Core tables, repositories, the unit of work and Alembic migrations."""

from core.storage.engine import database_url, make_engine
from core.storage.migrate import current_revision, upgrade
from core.storage.uow import SqlUnitOfWork, make_uow_factory

__all__ = [
    "SqlUnitOfWork",
    "current_revision",
    "database_url",
    "make_engine",
    "make_uow_factory",
    "upgrade",
]
