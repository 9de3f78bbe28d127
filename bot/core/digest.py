"""The daily digest's content: unanswered question groups that are new since the day before,
entries people marked not helpful in that time, entries due for review (reviewed more than a
year ago, or past their ``review_by`` date: :func:`faq.freshness.due_for_review`), and how many suggested variants wait for review (posted to the staff chat by :mod:`bot.telegram.jobs.digest`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.core.leiden import today as leiden_today
from faq.freshness import Due, due_for_review
from faq.models import FaqTree
from storage import Storage, UnansweredGroup

#: What the digest covers.
DIGEST_PERIOD = timedelta(days=1)
#: Upper bound on the groups read for the digest.
MAX_GROUPS = 10_000


@dataclass(frozen=True, slots=True)
class Digest:
    """What the daily digest reports."""

    day: date
    since: datetime
    new_groups: list[UnansweredGroup]
    open_groups: int
    thumbs_down: list[tuple[str, int, int]]  # entry, helpful, not helpful
    stale: list[Due]
    #: suggested question variants waiting for review (/suggestions)
    suggestions: int = 0
    #: crisis replies and check-ins in the last seven days (numbers only, no text)
    crisis_week: int = 0
    checkins_week: int = 0


async def build_digest(storage: Storage, tree: FaqTree, *, now: datetime) -> Digest:
    """The digest's content as of ``now`` (timezone-aware)."""
    since = now - DIGEST_PERIOD
    groups = await storage.unanswered_groups(status="new", limit=MAX_GROUPS)
    new = [g for g in groups if g.first_seen >= since]
    feedback = await storage.feedback_summary(since=since)
    thumbs_down = sorted(
        ((entry, up, down) for entry, up, down in feedback if down),
        key=lambda item: (-item[2], item[1], item[0]),
    )
    today = leiden_today(now)
    stale = due_for_review(tree, today)
    suggestions = await storage.count_suggestions(status="new")
    week = await storage.stats(days=7, today=now.astimezone(UTC).date())
    return Digest(
        today,
        since,
        new,
        len(groups),
        thumbs_down,
        stale,
        suggestions,
        crisis_week=sum(d.safety for d in week.per_day),
        checkins_week=sum(d.checkins for d in week.per_day),
    )
