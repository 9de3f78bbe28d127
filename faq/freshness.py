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
    """One entry due for review: its id, file, last review, how many days overdue, and the
    ``review_by`` date when that (not the age of the review) made it due."""

    entry: str
    file: str
    reviewed: date
    overdue_days: int
    review_by: date | None = None

    @property
    def reason(self) -> str:
        """Why the entry is due, for ``faq check`` and the staff digest."""
        if self.review_by is not None:
            return f"to be reviewed by {self.review_by.isoformat()} (its content has a date)"
        return f"reviewed {self.reviewed.isoformat()}, over 12 months ago"


def _file(entry: Entry) -> str:
    return str(entry.path) if entry.path else entry.id


def _due(entry: Entry, today: date, after: timedelta) -> Due | None:
    # A dated fact (this year's amounts) goes stale on its own day, however fresh the review.
    if entry.review_by is not None and today >= entry.review_by:
        overdue = (today - entry.review_by).days
        return Due(entry.id, _file(entry), entry.reviewed, overdue, entry.review_by)
    if today - entry.reviewed > after:
        return Due(entry.id, _file(entry), entry.reviewed, (today - entry.reviewed - after).days)
    return None


def due_for_review(tree: FaqTree, today: date, *, after: timedelta = STALE_AFTER) -> list[Due]:
    """Entries whose ``reviewed`` date is more than ``after`` before ``today``, or whose
    ``review_by`` date has come, oldest review first.

    An entry reviewed exactly ``after`` ago is not yet due; one whose ``review_by`` is today is.
    """
    due = [d for e in tree.entries.values() if (d := _due(e, today, after)) is not None]
    return sorted(due, key=lambda d: (d.reviewed, d.entry))


def unsourced(tree: FaqTree) -> list[Entry]:
    """Entries that name no source page: a fact nobody can check (an error in ``faq check``)."""
    return [e for e in tree.entries.values() if not e.sources]
