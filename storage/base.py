"""The core of the :class:`~storage.service.Storage` facade: opening and closing, sessions,
the write paths (direct, or queued in the outbox when the database is away) and update
claims. The facade's other parts (:mod:`storage.recording`, :mod:`storage.welfare`,
:mod:`storage.handoffs`) build on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Self, TypeVar

import platformdirs
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage import repository
from storage.claims import UpdateClaims, claim_job, new_owner, release_stale
from storage.conversation import ConversationStore
from storage.engine import create_engine, redact, session_factory, sqlite_path
from storage.errors import StorageError, StorageUnavailable, describe, is_unavailable
from storage.hashing import Hasher
from storage.migrate import upgrade_engine
from storage.models import utcnow
from storage.outbox import Outbox
from storage.records import Record

log = logging.getLogger(__name__)
T = TypeVar("T")

#: longest language code, entry id and candidate list kept in a row
LANGUAGE_CHARS = 16
ENTRY_CHARS = 128
MAX_CANDIDATES = 5


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


class StorageBase:
    """Connection, sessions, write paths and claims; see :class:`~storage.service.Storage`."""

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
