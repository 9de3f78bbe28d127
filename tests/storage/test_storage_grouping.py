"""Near-duplicate grouping for the welfare team, and status changes per group."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import pytest

from storage import Storage, welfare
from storage.grouping import group_rows


@dataclass(frozen=True)
class Row:
    id: int
    text: str


def _groups(*texts: str) -> list[list[int]]:
    rows = [Row(i, t) for i, t in enumerate(texts, 1)]
    return [sorted(r.id for r in c.rows) for c in group_rows(rows)]


def test_identical_after_normalisation_group_together() -> None:
    assert _groups("Where is the GYM?!", "where is the gym", "  WHERE   is the gym  ") == [
        [1, 2, 3]
    ]


def test_typos_and_reordering_group_but_other_topics_do_not() -> None:
    groups = _groups(
        "where can I park my bike",
        "where can i park my bik",
        "park my bike where can I",
        "is there a gym",
        "is there a pool",
        "how do I get a BSN",
        "how do I get a bank account",
    )
    assert groups == [[1, 2, 3], [4], [5], [6], [7]]


def test_most_frequent_first_then_oldest() -> None:
    assert _groups("a pool?", "bike parking", "bike parking!", "a pool", "a pool", "tram") == [
        [1, 4, 5],
        [2, 3],
        [6],
    ]


def test_text_without_letters_still_groups() -> None:
    assert _groups("🙂", "🙂", "???") == [[1, 2], [3]]


def test_grouping_is_deterministic() -> None:
    texts = [f"question number {i % 5} about the town hall" for i in range(40)]
    assert _groups(*texts) == _groups(*texts)


async def test_groups_across_languages_most_frequent_first(storage: Storage) -> None:
    for text, language in [
        ("Eduroam?", "en"),
        ("eduroam", "nl"),
        ("EDUROAM!!", "de"),
        ("Where can I buy a bike?", "en"),
        ("where can i buy a bike", "en"),
        ("Wo ist das Rathaus?", "de"),
    ]:
        await storage.record_unanswered(
            user_id=None, text=text, language=language, candidates=[("eduroam-connect", 50.0)]
        )
    assert await storage.flush(5)

    groups = await storage.unanswered_groups()
    assert [g.count for g in groups] == [3, 2, 1]
    eduroam, bike, town_hall = groups
    assert eduroam.id == 1
    assert eduroam.row_ids == [1, 2, 3]
    assert sorted(eduroam.languages) == ["de", "en", "nl"]
    assert eduroam.samples == ["Eduroam?"]  # one sample per distinct normalised text
    assert eduroam.candidates == [("eduroam-connect", 50.0)]
    assert eduroam.first_seen <= eduroam.last_seen
    assert bike.languages == ["en"]
    assert bike.samples == ["Where can I buy a bike?"]
    assert town_hall.samples == ["Wo ist das Rathaus?"]
    assert len(await storage.unanswered_groups(limit=2)) == 2


async def test_status_applies_to_the_whole_group(storage: Storage) -> None:
    for text in ("gym card price", "gym card price?", "Gym card prices", "library hours"):
        await storage.record_unanswered(user_id=None, text=text, language="en", candidates=[])
    assert await storage.flush(5)

    # any id of the group names the group
    assert await storage.set_status(question_id=2, status="resolved", note="added to FAQ") == 3
    (remaining,) = await storage.unanswered_groups()
    assert remaining.samples == ["library hours"]
    (resolved,) = await storage.unanswered_groups(status="resolved")
    assert resolved.count == 3
    rows = {r.id: r for r in await storage.unanswered_rows(status="resolved")}
    assert set(rows) == {1, 2, 3}
    assert all(r.note == "added to FAQ" and r.resolved_at is not None for r in rows.values())

    assert await storage.set_status(question_id=4, status="ignored") == 1
    assert await storage.unanswered_groups() == []
    assert len(await storage.unanswered_groups(status="all")) == 2
    assert len(await storage.unanswered_groups(status=None)) == 2

    # reopening clears the resolution time but keeps the note
    assert await storage.set_status(question_id=1, status="new") == 3
    reopened = await storage.unanswered_rows(status="new")
    assert {r.id for r in reopened} == {1, 2, 3}
    assert all(r.resolved_at is None and r.note == "added to FAQ" for r in reopened)
    assert await storage.set_status(question_id=3, status="added") == 3


async def test_status_errors(storage: Storage) -> None:
    await storage.record_unanswered(user_id=None, text="q", language="en", candidates=[])
    assert await storage.flush(5)
    with pytest.raises(KeyError):
        await storage.set_status(question_id=999, status="resolved")
    with pytest.raises(ValueError, match="status"):
        await storage.set_status(question_id=1, status="done")
    with pytest.raises(ValueError, match="status"):
        await storage.unanswered_groups(status="done")


async def test_grouping_runs_in_a_worker_thread(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pairwise grouping of a long backlog must not stall the event loop (every chat's replies)
    threads: list[int] = []

    def spy(rows: Any, **kwargs: Any) -> Any:
        threads.append(threading.get_ident())
        return group_rows(rows, **kwargs)

    monkeypatch.setattr(welfare, "group_rows", spy)
    for text in ("gym card price", "gym card price?"):
        await storage.record_unanswered(user_id=None, text=text, language="en", candidates=[])
    assert await storage.flush(5)
    [group] = await storage.unanswered_groups()
    assert await storage.set_status(question_id=group.id, status="resolved") == 2
    assert len(threads) == 2
    assert threading.get_ident() not in threads
