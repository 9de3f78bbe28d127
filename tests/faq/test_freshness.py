"""faq.freshness: entries without sources, and entries due for review."""

from __future__ import annotations

from datetime import date, timedelta

from faq.freshness import STALE_AFTER, due_for_review, unsourced


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
