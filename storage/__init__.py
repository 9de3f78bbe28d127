"""Persistence (SQLAlchemy 2 async): the only package that talks to the database.

Everything goes through :class:`Storage`::

    storage = await Storage.open(url, hash_secret=secret, retention_days=180)
    await storage.record_unanswered(user_id=None, text="...", language="en", candidates=[])
    await storage.close()
"""

from storage.errors import StorageError, StorageUnavailable
from storage.migrate import upgrade as upgrade_database
from storage.models import STATUSES
from storage.service import (
    COUNTER_KINDS,
    REASONS,
    DayCounts,
    HandoffLink,
    Stats,
    Storage,
    UnansweredGroup,
    UnansweredRow,
)
from storage.suggestions import SOURCES, SUGGESTION_STATUSES, SuggestionRow

__all__ = [
    "COUNTER_KINDS",
    "REASONS",
    "SOURCES",
    "STATUSES",
    "SUGGESTION_STATUSES",
    "DayCounts",
    "HandoffLink",
    "Stats",
    "Storage",
    "StorageError",
    "StorageUnavailable",
    "SuggestionRow",
    "UnansweredGroup",
    "UnansweredRow",
    "upgrade_database",
]
