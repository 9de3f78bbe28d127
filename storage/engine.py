"""Async engines and sessions from a database URL.

SQLite (``sqlite+aiosqlite:///path``): the file's directory is created on first use, and every
connection runs in WAL mode (readers never wait for the writer) with a busy timeout, so a
short lock held by another process (the CLI, a backup) is waited out instead of failing.

PostgreSQL (``postgresql+asyncpg://``): connections are pinged before use, so a restarted
server or terminated backends cost one reconnect, not an error. A libpq-style ``options``
query parameter (``?options=-csearch_path%3Dwelcomebot``) is passed to the server, which
asyncpg does not do by itself.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

#: Seconds a connection attempt to PostgreSQL may take before the write is retried later.
CONNECT_TIMEOUT = 5.0


# URLs without an async driver, as operators often write them, and the driver they mean.
_ASYNC_DRIVERS = {
    "postgres://": "postgresql+asyncpg://",
    "postgresql://": "postgresql+asyncpg://",
    "sqlite://": "sqlite+aiosqlite://",
}


def async_url(url: str | URL) -> URL:
    """``url`` parsed, with the async driver filled in when it names none."""
    if isinstance(url, str):
        for plain, driver in _ASYNC_DRIVERS.items():
            if url.startswith(plain):
                url = driver + url[len(plain) :]
                break
    return make_url(url)


def sqlite_path(url: str | URL) -> Path | None:
    """The database file of an SQLite URL; None for other databases and in-memory SQLite."""
    parsed = async_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def redact(url: str | URL) -> str:
    """The URL without its password, for messages."""
    return async_url(url).render_as_string(hide_password=True)


def _create_private_file(path: Path) -> None:
    """Create the database file readable by its owner only; SQLite gives its -wal and -shm
    files the same permissions. The file holds question texts."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def create_engine(url: str | URL, *, busy_timeout: float = 5.0) -> AsyncEngine:
    """An async engine for ``url``; ``busy_timeout`` is how long SQLite waits for a lock."""
    parsed = async_url(url)
    backend = parsed.get_backend_name()

    if backend == "sqlite":
        path = sqlite_path(parsed)
        if path is not None:
            _create_private_file(path)
        engine = create_async_engine(parsed)
        busy_ms = max(0, int(busy_timeout * 1000))

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
            if path is not None:
                cursor.execute("PRAGMA journal_mode = WAL")
                # WAL + NORMAL is durable across application crashes; the last
                # transactions can only be lost on power failure.
                cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.close()

        return engine

    connect_args: dict[str, Any] = {}
    if backend == "postgresql" and parsed.get_driver_name() == "asyncpg":
        connect_args["timeout"] = CONNECT_TIMEOUT
        server_options = parsed.query.get("options")
        if server_options:
            parsed = parsed.difference_update_query(["options"])
            value = server_options if isinstance(server_options, str) else " ".join(server_options)
            connect_args["server_settings"] = {"options": value}
    return create_async_engine(
        parsed, pool_pre_ping=True, pool_recycle=1800, connect_args=connect_args
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
