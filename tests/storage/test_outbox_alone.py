"""The retry outbox on its own (a writer that fails as told, no database): capped backoff,
records the database refuses set aside, unreadable spool lines kept, spooling at close."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.outbox import Outbox
from storage.records import Record, UnansweredRecord, new_key


# ---------------------------------------------------------------------- the outbox alone
def _record(i: int) -> UnansweredRecord:
    return UnansweredRecord(
        key=new_key(),
        created_at=datetime.now(UTC),
        user_hash=None,
        text=f"u{i}",
        language="en",
        candidates=(),
        reason="unanswered",
    )


class FlakyWriter:
    """Fails ``failures`` times, then keeps what it is given (by key, like the database)."""

    def __init__(self, failures: int = 0, poison: str | None = None) -> None:
        self.failures = failures
        self.poison = poison
        self.attempts = 0
        self.stored: dict[str, Record] = {}

    async def __call__(self, records: Sequence[Record]) -> None:
        self.attempts += 1
        await asyncio.sleep(0)
        if self.failures:
            self.failures -= 1
            raise OSError("connection refused")
        if any(isinstance(r, UnansweredRecord) and r.text == self.poison for r in records):
            raise ValueError("the database cannot take this record")
        for record in records:
            self.stored.setdefault(record.key, record)


async def test_outbox_retries_with_capped_backoff_and_never_drops(tmp_path: Path) -> None:
    writer = FlakyWriter(failures=12)
    outbox = Outbox(writer, spool_path=tmp_path / "spool.jsonl", base_delay=0.001, max_delay=0.02)
    outbox.start()
    for i in range(50):
        outbox.put(_record(i))
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await outbox.flush(5)
    # 12 failures, each wait at most the 0.02 s cap
    assert loop.time() - started < 12 * 0.02 + 1
    assert writer.attempts >= 13
    assert len(writer.stored) == 50
    assert outbox.healthy
    assert await outbox.close(1) == 0
    assert not (tmp_path / "spool.jsonl").exists()


async def test_a_record_the_database_refuses_is_set_aside_not_dropped(tmp_path: Path) -> None:
    writer = FlakyWriter(poison="u3")
    outbox = Outbox(
        writer,
        spool_path=tmp_path / "spool.jsonl",
        is_permanent=lambda exc: isinstance(exc, ValueError),
    )
    outbox.start()
    for i in range(6):
        outbox.put(_record(i))
    assert await outbox.flush(5)
    await outbox.close(1)
    assert sorted(r.text for r in writer.stored.values() if isinstance(r, UnansweredRecord)) == [
        "u0",
        "u1",
        "u2",
        "u4",
        "u5",
    ]
    (line,) = outbox.rejected_path.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["text"] == "u3"


async def test_an_unreadable_spool_line_is_kept_aside(tmp_path: Path) -> None:
    spool = tmp_path / "spool.jsonl"
    spool.write_text("not json\n" + '{"type": "nothing"}\n', encoding="utf-8")
    writer = FlakyWriter()
    outbox = Outbox(writer, spool_path=spool)
    assert outbox.start() == 0
    assert await outbox.flush(1)
    await outbox.close(1)
    assert outbox.rejected_path.read_text(encoding="utf-8").splitlines() == [
        "not json",
        '{"type": "nothing"}',
    ]


async def test_close_spools_when_the_writer_cannot_finish(tmp_path: Path) -> None:
    writer = FlakyWriter(failures=10_000)
    outbox = Outbox(writer, spool_path=tmp_path / "spool.jsonl", base_delay=0.001)
    outbox.start()
    records = [_record(i) for i in range(3)]
    for record in records:
        outbox.put(record)
    assert await outbox.close(0.05) == 3
    with contextlib.suppress(RuntimeError), pytest.raises(RuntimeError):
        outbox.put(_record(9))
    again = Outbox(FlakyWriter(), spool_path=tmp_path / "spool.jsonl")
    assert again.start() == 3
    assert again.pending_records() == records
    await again.close(1)
