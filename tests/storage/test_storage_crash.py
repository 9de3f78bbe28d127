"""A record is on disk before ``record_unanswered`` returns (and so before the reply that
follows it goes out): a process killed with SIGKILL right after loses nothing, and the
next start writes every record once. Also: a journal nobody holds is adopted."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
from pathlib import Path

import aiosqlite
from storage_testlib import SECRET

from storage import Storage

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import asyncio, sys, time
    from storage import Storage

    async def main(url, spool):
        storage = await Storage.open(url, hash_secret=sys.argv[3], spool_dir=spool,
                                     busy_timeout=0.1, replica="bot1")
        for i in range(5):
            await storage.record_unanswered(user_id=i, text=f"kept {i} 06-12345678",
                                            language="en", candidates=[])
        print("recorded", flush=True)  # what a reply to the user would follow
        time.sleep(60)  # killed here

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


async def test_records_survive_sigkill_with_the_database_locked(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    spool = tmp_path / "data"
    await (await Storage.open(url, hash_secret=SECRET, spool_dir=spool)).close()  # migrated
    lock = await aiosqlite.connect(path, isolation_level=None)
    await lock.execute("BEGIN EXCLUSIVE")  # nothing reaches the database meanwhile
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHILD,
        url,
        str(spool),
        SECRET,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert child.stdout is not None
        assert (await child.stdout.readline()).strip() == b"recorded"
        child.send_signal(signal.SIGKILL)
        await child.wait()
    finally:
        if child.returncode is None:
            child.kill()
        await lock.execute("COMMIT")
        await lock.close()
    journal = spool / "bot.sqlite3.outbox.bot1.jsonl"
    assert journal.read_text(encoding="utf-8").count("\n") == 5
    assert "12345678" not in journal.read_text(encoding="utf-8")  # scrubbed before disk

    # another replica starts (bot1 never comes back): it adopts bot1's journal
    storage = await Storage.open(url, hash_secret=SECRET, spool_dir=spool, replica="bot2")
    assert await storage.flush(10)
    rows = await storage.unanswered_rows()
    await storage.close()
    assert sorted(r.text for r in rows) == [f"kept {i} [phone]" for i in range(5)]
    assert not journal.exists()

    # replaying the same journal again (a crash before it was emptied) adds nothing
    storage = await Storage.open(url, hash_secret=SECRET, spool_dir=spool, replica="bot1")
    assert await storage.flush(10)
    assert len(await storage.unanswered_rows()) == 5
    await storage.close()
