"""What the :class:`~storage.service.Storage` facade returns to the welfare team and to
handoffs: plain frozen values, built from ORM rows here so no session leaks out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from faq.normalise import normalise
from storage.grouping import Cluster
from storage.models import Handoff, UnansweredQuestion


@dataclass(frozen=True, slots=True)
class UnansweredGroup:
    """Near-duplicate unanswered questions, shown to the welfare team as one line."""

    id: int  # the representative row: the oldest row of the most frequent phrasing
    count: int
    languages: list[str]  # most frequent first
    samples: list[str]  # up to 3 distinct texts, the representative's first
    last_seen: datetime
    first_seen: datetime
    row_ids: list[int]
    candidates: list[tuple[str, float]]  # the representative's best entries with scores
    #: entries whose answers to questions of the group were marked 👎, most frequent first
    answered_entries: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class UnansweredRow:
    """One unanswered question as exported (never with its user hash)."""

    id: int
    created_at: datetime
    language: str
    status: str
    text: str
    candidates: list[tuple[str, float]]
    note: str | None
    reason: str
    resolved_at: datetime | None
    #: the entry an answer marked 👎 gave (reason "not-helpful")
    answered_entry: str | None = None


class DayCounts(NamedTuple):
    """Counter totals of one UTC day."""

    day: date
    answered: int
    unanswered: int
    clarify: int
    safety: int
    smalltalk: int
    #: messages that got the crisis check-in (a risk signal without certainty)
    checkins: int = 0


@dataclass(frozen=True, slots=True)
class Stats:
    """Usage over the last days, for ``welcomebot stats`` and the staff chat."""

    per_day: list[DayCounts]  # oldest first, every day present
    top_entries: list[tuple[str, int]]  # answered entries, most frequent first
    languages: dict[str, int]  # all counted events per language
    helpful: int
    not_helpful: int
    helpful_ratio: float | None  # None without feedback


@dataclass(frozen=True, slots=True)
class HandoffLink:
    """What a staff reply needs to reach the user."""

    id: int
    user_chat_id: int
    language: str
    opened_at: datetime
    closed_at: datetime | None
    staff_chat_id: int
    staff_message_id: int


def link_of(handoff: Handoff) -> HandoffLink:
    return HandoffLink(
        id=handoff.id,
        user_chat_id=handoff.user_chat_id,
        language=handoff.language,
        opened_at=handoff.opened_at,
        closed_at=handoff.closed_at,
        staff_chat_id=handoff.staff_chat_id,
        staff_message_id=handoff.staff_message_id,
    )


def row_of(question: UnansweredQuestion) -> UnansweredRow:
    return UnansweredRow(
        id=question.id,
        created_at=question.created_at,
        language=question.language,
        status=question.status,
        text=question.text,
        candidates=[(str(c["entry"]), float(c["score"])) for c in question.candidates or []],
        note=question.note,
        reason=question.reason,
        resolved_at=question.resolved_at,
        answered_entry=question.answered_entry,
    )


def group_of(cluster: Cluster[UnansweredRow]) -> UnansweredGroup:
    rows = cluster.rows
    representative = rows[0]
    samples: list[str] = []
    seen: set[str] = set()
    for row in rows:
        key = normalise(row.text) or row.text.strip()
        if key not in seen:
            seen.add(key)
            samples.append(row.text.strip())
        if len(samples) == 3:
            break
    languages = Counter(row.language for row in rows)
    answered = Counter(row.answered_entry for row in rows if row.answered_entry)
    times = [row.created_at for row in rows]
    return UnansweredGroup(
        id=representative.id,
        count=len(rows),
        languages=[lang for lang, _ in sorted(languages.items(), key=lambda i: (-i[1], i[0]))],
        samples=samples,
        last_seen=max(times),
        first_seen=min(times),
        row_ids=sorted(row.id for row in rows),
        candidates=representative.candidates,
        answered_entries=[e for e, _ in sorted(answered.items(), key=lambda i: (-i[1], i[0]))],
    )
