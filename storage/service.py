"""The :class:`Storage` facade: the one object the bot and the CLI use to persist anything.

Records from the conversation (unanswered questions, feedback, counters, language choices)
never make a reply wait for a database that is down or locked: they go through the retry
outbox (:mod:`storage.outbox`). Functions for the welfare team and for handoffs talk to the
database directly and raise :class:`StorageUnavailable` when it cannot be reached.

Raw Telegram ids never reach a question, feedback, preference or counter row: ``Storage``
hashes them itself (:mod:`storage.hashing`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import math
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple, Self, TypeVar

import platformdirs
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from faq.normalise import normalise
from faq.scrub import scrub
from storage import conversation, repository, suggestions
from storage.claims import (
    UpdateClaims,
    claim_job,
    new_owner,
    purge_claims,
    release_stale,
    within,
)
from storage.conversation import ConversationStore
from storage.engine import create_engine, redact, session_factory, sqlite_path
from storage.errors import StorageError, StorageUnavailable, describe, is_unavailable
from storage.grouping import Cluster, group_rows
from storage.hashing import Hasher
from storage.migrate import upgrade_engine
from storage.models import STATUSES, Handoff, UnansweredQuestion, utcnow
from storage.outbox import Outbox
from storage.records import (
    MAX_TEXT,
    CounterRecord,
    FeedbackRecord,
    PreferenceRecord,
    Record,
    SuggestionRecord,
    UnansweredRecord,
    clean,
    new_key,
    user_hash_of,
)
from storage.suggestions import SOURCES, SUGGESTION_STATUSES, SuggestionRow, text_key

log = logging.getLogger(__name__)
T = TypeVar("T")

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

_LANGUAGE_CHARS = 16
_ENTRY_CHARS = 128
_MAX_CANDIDATES = 5


# ---------------------------------------------------------------------- results
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


# ---------------------------------------------------------------------- errors
def _permanent(exc: BaseException) -> bool:
    """True for errors caused by the record itself: retrying cannot help."""
    if isinstance(exc, DataError | IntegrityError):
        return True
    if isinstance(exc, StatementError) and not isinstance(exc, DBAPIError):
        return True  # a value the driver could not even bind
    return isinstance(exc, UnicodeError | ValueError | TypeError)


def spool_files(
    url: str, spool_dir: Path | None = None, replica: str | None = None
) -> tuple[Path, str]:
    """The outbox journal (next to an SQLite file, else in a data dir; one per replica when
    ``replica`` is given) and a glob of its siblings, which a starting outbox adopts."""
    database = sqlite_path(url)
    if database is not None:
        directory, stem = spool_dir or database.parent, f"{database.name}.outbox"
    else:
        digest = hashlib.sha256(redact(url).encode()).hexdigest()[:12]
        directory = spool_dir or Path(platformdirs.user_data_dir("welcomebot"))
        stem = f"outbox-{digest}"
    name = f"{stem}.{replica}.jsonl" if replica else f"{stem}.jsonl"
    return directory / name, f"{stem}*.jsonl"


def default_spool_path(url: str, spool_dir: Path | None = None) -> Path:
    """Where the outbox keeps its journal: next to an SQLite file, else a data dir."""
    return spool_files(url, spool_dir)[0]


# ---------------------------------------------------------------------- the facade
class Storage:
    """Persistence for the bot; create with :meth:`open`, end with :meth:`close`."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        hasher: Hasher,
        retention_days: int,
        spool_path: Path,
        flush_timeout: float,
        busy_timeout: float,
        replica: str = "local",
        siblings: str | None = None,
    ) -> None:
        self._engine = engine
        self._sessions = session_factory(engine)
        self._hasher = hasher
        self.retention_days = retention_days
        self._flush_timeout = flush_timeout
        self._busy_timeout = busy_timeout
        # SQLite has one writer at a time; queueing writers here instead of inside
        # SQLite's busy handler keeps them in order and fast.
        self._write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        self._outbox = Outbox(
            self._write_batch, spool_path=spool_path, is_permanent=_permanent, siblings=siblings
        )
        #: this process's name in update claims and job runs
        self.replica = replica
        self.claims = UpdateClaims(self._claim_write, owner=new_owner(replica))
        #: a language lookup gives up after this many seconds (a reply never waits longer)
        self.read_deadline = 0.5
        #: conversation state that survives a restart (storage/conversation.py)
        self.conversation = ConversationStore(
            self._sessions, lambda: self._writing(self._busy_timeout), hasher
        )
        self._closing = False
        self._closed = False

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        hash_secret: str,
        retention_days: int = 180,
        spool_dir: str | Path | None = None,
        flush_timeout: float = 5.0,
        busy_timeout: float = 5.0,
        replica: str | None = None,
    ) -> Self:
        """Connect, migrate the schema to the newest version and start the outbox.

        ``spool_dir`` is where records still pending at close are kept (default: next to the
        SQLite file, else the user data directory). ``busy_timeout`` is how long an SQLite
        write waits for a lock held by another process before it counts as a failure.
        ``replica`` names this process among several sharing the database (its journal file
        and its update claims); None: a single process.
        Raises :class:`StorageUnavailable` when the database cannot be reached.
        """
        if retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        hasher = Hasher(hash_secret)
        engine = create_engine(url, busy_timeout=busy_timeout)
        try:
            await upgrade_engine(engine)
        except StorageError:
            await engine.dispose()
            raise
        except Exception as exc:
            await engine.dispose()
            if is_unavailable(exc):
                raise StorageUnavailable(
                    f"cannot open the database {redact(url)}: {describe(exc)}"
                ) from exc
            raise
        spool, siblings = spool_files(
            url, Path(spool_dir) if spool_dir is not None else None, replica
        )
        storage = cls(
            engine,
            hasher=hasher,
            retention_days=retention_days,
            spool_path=spool,
            flush_timeout=flush_timeout,
            busy_timeout=busy_timeout,
            replica=replica or "local",
            siblings=siblings,
        )
        storage._outbox.start()
        return storage

    async def close(self) -> None:
        """Write what is pending (waiting at most the flush timeout), spool the rest, disconnect."""
        if self._closing:
            return
        self._closing = True
        await self._outbox.close(self._flush_timeout)
        self._closed = True
        await self._engine.dispose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    @property
    def healthy(self) -> bool:
        """False while the database cannot be written (records then wait in the journal)."""
        return self._outbox.healthy and self.claims.database_ok

    @property
    def pending(self) -> int:
        """Records waiting in the outbox."""
        return self._outbox.pending

    @property
    def spool_path(self) -> Path:
        """Where pending records are kept between runs."""
        return self._outbox.spool_path

    def user_key(self, user_id: int) -> str:
        """The HMAC-SHA256 hex of a Telegram user id, as stored in the database."""
        return self._hasher.user(user_id)

    def event_key(self, *parts: object) -> str:
        """An idempotency key for one event, e.g. ``event_key("question", chat, message)``:
        the same parts always give the same key (keyed with the hash secret, so it reveals
        no id)."""
        digest = self._hasher.event(":".join(str(p) for p in parts))
        return str(uuid.UUID(hex=digest[:32]))

    # ------------------------------------------------------------------ sessions
    @contextlib.asynccontextmanager
    async def _writing(self, wait: float | None = None) -> AsyncIterator[AsyncSession]:
        """A session in a transaction that commits at the end of the block.

        ``wait`` bounds how long to queue behind other writers of this process.
        """
        async with contextlib.AsyncExitStack() as stack:
            if self._write_lock is not None:
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for can lose a lock
                # that was acquired just as the timeout fired.
                async with asyncio.timeout(wait):
                    await self._write_lock.acquire()
                stack.callback(self._write_lock.release)
            session = await stack.enter_async_context(self._sessions())
            await stack.enter_async_context(session.begin())
            yield session

    @staticmethod
    @contextlib.asynccontextmanager
    async def _guarded() -> AsyncIterator[None]:
        """Database errors as :class:`StorageUnavailable`, for callers outside storage."""
        try:
            yield
        except Exception as exc:
            if is_unavailable(exc):
                raise StorageUnavailable(f"database unavailable: {describe(exc)}") from exc
            raise

    async def _write_batch(self, records: Sequence[Record]) -> None:
        async with self._writing() as session:
            await repository.write_records(session, records=records)

    async def _write_now(
        self, action: Callable[[AsyncSession], Awaitable[T]]
    ) -> tuple[bool, T | None]:
        """Run ``action`` in a write transaction now: (True, its result), or (False, None)
        when the database is unavailable and the caller should queue instead.

        While the outbox is failing this does not even try, so a reply never waits for a
        database that is known to be away.
        """
        if not self._outbox.healthy:
            return False, None
        try:
            async with self._writing(self._busy_timeout) as session:
                return True, await action(session)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            log.warning("storage: direct write failed (%s); queued for retry", describe(exc))
            return False, None

    async def _claim_write(self, action: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with self._writing() as session:
            return await action(session)

    # ------------------------------------------------------------------ claims (storage.claims)
    async def release_stale_claims(self, *, bot_id: int) -> int:
        """Forget this replica's unfinished update claims from before it (re)started, so the
        updates they held are answered when Telegram delivers them again; 0 when the
        database is unavailable."""
        try:
            async with self._writing(self._busy_timeout) as session:
                return await release_stale(
                    session, bot_id=bot_id, replica=self.replica, owner=self.claims.owner
                )
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            log.warning("storage: could not release stale claims (%s)", describe(exc))
            return 0

    async def claim_job(self, *, job: str, period: str) -> bool:
        """True when this replica is the first to run ``job`` for ``period`` (a day, a slot);
        raises :class:`StorageUnavailable` when the database cannot be reached."""
        async with self._guarded(), self._writing(self._busy_timeout) as session:
            return await claim_job(
                session, job=job, period=period, owner=self.claims.owner, now=utcnow()
            )

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("storage is closed")

    # ------------------------------------------------------------------ conversation records
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
                language=clean(language, _LANGUAGE_CHARS),
                candidates=tuple(
                    (clean(str(entry), _ENTRY_CHARS), _score(score))
                    for entry, score in list(candidates)[:_MAX_CANDIDATES]
                ),
                reason=reason,
                answered_entry=None
                if answered_entry is None
                else clean(answered_entry, _ENTRY_CHARS),
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
            entry=clean(entry, _ENTRY_CHARS),
            helpful=bool(helpful),
            language=clean(language, _LANGUAGE_CHARS),
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
                entry=clean(entry or "", _ENTRY_CHARS),
                language=clean(language, _LANGUAGE_CHARS),
            )
        )

    async def set_language(self, *, user_id: int, language: str) -> None:
        """Remember the user's language; queued for retry when the database is unavailable."""
        self._check_open()
        record = PreferenceRecord(
            key=new_key(),
            created_at=utcnow(),
            user_hash=self._hasher.user(user_id),
            language=clean(language, _LANGUAGE_CHARS),
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

    # ------------------------------------------------------------------ welfare team
    async def _questions(
        self, *, status: str | None, since: datetime | None = None
    ) -> list[UnansweredRow]:
        if status == "all":
            status = None
        if status is not None and status not in STATUSES:
            raise ValueError(f"unknown status {status!r}; expected one of {STATUSES} or 'all'")
        async with self._guarded(), self._sessions() as session:
            rows = await repository.list_unanswered(session, status=status, since=since)
        return [_row(q) for q in rows]

    async def unanswered_groups(
        self, *, status: str | None = "new", limit: int = 50, since: datetime | None = None
    ) -> list[UnansweredGroup]:
        """Near-duplicate questions grouped, most frequent first (``status`` "all" or None: any)."""
        rows = await self._questions(status=status, since=since)
        return [_group(cluster) for cluster in group_rows(rows)[: max(limit, 0)]]

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
        group = next(
            (c.rows for c in group_rows(same_status) if any(r.id == question_id for r in c.rows)),
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
        return None if row is None else _row(row)

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
                entry=clean(entry, _ENTRY_CHARS),
                language=clean(language, _LANGUAGE_CHARS),
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

    # ------------------------------------------------------------------ handoffs
    async def open_handoff(
        self,
        *,
        user_chat_id: int,
        user_id: int,
        language: str,
        staff_chat_id: int,
        staff_message_id: int,
    ) -> int:
        """Remember that ``staff_message_id`` in the staff chat carries this user's question."""
        async with self._guarded(), self._writing(self._busy_timeout) as session:
            return await repository.insert_handoff(
                session,
                user_hash=self._hasher.user(user_id),
                user_chat_id=user_chat_id,
                language=clean(language, _LANGUAGE_CHARS),
                staff_chat_id=staff_chat_id,
                staff_message_id=staff_message_id,
                opened_at=utcnow(),
            )

    async def handoff_for_staff_message(
        self, *, staff_chat_id: int, staff_message_id: int
    ) -> HandoffLink | None:
        """The handoff a staff reply answers, if that message started one."""
        async with self._guarded(), self._sessions() as session:
            handoff = await repository.find_handoff(
                session, staff_chat_id=staff_chat_id, staff_message_id=staff_message_id
            )
        return None if handoff is None else _link(handoff)

    async def handoff(self, *, handoff_id: int) -> HandoffLink | None:
        """The handoff with this id (None once purged or forgotten)."""
        async with self._guarded(), self._sessions() as session:
            handoff = await repository.get_handoff(session, handoff_id=handoff_id)
        return None if handoff is None else _link(handoff)

    async def open_handoff_for_user(self, *, user_id: int, since: datetime) -> HandoffLink | None:
        """The user's newest handoff opened since ``since`` and not closed, if any."""
        async with self._guarded(), self._sessions() as session:
            handoff = await repository.find_open_handoff(
                session, user_hash=self._hasher.user(user_id), since=since
            )
        return None if handoff is None else _link(handoff)

    async def close_handoff(self, *, handoff_id: int) -> None:
        """Mark a handoff as finished; an unknown or closed one is left alone."""
        async with self._guarded(), self._writing(self._busy_timeout) as session:
            await repository.close_handoff(session, handoff_id=handoff_id, closed_at=utcnow())

    async def touch_handoff(self, *, handoff_id: int) -> None:
        """A message went either way in the handoff (its idle time starts again)."""
        async with self._guarded(), self._writing(self._busy_timeout) as session:
            await conversation.touch_handoff(session, handoff_id=handoff_id, at=utcnow())

    async def idle_handoffs(self, *, since: datetime) -> list[HandoffLink]:
        """Open handoffs without a message since ``since``."""
        async with self._guarded(), self._sessions() as session:
            return [_link(h) for h in await conversation.idle_handoffs(session, before=since)]

    async def recent_handoffs(self, *, user_id: int, since: datetime) -> int:
        """How many handoffs the user opened since ``since`` (for rate limiting)."""
        async with self._guarded(), self._sessions() as session:
            return await repository.count_handoffs(
                session, user_hash=self._hasher.user(user_id), since=since
            )


def _score(value: float) -> float:
    # NaN or infinity is not valid JSON; such a row could never be written
    score = float(value)
    return round(score, 2) if math.isfinite(score) else 0.0


def _link(handoff: Handoff) -> HandoffLink:
    return HandoffLink(
        id=handoff.id,
        user_chat_id=handoff.user_chat_id,
        language=handoff.language,
        opened_at=handoff.opened_at,
        closed_at=handoff.closed_at,
        staff_chat_id=handoff.staff_chat_id,
        staff_message_id=handoff.staff_message_id,
    )


def _row(question: UnansweredQuestion) -> UnansweredRow:
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


def _group(cluster: Cluster[UnansweredRow]) -> UnansweredGroup:
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
