"""The suggestions queue (storage/suggestions.py) and the 👎 rows of the unanswered log, on
SQLite and PostgreSQL: one row per entry, language and normalised text, counted; each record
once however often it is written; no user anywhere; review once; purge with retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from storage_testlib import query

from storage import Storage, repository
from storage.engine import create_engine, session_factory
from storage.records import SuggestionRecord, dumps, loads
from storage.suggestions import text_key


async def _suggest(storage: Storage, *items: tuple[str, str, str, str]) -> None:
    for entry, language, text, source in items:
        await storage.record_suggestion(entry=entry, language=language, text=text, source=source)
    assert await storage.flush(5)


async def test_the_same_phrasing_counts_up_one_row(storage: Storage) -> None:
    await _suggest(
        storage,
        ("housing-scams", "en", "Is this landlord legit?", "pick"),
        ("housing-scams", "en", "is this landlord   LEGIT", "helpful"),
        ("housing-scams", "en", "is this landlord legit", "pick"),
        ("housing-scams", "nl", "is this landlord legit", "pick"),  # another language
        ("housing-costs", "en", "is this landlord legit", "helpful"),  # another entry
        ("housing-costs", "en", "what does a room cost", "pick"),
    )
    rows = await storage.suggestions()
    first = rows[0]
    assert (first.entry, first.language, first.text) == (
        "housing-scams",
        "en",
        "Is this landlord legit?",  # the first wording seen is kept
    )
    assert (first.picks, first.helpful, first.count) == (2, 1, 3)
    assert first.last_seen >= first.first_seen
    assert len(rows) == 4
    assert {(r.entry, r.language, r.count) for r in rows[1:]} == {
        ("housing-scams", "nl", 1),
        ("housing-costs", "en", 1),
        ("housing-costs", "en", 1),
    }
    assert await storage.count_suggestions() == 4
    assert [r.id for r in await storage.suggestions(limit=2)] == [r.id for r in rows[:2]]


async def test_a_record_written_twice_counts_once(storage: Storage, database_url: str) -> None:
    for _ in range(3):  # a redelivered press: the same key
        await storage.record_suggestion(
            entry="eduroam-connect", language="en", text="wifi broken", source="pick", key="k-1"
        )
    assert await storage.flush(5)
    [row] = await storage.suggestions()
    assert row.picks == 1
    # the outbox's batch replayed after a crash between commit and acknowledgement

    record = SuggestionRecord(
        key="k-2",
        created_at=datetime.now(UTC),
        entry="eduroam-connect",
        language="en",
        text="wifi broken",
        text_key=text_key("wifi broken"),
        source="helpful",
    )
    engine = create_engine(database_url)
    try:
        sessions = session_factory(engine)
        for _ in range(2):
            async with sessions() as session, session.begin():
                await repository.write_records(session, records=[record, record])
    finally:
        await engine.dispose()
    [row] = await storage.suggestions()
    assert (row.picks, row.helpful) == (1, 1)


async def test_no_user_is_stored_with_a_suggestion(storage: Storage, database_url: str) -> None:
    await _suggest(storage, ("housing-scams", "en", "scam?", "pick"))
    rows = await query(database_url, "SELECT * FROM suggestions")
    assert len(rows) == 1
    assert storage.user_key(4242) not in repr(rows)
    names = await query(database_url, "SELECT text, entry, language FROM suggestions")
    assert names == [("scam?", "housing-scams", "en")]
    # /forget of anyone finds nothing here (and does not fail)
    assert await storage.forget_user(user_id=4242) == 0
    assert len(await storage.suggestions()) == 1


async def test_review_once_and_rejected_rows_stay_out(storage: Storage) -> None:
    await _suggest(
        storage,
        ("housing-scams", "en", "scam?", "pick"),
        ("housing-scams", "en", "fake ad?", "pick"),
    )
    scam, fake = sorted(await storage.suggestions(), key=lambda r: r.text)[::-1]
    assert await storage.review_suggestion(suggestion_id=scam.id, status="accepted")
    assert not await storage.review_suggestion(suggestion_id=scam.id, status="rejected")
    assert await storage.review_suggestion(suggestion_id=fake.id, status="rejected")
    assert not await storage.review_suggestion(suggestion_id=999, status="rejected")
    assert await storage.suggestions() == []
    await _suggest(storage, ("housing-scams", "en", "Fake ad", "pick"))
    assert await storage.suggestions() == []  # counted on the rejected row
    [rejected] = await storage.suggestions(status="rejected")
    assert (rejected.picks, rejected.reviewed_at is not None) == (2, True)
    [accepted] = await storage.suggestions(status="accepted")
    assert accepted.text == "scam?"
    assert len(await storage.suggestions(status="all")) == 2
    assert (await storage.suggestion(accepted.id)) == accepted
    assert await storage.suggestion(999) is None


async def test_purge_with_retention(storage: Storage) -> None:
    await _suggest(storage, ("housing-scams", "en", "scam?", "pick"))
    assert await storage.purge(now=datetime.now(UTC) + timedelta(days=179)) == 0
    assert await storage.purge(now=datetime.now(UTC) + timedelta(days=181)) == 1
    assert await storage.suggestions(status="all") == []


async def test_thumbs_down_rows_keep_the_entry_they_got(storage: Storage) -> None:
    for user in (1, 2):
        await storage.record_unanswered(
            user_id=user,
            text="eduroam keeps dropping",
            language="en",
            candidates=[("eduroam-connect", 71.0)],
            reason="not-helpful",
            answered_entry="eduroam-connect",
        )
    await storage.record_unanswered(
        user_id=3, text="eduroam keeps dropping!", language="en", candidates=[]
    )
    assert await storage.flush(5)
    rows = await storage.unanswered_rows()
    assert [(r.reason, r.answered_entry) for r in rows] == [
        ("not-helpful", "eduroam-connect"),
        ("not-helpful", "eduroam-connect"),
        ("unanswered", None),
    ]
    [group] = await storage.unanswered_groups()
    assert (group.count, group.answered_entries) == (3, ["eduroam-connect"])


def test_suggestion_records_round_trip_through_the_spool() -> None:
    record = SuggestionRecord(
        key="k",
        created_at=datetime.now(UTC),
        entry="housing-scams",
        language="zh",
        text="这是骗局吗",
        text_key=text_key("这是骗局吗"),
        source="helpful",
    )
    assert loads(dumps(record)) == record
    assert "user" not in dumps(record)


async def test_unknown_sources_and_statuses_are_refused(storage: Storage) -> None:
    with pytest.raises(ValueError, match="unknown source"):
        await storage.record_suggestion(entry="e", language="en", text="t", source="guess")
    with pytest.raises(ValueError, match="unknown status"):
        await storage.suggestions(status="maybe")
    with pytest.raises(ValueError, match="'accepted' or 'rejected'"):
        await storage.review_suggestion(suggestion_id=1, status="new")
