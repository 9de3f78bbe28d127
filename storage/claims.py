"""Claims: each Telegram update handled once, each periodic job run once, over all replicas.

**Updates.** Telegram delivers an update again when it did not learn that the first delivery
arrived (a webhook that did not answer 200, a long poll whose offset was not confirmed before
a crash), and two replicas behind one URL may both receive it. Before an update is handled
its ``(bot id, update id)`` is claimed with an ``INSERT ... ON CONFLICT DO NOTHING``; the
process whose insert went in handles it and marks it done, any other delivery is skipped:

- ``fresh``: claimed now, handle it;
- ``done``: handled already, acknowledge and skip;
- ``busy``: being handled by a live process right now (skip; a webhook answers 503 so that
  Telegram tries again later).

A claim left unfinished because its process died is taken over once it is older than the
lease (:data:`LEASE`), and at once by the same replica when it starts again
(:meth:`UpdateClaims.release_stale`), so an update that was claimed but never answered is
answered when it comes back. Claims are purged after a day (Telegram keeps an unconfirmed
update for 24 hours at most).

**Replies never wait on the database for long**: a claim has a deadline
(:data:`DEADLINE`); when the database is locked or down the claim is made in this process's
memory only and the database is not tried again for :data:`RETRY_AFTER` seconds. A
duplicate that reaches the same process is still caught then; two replicas may both answer
an update delivered to each during an outage, which is the price of answering at all.

**Jobs.** The daily digest and the retention purge insert a row ``(job, period)`` into
``job_runs``; the replica whose insert went in runs the job, the others skip it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Literal, TypeVar

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import describe, is_unavailable
from storage.models import JobRun, UpdateClaim, utcnow
from storage.repository import insert_statement

log = logging.getLogger(__name__)

Verdict = Literal["fresh", "done", "busy"]
T = TypeVar("T")

#: An unfinished claim older than this (its process died) may be taken over.
LEASE = timedelta(seconds=60)
#: How long a claim may take before the update is handled on this process's word alone.
DEADLINE = 0.5
#: After a failed claim, the database is not asked again for this many seconds.
RETRY_AFTER = 5.0
#: Claims are kept this long (Telegram gives up on an update after 24 hours).
KEEP = timedelta(days=1)
#: Job runs are kept this long.
KEEP_JOBS = timedelta(days=30)
#: Updates remembered in memory per process (duplicates within a process cost no query).
MEMORY = 20_000


# ---------------------------------------------------------------------- queries
async def claim_update(
    session: AsyncSession, *, bot_id: int, update_id: int, owner: str, now: datetime
) -> Verdict:
    """Claim one update (see the module docstring) in the caller's transaction."""
    inserted = await session.execute(
        insert_statement(session, UpdateClaim)
        .values(bot_id=bot_id, update_id=update_id, owner=owner, claimed_at=now)
        .on_conflict_do_nothing()
        .returning(UpdateClaim.update_id)
    )
    if inserted.first() is not None:
        return "fresh"
    taken = await session.execute(
        update(UpdateClaim)
        .where(
            UpdateClaim.bot_id == bot_id,
            UpdateClaim.update_id == update_id,
            UpdateClaim.done_at.is_(None),
            UpdateClaim.claimed_at < now - LEASE,
        )
        .values(owner=owner, claimed_at=now)
        .returning(UpdateClaim.update_id)
    )
    if taken.first() is not None:
        return "fresh"
    done = await session.scalar(
        select(UpdateClaim.done_at).where(
            UpdateClaim.bot_id == bot_id, UpdateClaim.update_id == update_id
        )
    )
    return "done" if done is not None else "busy"


async def finish_update(
    session: AsyncSession, *, bot_id: int, update_id: int, owner: str, now: datetime
) -> None:
    """Mark the update handled (only by the process that holds the claim)."""
    await session.execute(
        update(UpdateClaim)
        .where(
            UpdateClaim.bot_id == bot_id,
            UpdateClaim.update_id == update_id,
            UpdateClaim.owner == owner,
        )
        .values(done_at=now)
    )


async def release_stale(session: AsyncSession, *, bot_id: int, replica: str, owner: str) -> int:
    """Drop this replica's unfinished claims from before it (re)started; returns how many."""
    result = await session.execute(
        delete(UpdateClaim).where(
            UpdateClaim.bot_id == bot_id,
            UpdateClaim.done_at.is_(None),
            UpdateClaim.owner.startswith(f"{replica}/", autoescape=True),
            UpdateClaim.owner != owner,
        )
    )
    return max(getattr(result, "rowcount", 0) or 0, 0)


async def claim_job(
    session: AsyncSession, *, job: str, period: str, owner: str, now: datetime
) -> bool:
    """True when this process is the first to run ``job`` for ``period``."""
    inserted = await session.execute(
        insert_statement(session, JobRun)
        .values(job=job, period=period, owner=owner, started_at=now)
        .on_conflict_do_nothing()
        .returning(JobRun.job)
    )
    return inserted.first() is not None


