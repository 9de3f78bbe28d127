"""Schema migrations with Alembic, run from code (no ``alembic.ini`` needed).

The scripts live in ``storage/migrations`` inside the package, so an installed wheel finds
them. :func:`upgrade` runs on a connection of the application's own async engine through
``run_sync``, so it works inside a running event loop.

To write a new revision after changing :mod:`storage.models`::

    python -c "from storage.migrate import alembic_config; from alembic import command; \
command.revision(alembic_config('sqlite+aiosqlite:////tmp/x.sqlite3'), \
autogenerate=True, message='what changed')"

against a database already at head, then review the generated file.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine, redact
from storage.errors import StorageError, StorageUnavailable, describe, is_unavailable

MIGRATIONS = Path(__file__).parent / "migrations"

# Any constant works; it only has to be the same in every replica.
_PG_LOCK_ID = 0x77656C636F6D65  # "welcome"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # an install without its migrations (a packaging fault)
        raise StorageError(f"no migrations found in {MIGRATIONS}")
    return head


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Replicas starting together must not run the same migration twice; the lock
        # ends with this transaction.
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def upgrade_engine(engine: AsyncEngine) -> None:
    """Bring the database behind ``engine`` to the newest schema.

    Raises :class:`StorageError` when the database has a revision this code does not know
    (it was migrated by a newer version).
    """
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade)
    except CommandError as exc:
        raise StorageError(f"cannot migrate the database: {exc}") from exc


async def upgrade(url: str) -> tuple[str | None, str]:
    """Upgrade the database at ``url`` to head; returns (revision before, revision after).

    Raises :class:`StorageUnavailable` when the database cannot be reached.
    """
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            before = await connection.run_sync(_current)
        await upgrade_engine(engine)
        async with engine.connect() as connection:
            after = await connection.run_sync(_current)
    except StorageError:
        raise
    except Exception as exc:
        if is_unavailable(exc):
            raise StorageUnavailable(
                f"cannot open the database {redact(url)}: {describe(exc)}"
            ) from exc
        raise
    finally:
        await engine.dispose()
    return before, after or ""
