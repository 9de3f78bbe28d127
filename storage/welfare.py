"""What the welfare team reads and reviews: unanswered questions (grouped), statistics,
feedback and suggested variants; part of the :class:`~storage.service.Storage` facade.
These talk to the database directly and raise :class:`StorageUnavailable` when it cannot
be reached.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from storage import repository, suggestions
from storage.base import ENTRY_CHARS, LANGUAGE_CHARS, StorageBase
from storage.grouping import group_rows
from storage.models import STATUSES, utcnow
from storage.records import MAX_TEXT, SuggestionRecord, clean, new_key
from storage.results import DayCounts, Stats, UnansweredGroup, UnansweredRow, group_of, row_of
from storage.suggestions import SOURCES, SUGGESTION_STATUSES, SuggestionRow, text_key


class Welfare(StorageBase):
    """The welfare team's reads and reviews; see :class:`~storage.service.Storage`."""

    async def _questions(
        self, *, status: str | None, since: datetime | None = None
    ) -> list[UnansweredRow]:
        if status == "all":
            status = None
        if status is not None and status not in STATUSES:
            raise ValueError(f"unknown status {status!r}; expected one of {STATUSES} or 'all'")
        async with self._guarded(), self._sessions() as session:
            rows = await repository.list_unanswered(session, status=status, since=since)
        return [row_of(q) for q in rows]

    async def unanswered_groups(
        self, *, status: str | None = "new", limit: int = 50, since: datetime | None = None
    ) -> list[UnansweredGroup]:
        """Near-duplicate questions grouped, most frequent first (``status`` "all" or None: any)."""
        rows = await self._questions(status=status, since=since)
        # grouping compares the texts pairwise: in a worker thread, so that a long backlog
        # does not hold up every chat's replies while staff list it
        clusters = await asyncio.to_thread(group_rows, rows)
        return [group_of(cluster) for cluster in clusters[: max(limit, 0)]]

    async def set_status(self, *, question_id: int, status: str, note: str | None = None) -> int:
        """Set the status of the question's whole group; returns rows changed.

        Raises ``KeyError`` for an unknown id and ``ValueError`` for an unknown status.
        """
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}; expected one of {STATUSES}")
        async with self._guarded(), self._sessions() as session:
            row = await repository.get_unanswered(session, question_id=question_id)
        if row is None:
            raise KeyError(question_id)
        same_status = await self._questions(status=row.status)
        clusters = await asyncio.to_thread(group_rows, same_status)  # as above
        group = next(
            (c.rows for c in clusters if any(r.id == question_id for r in c.rows)),
            [row],  # its status changed meanwhile: just this row
        )
        ids = sorted(r.id for r in group)
        async with self._guarded(), self._writing() as session:
            return await repository.set_status(
                session,
                ids=ids,
                status=status,
                note=None if note is None else clean(note, MAX_TEXT),
                resolved_at=None if status == "new" else utcnow(),
            )

    async def unanswered_row(self, question_id: int) -> UnansweredRow | None:
        """One unanswered question by id (None when unknown, purged or forgotten)."""
        async with self._guarded(), self._sessions() as session:
            row = await repository.get_unanswered(session, question_id=question_id)
        return None if row is None else row_of(row)

    async def unanswered_rows(self, *, status: str | None = None) -> list[UnansweredRow]:
        """Every question with ``status`` (all when None or "all"), oldest first, for export."""
        return await self._questions(status=status)

    async def stats(self, *, days: int = 7, today: date | None = None) -> Stats:
        """Counts per UTC day for the last ``days`` days up to ``today``, with feedback."""
        days = max(days, 1)
        last = today or utcnow().date()
        first = last - timedelta(days=days - 1)
        since = datetime.combine(first, time.min, UTC)
        until = datetime.combine(last + timedelta(days=1), time.min, UTC)
        async with self._guarded(), self._sessions() as session:
            counters = await repository.counter_totals(session, first_day=first, last_day=last)
            feedback = await repository.feedback_counts(session, since=since, until=until)

        per_day: dict[date, Counter[str]] = {
            first + timedelta(days=i): Counter() for i in range(days)
        }
        entries: Counter[str] = Counter()
        languages: Counter[str] = Counter()
        for day, kind, entry, language, n in counters:
            per_day[day][kind] += n
            languages[language] += n
            if kind == "answer" and entry:
                entries[entry] += n
        helpful = sum(up for _, up, _ in feedback)
        not_helpful = sum(down for _, _, down in feedback)
        return Stats(
            per_day=[
                DayCounts(
                    day,
                    c["answer"],
                    c["unanswered"],
                    c["clarify"],
                    c["safety"],
                    c["smalltalk"],
                    c["checkin"],
                )
                for day, c in per_day.items()
            ],
            top_entries=sorted(entries.items(), key=lambda item: (-item[1], item[0]))[:10],
            languages=dict(sorted(languages.items(), key=lambda item: (-item[1], item[0]))),
            helpful=helpful,
            not_helpful=not_helpful,
            helpful_ratio=helpful / (helpful + not_helpful) if helpful + not_helpful else None,
        )

    async def feedback_summary(self, *, since: datetime) -> list[tuple[str, int, int]]:
        """(entry, helpful, not helpful) since ``since``, most rated first."""
        async with self._guarded(), self._sessions() as session:
            rows = await repository.feedback_counts(session, since=since)
        return sorted(rows, key=lambda r: (-(r[1] + r[2]), r[0]))

    # ------------------------------------------------------------------ suggestions
    async def record_suggestion(
        self, *, entry: str, language: str, text: str, source: str, key: str | None = None
    ) -> None:
        """Queue a suggested variant (see :mod:`storage.suggestions`); never raises because
        of the database. ``text`` must be scrubbed already; no user goes with it."""
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}; expected one of {SOURCES}")
        text = clean(text, MAX_TEXT)
        self._outbox.put(
            SuggestionRecord(
                key=key or new_key(),
                created_at=utcnow(),
                entry=clean(entry, ENTRY_CHARS),
                language=clean(language, LANGUAGE_CHARS),
                text=text,
                text_key=text_key(text),
                source=source,
            )
        )

    async def suggestions(
        self, *, status: str | None = "new", limit: int = 50
    ) -> list[SuggestionRow]:
        """Suggestions with ``status`` ("all" or None: any), most confirmed first."""
        if status == "all":
            status = None
        if status is not None and status not in SUGGESTION_STATUSES:
            raise ValueError(f"unknown status {status!r}; expected one of {SUGGESTION_STATUSES}")
        async with self._guarded(), self._sessions() as session:
            return await suggestions.list_suggestions(session, status=status, limit=limit)

    async def count_suggestions(self, *, status: str = "new") -> int:
        """How many suggestions have ``status``."""
        async with self._guarded(), self._sessions() as session:
            return await suggestions.count_suggestions(session, status=status)

    async def suggestion(self, suggestion_id: int) -> SuggestionRow | None:
        """One suggestion by id (None when unknown or purged)."""
        async with self._guarded(), self._sessions() as session:
            return await suggestions.get_suggestion(session, suggestion_id=suggestion_id)

    async def review_suggestion(self, *, suggestion_id: int, status: str) -> bool:
        """Mark a new suggestion accepted or rejected; False when it is unknown or was
        reviewed already (by someone else meanwhile)."""
        if status not in SUGGESTION_STATUSES[1:]:
            raise ValueError(f"a review is 'accepted' or 'rejected', not {status!r}")
        async with self._guarded(), self._writing(self._busy_timeout) as session:
            return await suggestions.review(
                session, suggestion_id=suggestion_id, status=status, reviewed_at=utcnow()
            )
