"""Hostile texts are stored verbatim and safely on SQLite and PostgreSQL: only NUL (which
PostgreSQL refuses) and lone surrogates (not UTF-8) are changed, and the text is cut at
4,096 characters (Telegram's limit)."""

from __future__ import annotations

import pytest

from storage import Storage
from storage.records import MAX_TEXT, clean

VERBATIM = [
    "'; DROP TABLE unanswered_questions; --",
    "Robert'); DELETE FROM feedback WHERE ('1'='1",
    '" OR ""="',
    "%s %(x)s :param ? $1 \\x00 \\",
    '<b>bold</b> <a href="javascript:alert(1)">x</a> &amp; &lt;',
    "**bold** _it_ [x](javascript:alert(1))",
    "\u202eevil\u202c \u200b\u200c\u200d\ufeff",
    "😀👨‍👩‍👧🏳️‍🌈",
    "أين أجد غرفة؟ איפה",
    "\x07\x1b[31m\r\n\t",
    "押金" * 2048,
    "x" * MAX_TEXT,
]


@pytest.mark.parametrize("text", VERBATIM)
async def test_texts_are_stored_verbatim(storage: Storage, text: str) -> None:
    await storage.record_unanswered(user_id=7, text=text, language="en", candidates=[])
    assert await storage.flush(10)
    [row] = await storage.unanswered_rows()
    assert row.text == text


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("wifi\x00broken", "wifibroken"),
        ("\x00", ""),
        ("a\ud800b\udfffc", "a?b?c"),
        ("y" * 100_000, "y" * MAX_TEXT),
    ],
)
async def test_what_no_database_takes_is_cleaned(storage: Storage, text: str, stored: str) -> None:
    assert clean(text, MAX_TEXT) == stored
    await storage.record_unanswered(user_id=7, text=text, language="en", candidates=[])
    assert await storage.flush(10)
    [row] = await storage.unanswered_rows()
    assert row.text == stored


async def test_the_same_event_key_records_once(storage: Storage) -> None:
    key = storage.event_key("unanswered", "text", 42, 7)
    assert key == storage.event_key("unanswered", "text", 42, 7)
    assert key != storage.event_key("unanswered", "text", 42, 8)
    assert len(key) == 36  # a UUID, as the idempotency columns hold
    for _ in range(3):
        await storage.record_unanswered(
            user_id=42, text="same question", language="en", candidates=[], key=key
        )
        await storage.count(kind="unanswered", entry=None, language="en", key=key)
    assert await storage.flush(10)
    assert [r.text for r in await storage.unanswered_rows()] == ["same question"]
    stats = await storage.stats(days=1)
    assert stats.per_day[-1].unanswered == 1
