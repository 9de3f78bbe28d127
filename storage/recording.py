"""Records from the conversation (unanswered questions, feedback, counters, languages) and
the privacy operations on them: part of the :class:`~storage.service.Storage` facade.

Records never make a reply wait for a database that is down or locked: they go through the
retry outbox (:mod:`storage.outbox`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from faq.scrub import scrub
from storage import repository
from storage.base import ENTRY_CHARS, LANGUAGE_CHARS, MAX_CANDIDATES, StorageBase
from storage.claims import purge_claims, within
from storage.errors import describe, is_unavailable
from storage.models import utcnow
from storage.records import (
    MAX_TEXT,
    CounterRecord,
    FeedbackRecord,
    PreferenceRecord,
    UnansweredRecord,
    clean,
    new_key,
    user_hash_of,
)

log = logging.getLogger(__name__)

#: What :meth:`Storage.count` counts.
COUNTER_KINDS: tuple[str, ...] = (
    "answer",
    "clarify",
    "unanswered",
    "safety",
    "checkin",
    "smalltalk",
    "none-of-these",
)
#: Why a question was recorded as unanswered (``not-helpful``: its answer got a 👎).
REASONS: tuple[str, ...] = ("unanswered", "none-of-these", "not-helpful")


class Recording(StorageBase):
    """Conversation records and privacy; see :class:`~storage.service.Storage`."""

    async def record_unanswered(
        self,
        *,
        user_id: int | None,
        text: str,
        language: str,
        candidates: Sequence[tuple[str, float]],
        reason: str = "unanswered",
        key: str | None = None,
        answered_entry: str | None = None,
    ) -> None:
        """Keep a question the bot could not answer (or a "none of these", or one whose
        answer ``answered_entry`` got a 👎), scrubbed of personal data
        (:func:`faq.scrub.scrub`); never raises because of the database. ``user_id`` is None
        for the command line. ``key`` (from :meth:`event_key`) keeps a question that is
        handled twice (a redelivered update) once; by default every call is a new record.
        """
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}; expected one of {REASONS}")
        self._outbox.put(
            UnansweredRecord(
                key=key or new_key(),
                created_at=utcnow(),
                user_hash=None if user_id is None else self._hasher.user(user_id),
                # personal data never reaches the spool, the database or the staff chat
                text=clean(scrub(text), MAX_TEXT),
                language=clean(language, LANGUAGE_CHARS),
                candidates=tuple(
                    (clean(str(entry), ENTRY_CHARS), _score(score))
                    for entry, score in list(candidates)[:MAX_CANDIDATES]
                ),
                reason=reason,
                answered_entry=None
                if answered_entry is None
                else clean(answered_entry, ENTRY_CHARS),
            )
        )

    async def record_feedback(
        self, *, user_id: int, entry: str, helpful: bool, language: str, message_key: str
    ) -> bool:
        """Keep a thumbs up/down on the answer ``message_key`` (e.g. ``"chat:message"``).

        Returns False when this user already rated that message (kept once). When the
        database is unavailable the feedback is queued and True is returned.
        """
        record = FeedbackRecord(
            key=new_key(),
            created_at=utcnow(),
            user_hash=self._hasher.user(user_id),
            message_hash=self._hasher.message(message_key),
            entry=clean(entry, ENTRY_CHARS),
            helpful=bool(helpful),
            language=clean(language, LANGUAGE_CHARS),
        )
        self._check_open()
        for pending in self._outbox.pending_records():
            if (
                isinstance(pending, FeedbackRecord)
                and pending.user_hash == record.user_hash
                and pending.message_hash == record.message_hash
            ):
                return False
        written, fresh = await self._write_now(
            lambda session: repository.insert_feedback(session, record=record)
        )
        if written:
            return bool(fresh)
        self._outbox.put(record)
        return True

    async def count(
        self, *, kind: str, entry: str | None, language: str, key: str | None = None
    ) -> None:
        """Add one to today's (UTC) anonymous counter; never raises because of the database.

        ``key`` (from :meth:`event_key`) counts an event handled twice only once.
        """
        if kind not in COUNTER_KINDS:
            raise ValueError(f"unknown counter kind {kind!r}; expected one of {COUNTER_KINDS}")
        now = utcnow()
        self._outbox.put(
            CounterRecord(
                key=key or new_key(),
                created_at=now,
                day=now.date(),
                kind=kind,
                entry=clean(entry or "", ENTRY_CHARS),
                language=clean(language, LANGUAGE_CHARS),
            )
        )

    async def set_language(self, *, user_id: int, language: str) -> None:
        """Remember the user's language; queued for retry when the database is unavailable."""
        self._check_open()
        record = PreferenceRecord(
            key=new_key(),
            created_at=utcnow(),
            user_hash=self._hasher.user(user_id),
            language=clean(language, LANGUAGE_CHARS),
        )
        written, _ = await self._write_now(
            lambda session: repository.write_records(session, records=[record])
        )
        if not written:
            self._outbox.put(record)

    async def get_language(self, *, user_id: int) -> str | None:
        """The user's chosen language; None when unknown or the database is unavailable."""
        user_hash = self._hasher.user(user_id)
        queued = [
            r
            for r in self._outbox.pending_records()
            if isinstance(r, PreferenceRecord) and r.user_hash == user_hash
        ]
        if queued:
            return max(queued, key=lambda r: r.created_at).language
        if not self._outbox.healthy:  # a reply never waits for a database known to be away
            return None
        try:
            return await within(self.read_deadline, self._read_language(user_hash))
        except Exception as exc:
            if not (isinstance(exc, TimeoutError) or is_unavailable(exc)):
                raise
            log.warning("storage: language lookup failed (%s)", describe(exc) or "timeout")
            return None

    async def _read_language(self, user_hash: str) -> str | None:
        async with self._sessions() as session:
            return await repository.get_language(session, user_hash=user_hash)

    async def flush(self, timeout: float | None = None) -> bool:  # noqa: ASYNC109 (contract)
        """Wait until every queued record is written (True) or ``timeout`` passes (False)."""
        return await self._outbox.flush(timeout)

    # ------------------------------------------------------------------ privacy
    async def forget_user(self, *, user_id: int) -> int:
        """Delete every row about the user, queued records included; returns how many.

        Raises :class:`StorageUnavailable` when the database cannot be reached (the
        queued records are gone already; ask the user to try again).
        """
        user_hash = self._hasher.user(user_id)
        async with self._outbox.paused():
            dropped = self._outbox.discard(lambda r: user_hash_of(r) == user_hash)
            async with self._guarded(), self._writing() as session:
                deleted = await repository.delete_user(session, user_hash=user_hash)
        return deleted + dropped

    async def purge(self, *, now: datetime | None = None) -> int:
        """Delete questions, feedback, handoffs and suggestions older than ``retention_days``.

        Returns how many rows went.
        """
        moment = now or utcnow()
        cutoff = moment - timedelta(days=self.retention_days)
        async with self._guarded(), self._writing() as session:
            purged = await repository.purge(session, before=cutoff)
            await purge_claims(session, now=moment)  # bookkeeping, not data about anyone
            return purged


def _score(value: float) -> float:
    # NaN or infinity is not valid JSON; such a row could never be written
    score = float(value)
    return round(score, 2) if math.isfinite(score) else 0.0
