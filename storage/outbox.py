"""The retry outbox: records reach the database exactly once, even across outages.

``put()`` appends a record to an in-memory queue and returns at once; one background task
writes batches. When a write fails the batch stays in flight and is retried with capped
exponential backoff, forever: nothing is dropped. Nothing is written twice either, because
every record carries an idempotency key that the database enforces (a retried batch whose
first attempt did commit inserts nothing).

What is still pending at :meth:`Outbox.close` (the database stayed down past the flush
timeout) is spilled to a JSON-lines spool file and re-enqueued by the next
:meth:`Outbox.start`. The spool is deleted once everything it held has been written; until
then it only ever holds records that are committed or pending, so replaying it after a crash
is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
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

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> int:
        """Re-enqueue a spool left by an earlier run and start the writer; returns its size."""
        loaded = 0
        if self.spool_path.exists():
            self._spool_on_disk = True
            for line in self.spool_path.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                try:
                    self._queue.append(loads(line))
                    loaded += 1
                except ValueError as exc:
                    log.error(
                        "outbox: unreadable spool line kept in %s (%s)", self.rejected_path, exc
                    )
                    self._append(self.rejected_path, [line])
            if loaded:
                self._idle.clear()
                log.warning("outbox: re-enqueued %d records from %s", loaded, self.spool_path)
        self._task = asyncio.create_task(self._run(), name="storage-outbox")
        return loaded

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
        elif self._spool_on_disk:
            self._remove_spool()
        return len(records)

    # ------------------------------------------------------------------ queue
    def put(self, record: Record) -> None:
        """Queue ``record`` for writing; returns at once."""
        if self._closed:
            raise RuntimeError("storage is closed")
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
    def _write_spool(self, records: Iterable[Record]) -> None:
        self.spool_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.spool_path.with_name(self.spool_path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.writelines(dumps(r) + "\n" for r in records)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.spool_path)
        self._spool_on_disk = True

    def _remove_spool(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.spool_path.unlink()
        self._spool_on_disk = False

    @staticmethod
    def _append(path: Path, lines: Iterable[str]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.writelines(line + "\n" for line in lines)
