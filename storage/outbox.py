"""The retry outbox: records reach the database exactly once, even across outages and crashes.

``put()`` appends a record to the journal (the spool file, fsynced) and to an in-memory
queue, and returns; one background task writes batches. A record is therefore on disk
before the reply that follows it goes out: a crash (SIGKILL, power loss) right after the
reply loses nothing, and the next :meth:`Outbox.start` replays the journal. A database that
is locked or down never delays ``put()``. When a write fails the batch stays in flight and is retried with capped
exponential backoff, forever: nothing is dropped. Nothing is written twice either, because
every record carries an idempotency key that the database enforces (a retried batch whose
first attempt did commit inserts nothing).

The journal is emptied whenever everything in it is committed, and compacted to the pending
records when it grows long under constant load; it only ever holds records that are committed
or pending, so replaying it is harmless. The process holds an exclusive lock (``flock``) on
its journal while it runs; at start it also adopts the journals of siblings that nobody holds
(another replica's, or an older version's file name), so no record waits for a replica that
does not come back. What is still pending at :meth:`Outbox.close` (the database stayed down
past the flush timeout) stays in the journal for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import random
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from pathlib import Path

from storage.errors import describe
from storage.records import Record, dumps, loads

log = logging.getLogger(__name__)

Writer = Callable[[Sequence[Record]], Awaitable[None]]

#: A journal longer than this is rewritten with the pending records only.
COMPACT_LINES = 10_000


class Outbox:
    """An in-memory queue with one background writer; see the module docstring."""

    def __init__(
        self,
        write: Writer,
        *,
        spool_path: Path,
        is_permanent: Callable[[BaseException], bool] = lambda exc: False,
        batch_size: int = 200,
        base_delay: float = 0.05,
        max_delay: float = 5.0,
        siblings: str | None = None,
    ) -> None:
        self._write = write
        self._is_permanent = is_permanent
        self.spool_path = spool_path
        self.rejected_path = spool_path.with_name(spool_path.name + ".rejected")
        self._batch_size = batch_size
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._queue: deque[Record] = deque()
        self._inflight: list[Record] = []
        self._lock = asyncio.Lock()
        self._wakeup = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._healthy = True
        self._closed = False
        self._spool_on_disk = False
        #: a glob (in the spool's directory) of other journals this one may adopt
        self._siblings = siblings
        self._fd: int | None = None
        self._journal_lines = 0

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> int:
        """Replay the journal left by an earlier run (and unheld siblings'), start the writer;
        returns how many records were re-enqueued."""
        fd = self._open_journal()
        own = self._read_records(os.pread(fd, os.fstat(fd).st_size, 0))
        self._queue.extend(own)
        self._journal_lines = len(own)
        adopted = self._adopt_siblings()
        loaded = len(own) + adopted
        if loaded:
            self._idle.clear()
            log.warning("outbox: re-enqueued %d records from %s", loaded, self.spool_path)
        if self._journal_lines:
            self._spool_on_disk = True
        self._task = asyncio.create_task(self._run(), name="storage-outbox")
        return loaded

    def _read_records(self, data: bytes) -> list[Record]:
        records: list[Record] = []
        for raw in data.decode("utf-8", "replace").splitlines():
            if not raw.strip():
                continue
            try:
                records.append(loads(raw))
            except ValueError as exc:
                # (a line cut short by a crash mid-write: its put() never returned)
                log.error("outbox: unreadable spool line kept in %s (%s)", self.rejected_path, exc)
                self._append(self.rejected_path, [raw])
        return records

    def _adopt_siblings(self) -> int:
        """Take over journals no running process holds; returns how many records."""
        if self._siblings is None:
            return 0
        adopted = 0
        for path in sorted(self.spool_path.parent.glob(self._siblings)):
            if path == self.spool_path or path.name.endswith((".tmp", ".rejected")):
                continue
            try:
                fd = os.open(path, os.O_RDWR)
            except FileNotFoundError:
                continue
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # its process is running
                with contextlib.suppress(FileNotFoundError):
                    if os.stat(path).st_ino != os.fstat(fd).st_ino:
                        continue  # replaced meanwhile: a running process's new journal
                records = self._read_records(os.pread(fd, os.fstat(fd).st_size, 0))
                if records:
                    self._journal(records)  # ours before theirs is gone
                    self._queue.extend(records)
                    adopted += len(records)
                    log.warning("outbox: adopted %d records from %s", len(records), path)
                path.unlink()
            finally:
                os.close(fd)
        return adopted

    async def close(self, timeout: float | None) -> int:  # noqa: ASYNC109 (bounded flush)
        """Flush for up to ``timeout`` seconds, stop, and spool what is left; returns its size."""
        await self.flush(timeout)
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        records = self.pending_records()
        if records:
            self._write_spool(records)
            log.warning(
                "outbox: database unavailable, %d records kept in %s for the next start",
                len(records),
                self.spool_path,
            )
        else:
            self._remove_spool()
        self._close_journal()
        return len(records)

    # ------------------------------------------------------------------ queue
    def put(self, record: Record) -> None:
        """Queue ``record`` for writing; returns at once."""
        if self._closed:
            raise RuntimeError("storage is closed")
        self._journal([record])  # on disk before the caller's reply goes out
        self._queue.append(record)
        self._idle.clear()
        self._wakeup.set()

    @property
    def healthy(self) -> bool:
        """False while the last write attempt failed (direct writes then skip the database)."""
        return self._healthy

    @property
    def pending(self) -> int:
        """Records not yet known to be committed."""
        return len(self._inflight) + len(self._queue)

    def pending_records(self) -> list[Record]:
        """Records not yet known to be committed, oldest first."""
        return [*self._inflight, *self._queue]

    async def flush(self, timeout: float | None = None) -> bool:  # noqa: ASYNC109 (contract)
        """Wait until every queued record is committed (True) or ``timeout`` passes (False)."""
        if not self.pending:
            return True
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    @contextlib.asynccontextmanager
    async def paused(self) -> AsyncIterator[None]:
        """Hold off the writer: no batch is being written inside this block."""
        async with self._lock:
            yield

    def discard(self, predicate: Callable[[Record], bool]) -> int:
        """Drop pending records matching ``predicate`` (for /forget); use inside :meth:`paused`.

        The spool file is rewritten too, so a forgotten user's texts do not wait on disk.
        """
        before = self.pending
        self._inflight = [r for r in self._inflight if not predicate(r)]
        self._queue = deque(r for r in self._queue if not predicate(r))
        removed = before - self.pending
        if removed and self._spool_on_disk:
            if self.pending:
                self._write_spool(self.pending_records())
            else:
                self._remove_spool()
        if not self.pending:
            self._idle.set()
        return removed

    # ------------------------------------------------------------------ writer
    async def _run(self) -> None:
        failures = 0
        while True:
            if not self._inflight:
                if not self._queue:
                    self._on_idle()
                    await self._wakeup.wait()
                    self._wakeup.clear()
                    continue
                size = min(self._batch_size, len(self._queue))
                self._inflight = [self._queue.popleft() for _ in range(size)]
            try:
                async with self._lock:
                    if self._inflight:  # discard() may have emptied it meanwhile
                        await self._attempt(list(self._inflight))
            except Exception as exc:
                failures += 1
                self._healthy = False
                delay = min(self._max_delay, self._base_delay * 2 ** min(failures - 1, 16))
                # warn on the first failure and then now and then, not on every retry
                level = logging.WARNING if failures == 1 or failures % 20 == 0 else logging.DEBUG
                log.log(
                    level,
                    "outbox: write failed (%s); %d records pending, retry %d in %.2f s",
                    describe(exc),
                    self.pending,
                    failures,
                    delay,
                )
                await asyncio.sleep(delay * random.uniform(0.5, 1.0))
                continue
            if failures:
                log.warning("outbox: database writable again after %d failed attempts", failures)
            failures = 0
            self._healthy = True
            self._inflight = []
            if self._journal_lines > COMPACT_LINES and self.pending * 4 < self._journal_lines:
                self._write_spool(self.pending_records())

    async def _attempt(self, batch: list[Record]) -> None:
        try:
            await self._write(batch)
        except Exception as exc:
            if not self._is_permanent(exc):
                raise
            # A record the database can never take must not block the rest: find it by
            # writing one at a time, and keep it in the rejected file for a human.
            if len(batch) == 1:
                log.error(
                    "outbox: the database rejected a record (%s); kept in %s",
                    describe(exc),
                    self.rejected_path,
                )
                self._append(self.rejected_path, [dumps(batch[0])])
                return
            for record in batch:
                await self._attempt([record])

    def _on_idle(self) -> None:
        self._idle.set()
        if self._spool_on_disk:
            self._remove_spool()

    # ------------------------------------------------------------------ files
    def _open_journal(self) -> int:
        """The journal's file descriptor, opened (and locked) on first use."""
        if self._fd is not None:
            return self._fd
        self.spool_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.spool_path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # two processes with one journal (the same REPLICA_ID twice): appends stay
            # whole lines, but one may empty the file under the other
            log.error("outbox: %s is in use by another process; set REPLICA_ID", self.spool_path)
        self._fd = fd
        return fd

    def _close_journal(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # (and with it the lock)
            self._fd = None

    def _journal(self, records: Sequence[Record]) -> None:
        """Append ``records`` to the journal and fsync it."""
        fd = self._open_journal()
        data = "".join(dumps(r) + "\n" for r in records).encode("utf-8")
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        self._journal_lines += len(records)
        self._spool_on_disk = True

    def _write_spool(self, records: Sequence[Record]) -> None:
        """Replace the journal by ``records`` (atomically: a crash leaves the old or the new)."""
        self.spool_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.spool_path.with_name(self.spool_path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.writelines(dumps(r) + "\n" for r in records)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.spool_path)
        self._close_journal()
        if not self._closed:
            self._open_journal()
        self._journal_lines = len(records)
        self._spool_on_disk = True

    def _remove_spool(self) -> None:
        """Everything journaled is committed: empty the journal (removed at close)."""
        if self._fd is not None and not self._closed:
            os.ftruncate(self._fd, 0)
        else:
            with contextlib.suppress(FileNotFoundError):
                self.spool_path.unlink()
        self._journal_lines = 0
        self._spool_on_disk = False

    @staticmethod
    def _append(path: Path, lines: Iterable[str]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.writelines(line + "\n" for line in lines)
