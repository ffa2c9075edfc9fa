"""Repositories over one SQLAlchemy connection, one per aggregate (see ``core.services.ports``)."""

from core.storage.repositories.cases import SqlCases
from core.storage.repositories.goals import SqlGoals
from core.storage.repositories.groups import SqlGroups
from core.storage.repositories.meetings import SqlMeetings
from core.storage.repositories.messages import SqlInboundEvents, SqlOutbox
from core.storage.repositories.posts import SqlConversationRefs, SqlMeetingPosts
from core.storage.repositories.tasks import SqlTasks
from core.storage.repositories.workspaces import SqlWorkspaces

__all__ = [
    "SqlCases",
    "SqlConversationRefs",
    "SqlGoals",
    "SqlGroups",
    "SqlInboundEvents",
    "SqlMeetingPosts",
    "SqlMeetings",
    "SqlOutbox",
    "SqlTasks",
    "SqlWorkspaces",
]
