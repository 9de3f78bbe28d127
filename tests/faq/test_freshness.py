"""faq.freshness: entries without sources, and entries due for review."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from faq.freshness import STALE_AFTER, due_for_review, unsourced
from faq.yaml_doc import FaqLoadError


def _tree(minimal_tree):
    tr = minimal_tree.tr
    en = {"en": tr(["old question"], "old answer")}
    minimal_tree.entry("housing-old", "housing", en, reviewed="2025-11-30")
    minimal_tree.entry("housing-older", "housing", en, reviewed="2025-01-10")
    minimal_tree.entry("housing-recent", "housing", en, reviewed="2025-12-05")
    minimal_tree.entry("housing-bare", "housing", en, reviewed="2026-11-01", sources=[])
    return minimal_tree.load()


def test_due_for_review_lists_the_overdue_oldest_first(minimal_tree) -> None:
    tree = _tree(minimal_tree)
    today = date(2026, 12, 5)
    due = due_for_review(tree, today)
    assert [d.entry for d in due][:2] == ["housing-older", "housing-old"]
    assert "housing-recent" not in {d.entry for d in due}  # exactly 365 days: not yet
    old = next(d for d in due if d.entry == "housing-old")
    assert (old.reviewed, old.overdue_days) == (date(2025, 11, 30), 5)
    assert old.file.endswith("housing-old.yaml")
    assert "housing-recent" in {d.entry for d in due_for_review(tree, today + timedelta(days=1))}


def test_due_for_review_takes_another_period(minimal_tree) -> None:
    tree = _tree(minimal_tree)
    due = due_for_review(tree, date(2026, 12, 5), after=timedelta(days=30))
    assert "housing-bare" in {d.entry for d in due}
    assert timedelta(days=365) <= STALE_AFTER


def test_unsourced_names_entries_without_sources(minimal_tree) -> None:
    assert [e.id for e in unsourced(_tree(minimal_tree))] == ["housing-bare"]


def test_review_by_makes_a_freshly_reviewed_entry_due_on_its_day(minimal_tree) -> None:
    tr = minimal_tree.tr
    en = {"en": tr(["allowance amounts"], "the amounts of this year")}
    minimal_tree.entry(
        "housing-amounts", "housing", en, reviewed="2026-12-01", review_by="2027-01-01"
    )
    minimal_tree.entry("housing-plain", "housing", en, reviewed="2026-12-01")
    tree = minimal_tree.load()
    assert tree.entries["housing-amounts"].review_by == date(2027, 1, 1)
    assert due_for_review(tree, date(2026, 12, 31)) == []
    [due] = due_for_review(tree, date(2027, 1, 3))
    assert (due.entry, due.review_by, due.overdue_days) == ("housing-amounts", date(2027, 1, 1), 2)
    assert due.reason == "to be reviewed by 2027-01-01 (its content has a date)"


def test_review_by_must_be_a_later_date(minimal_tree) -> None:
    tr = minimal_tree.tr
    en = {"en": tr(["allowance amounts"], "the amounts of this year")}
    minimal_tree.entry("housing-a", "housing", en, reviewed="2026-12-01", review_by="2026-11-01")
    minimal_tree.entry("housing-b", "housing", en, reviewed="2026-12-01", review_by="soon")
    with pytest.raises(FaqLoadError) as caught:
        minimal_tree.load()
    message = str(caught.value)
    assert "review_by: must come after the reviewed date" in message
    assert "review_by: must be a date written as YYYY-MM-DD" in message
