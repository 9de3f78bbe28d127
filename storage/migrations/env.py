"""Alembic environment: migrations run on a connection handed over by :mod:`storage.migrate`.

Used from code, ``config.attributes["connection"]`` holds a synchronous connection of the
application's async engine (via ``run_sync``). Used by the ``alembic`` tool with a
``sqlalchemy.url``, it opens its own async engine.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection

from storage.engine import create_engine
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


def main() -> None:
    """Run the migrations in whatever mode Alembic asks for."""
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            target_metadata=target_metadata,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url or pass a connection in config.attributes")
    asyncio.run(_run_with_own_engine(url))


main()
