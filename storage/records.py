"""What the retry outbox carries: one immutable record per write, with its idempotency key.

Records are created at enqueue time, so their timestamps say when something happened, not
when the database finally took it. They round-trip through JSON for the spool file.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

#: Longest question text kept (Telegram caps a message at 4,096 characters).
MAX_TEXT = 4096


def clean(text: str, limit: int) -> str:
    """``text`` that every database accepts: valid UTF-8, no NUL, at most ``limit`` chars.

    PostgreSQL rejects NUL and lone surrogates; such a record would otherwise be retried
    forever.
    """
    text = text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
    return text[:limit]


def new_key() -> str:
    """A fresh idempotency key."""
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class UnansweredRecord:
    """An unanswered question or a "none of these" choice."""

    key: str
    created_at: datetime
    user_hash: str | None
    text: str
    language: str
    candidates: tuple[tuple[str, float], ...]
    reason: str
    #: the entry an answer marked 👎 gave (reason "not-helpful")
    answered_entry: str | None = None


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    """Thumbs up or down on an answer message."""

    key: str
    created_at: datetime
    user_hash: str
    message_hash: str
    entry: str
    helpful: bool
    language: str


@dataclass(frozen=True, slots=True)
class CounterRecord:
    """One increment of an anonymous daily counter."""

    key: str
    created_at: datetime
    day: date
    kind: str
    entry: str
    language: str


@dataclass(frozen=True, slots=True)
class PreferenceRecord:
    """A user's language choice; the newest ``created_at`` wins."""

    key: str
    created_at: datetime
    user_hash: str
    language: str


@dataclass(frozen=True, slots=True)
class SuggestionRecord:
    """A question variant learned from traffic: no user in it (see :mod:`storage.suggestions`)."""

    key: str
    created_at: datetime
    entry: str
    language: str
    text: str
    text_key: str
    #: "pick" (a "did you mean" choice) or "helpful" (a 👍 after an answer)
    source: str


Record = UnansweredRecord | FeedbackRecord | CounterRecord | PreferenceRecord | SuggestionRecord

_TYPES: dict[str, type[Record]] = {
    "unanswered": UnansweredRecord,
    "feedback": FeedbackRecord,
    "counter": CounterRecord,
    "preference": PreferenceRecord,
    "suggestion": SuggestionRecord,
}
_NAMES = {cls: name for name, cls in _TYPES.items()}


def user_hash_of(record: Record) -> str | None:
    """The user a record is about, if any (counters and suggestions are anonymous)."""
    return None if isinstance(record, CounterRecord | SuggestionRecord) else record.user_hash


def dumps(record: Record) -> str:
    """One JSON line for the spool file."""
    data: dict[str, Any] = {"type": _NAMES[type(record)]}
    for field in fields(record):
        value = getattr(record, field.name)
        data[field.name] = value.isoformat() if isinstance(value, date) else value
    return json.dumps(data, ensure_ascii=False)


def loads(line: str) -> Record:
    """Parse a line written by :func:`dumps`; raises ``ValueError`` on anything else."""
    try:
        data = json.loads(line)
        cls = _TYPES[data.pop("type")]
        data["created_at"] = datetime.fromisoformat(data["created_at"])
        if cls is CounterRecord:
            data["day"] = date.fromisoformat(data["day"])
        if cls is UnansweredRecord:
            data["candidates"] = tuple((str(e), float(s)) for e, s in data["candidates"])
        record = cls(**data)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not an outbox record: {exc}") from exc
    if record.created_at.tzinfo is None:
        raise ValueError("not an outbox record: naive timestamp")
    return record
