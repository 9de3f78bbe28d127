"""Errors the rest of the application may catch without importing SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError


class StorageError(Exception):
    """A storage problem an operator must look at; the message says what, in one line."""


class StorageUnavailable(StorageError):
    """The database cannot be reached or stayed locked; try again later."""


def is_unavailable(exc: BaseException) -> bool:
    """True for errors that mean "the database is not there right now"."""
    if isinstance(exc, SQLAlchemyError | OSError | TimeoutError):
        return True
    return type(exc).__module__.split(".")[0] in {"asyncpg", "sqlite3", "aiosqlite"}


def describe(exc: BaseException) -> str:
    """A one-line description of a database error, without SQL parameters (they hold texts)."""
    cause = getattr(exc, "orig", None) or exc
    text = str(cause).strip()
    first = text.splitlines()[0] if text else ""
    return f"{type(cause).__name__}: {first}" if first else type(cause).__name__
