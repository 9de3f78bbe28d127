"""Is the FAQ's content still trustworthy? Entries without sources, and entries due for review.

Pure functions over a loaded :class:`~faq.models.FaqTree`: ``welcomebot faq check`` calls them,
and so can the weekly staff digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from faq.models import Entry, FaqTree

#: An answer not checked against its sources for this long is due for review.
STALE_AFTER = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class Due:
    """One entry due for review: its id, file, last review and how many days overdue."""

    entry: str
    file: str
    reviewed: date
    overdue_days: int


def _file(entry: Entry) -> str:
    return str(entry.path) if entry.path else entry.id


def due_for_review(tree: FaqTree, today: date, *, after: timedelta = STALE_AFTER) -> list[Due]:
    """Entries whose ``reviewed`` date is more than ``after`` before ``today``, oldest first.

    An entry reviewed exactly ``after`` ago is not yet due.
    """
    due = [
        Due(e.id, _file(e), e.reviewed, (today - e.reviewed - after).days)
        for e in tree.entries.values()
        if today - e.reviewed > after
    ]
    return sorted(due, key=lambda d: (d.reviewed, d.entry))


def unsourced(tree: FaqTree) -> list[Entry]:
    """Entries that name no source page: a fact nobody can check (an error in ``faq check``)."""
    return [e for e in tree.entries.values() if not e.sources]
