"""The :class:`Storage` facade: the one object the bot and the CLI use to persist anything.

Records from the conversation (unanswered questions, feedback, counters, language choices)
never make a reply wait for a database that is down or locked: they go through the retry
outbox (:mod:`storage.outbox`). Functions for the welfare team and for handoffs talk to the
database directly and raise :class:`StorageUnavailable` when it cannot be reached.

Raw Telegram ids never reach a question, feedback, preference or counter row: ``Storage``
hashes them itself (:mod:`storage.hashing`).
"""

from __future__ import annotations

from storage.base import StorageBase, default_spool_path, spool_files
from storage.handoffs import Handoffs
from storage.recording import COUNTER_KINDS, REASONS, Recording
from storage.results import DayCounts, HandoffLink, Stats, UnansweredGroup, UnansweredRow
from storage.welfare import Welfare

__all__ = [
    "COUNTER_KINDS",
    "REASONS",
    "DayCounts",
    "HandoffLink",
    "Stats",
    "Storage",
    "StorageBase",
    "UnansweredGroup",
    "UnansweredRow",
    "default_spool_path",
    "spool_files",
]


class Storage(Recording, Welfare, Handoffs):
    """Persistence for the bot; create with :meth:`open`, end with :meth:`close`.

    One object, built from parts with one job each: :mod:`storage.base` (connection,
    sessions, write paths, claims), :mod:`storage.recording` (conversation records,
    privacy), :mod:`storage.welfare` (the welfare team's reads and reviews) and
    :mod:`storage.handoffs`.
    """