async def purge_claims(session: AsyncSession, *, now: datetime) -> int:
    """Delete update claims older than :data:`KEEP` and job runs older than
    :data:`KEEP_JOBS`; returns how many rows went."""
    claims = await session.execute(delete(UpdateClaim).where(UpdateClaim.claimed_at < now - KEEP))
    jobs = await session.execute(delete(JobRun).where(JobRun.started_at < now - KEEP_JOBS))
    return sum(max(getattr(r, "rowcount", 0) or 0, 0) for r in (claims, jobs))


# ---------------------------------------------------------------------- per process
async def within(deadline: float, work: Awaitable[T]) -> T:
    """``await work`` for at most ``deadline`` seconds, else raise ``TimeoutError``.

    Unlike ``asyncio.timeout`` the work is not cancelled but left to finish in the
    background: cancelling a query blocked in SQLite's busy handler would make the session's
    clean-up wait for that very query.
    """
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=deadline)
    if task in done:
        return task.result()
    task.add_done_callback(_quiet)
    raise TimeoutError


def _quiet(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.debug("claims: a late query failed: %s", task.exception())


def new_owner(replica: str) -> str:
    """This process's name in claims: the replica and a fresh suffix (one per start)."""
    return f"{replica[:48]}/{secrets.token_hex(6)}"


class UpdateClaims:
    """One process's claims: memory first, then the database within a deadline.

    ``run`` is how a query runs in a write transaction (the storage's fast path, which
    raises on a database that is locked or down).
    """

    def __init__(
        self,
        run: Callable[[Callable[[AsyncSession], Awaitable[object]]], Awaitable[object]],
        *,
        owner: str,
        deadline: float = DEADLINE,
        retry_after: float = RETRY_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._run = run
        self.owner = owner
        #: seconds a claim waits for the database before claiming in memory only
        self.deadline = deadline
        self._retry_after = retry_after
        self._clock = clock
        self._memory: OrderedDict[tuple[int, int], bool] = OrderedDict()  # → done
        self._skip_until = 0.0
        #: claims made in memory only (the database was away)
        self.offline = 0
        self._finishing: set[asyncio.Future[None]] = set()

    @property
    def database_ok(self) -> bool:
        """False while claims skip the database after a failure."""
        return self._clock() >= self._skip_until

    def database_failed(self) -> None:
        """Skip the database for a while (another part of the storage found it away)."""
        self._skip_until = self._clock() + self._retry_after

    async def claim(self, bot_id: int, update_id: int) -> Verdict:
        """``fresh`` (handle it), ``done`` or ``busy`` (skip it); never waits long."""
        key = (bot_id, update_id)
        known = self._memory.get(key)
        if known is not None:
            return "done" if known else "busy"
        self._remember(key, done=False)
        if not self.database_ok:
            self.offline += 1
            return "fresh"
        now = utcnow()
        try:
            verdict = await within(
                self.deadline,
                self._run(
                    lambda s: claim_update(
                        s, bot_id=bot_id, update_id=update_id, owner=self.owner, now=now
                    )
                ),
            )
        except Exception as exc:
            if not (isinstance(exc, TimeoutError) or is_unavailable(exc)):
                self._memory.pop(key, None)
                raise
            self._skip_until = self._clock() + self._retry_after
            self.offline += 1
            log.warning(
                "claims: the database did not answer in time (%s); claiming in memory for %.0f s",
                describe(exc) if not isinstance(exc, TimeoutError) else "timeout",
                self._retry_after,
            )
            return "fresh"
        if verdict != "fresh":
            self._memory.pop(key, None)  # another process has it; ask again next time
        return verdict  # type: ignore[return-value]

    async def finish(self, bot_id: int, update_id: int) -> None:
        """Mark the update handled; a database that is away is not waited for."""
        key = (bot_id, update_id)
        self._remember(key, done=True)
        if not self.database_ok:
            return
        now = utcnow()
        try:
            await within(
                self.deadline,
                self._run(
                    lambda s: finish_update(
                        s, bot_id=bot_id, update_id=update_id, owner=self.owner, now=now
                    )
                ),
            )
        except Exception as exc:
            if not (isinstance(exc, TimeoutError) or is_unavailable(exc)):
                raise
            self._skip_until = self._clock() + self._retry_after
            # the claim stays unfinished: after the lease another replica may answer again

    def finish_soon(self, bot_id: int, update_id: int) -> None:
        """Mark the update handled in memory now and in the database in the background.

        The webhook answers Telegram without waiting for that write: once Telegram has its
        200 it does not deliver the update again, so a crash before the write costs nothing;
        waiting for it would only widen the moment in which a crash after the reply makes
        Telegram deliver the update again (and the restarted replica answer it twice).
        :meth:`settle` waits for the writes still running.
        """
        self._remember((bot_id, update_id), done=True)
        task = asyncio.ensure_future(self.finish(bot_id, update_id))
        self._finishing.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Future[None]) -> None:
        self._finishing.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("claims: marking an update handled failed: %s", task.exception())

    async def settle(self, within_seconds: float = 5.0) -> None:
        """Wait (at most ``within_seconds``) for the writes of :meth:`finish_soon`."""
        if self._finishing:
            await asyncio.wait(set(self._finishing), timeout=within_seconds)

    def _remember(self, key: tuple[int, int], *, done: bool) -> None:
        self._memory[key] = done
        self._memory.move_to_end(key)
        while len(self._memory) > MEMORY:
            self._memory.popitem(last=False)
