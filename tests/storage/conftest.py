"""Fixtures for the storage tests: every test runs on SQLite and on PostgreSQL.

PostgreSQL is the server at 127.0.0.1:5432, database ``test``. When it cannot be reached the
PostgreSQL variants are skipped with the reason in the summary, except under ``CI=true``,
where they fail: CI must prove both backends. Each PostgreSQL test gets a schema of its own
(selected with ``search_path``), dropped afterwards, so tests never see each other's rows and
other suites using the same database are not disturbed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from storage_testlib import SECRET, pg_schema, pg_url

from storage import Storage


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database: an SQLite file under ``tmp_path`` or a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'data' / 'welcomebot.sqlite3'}"
        return
    async with pg_schema() as schema:
        yield pg_url(schema)


@pytest.fixture
async def storage(database_url: str, tmp_path: Path) -> AsyncIterator[Storage]:
    """An open :class:`Storage` on ``database_url``, closed after the test."""
    opened = await Storage.open(database_url, hash_secret=SECRET, spool_dir=tmp_path / "spool")
    try:
        yield opened
    finally:
        await opened.close()
