"""The decision on hand-made match lists: answer, clarify (at most 3), unanswered.

The thresholds here are round numbers chosen by the test, so the tests describe the rules,
not the values the matcher is currently tuned to.
"""

from __future__ import annotations

import pytest

from faq.decision import Decision, Thresholds, decide
from faq.matcher import Match

T = Thresholds(answer=50, margin=10, sure=80, clarify=30, suggestion_gap=20, max_suggestions=3)


def ranked(*scores: float) -> list[Match]:
    """Matches e1, e2, ... with these scores (already best first)."""
    assert list(scores) == sorted(scores, reverse=True)
    return [Match(f"e{i}", s, "en", f"variant {i}") for i, s in enumerate(scores, 1)]


def test_no_matches_is_unanswered():
    assert decide([], T) == Decision("unanswered")


def test_clarify_threshold_boundary():
    assert decide(ranked(29.99), T) == Decision("unanswered")
    assert decide(ranked(30.0), T) == Decision("clarify", suggestions=("e1",))


def test_answer_needs_the_answer_score():
    assert decide(ranked(49.99), T) == Decision("clarify", suggestions=("e1",))
    assert decide(ranked(50.0), T) == Decision("answer", entry="e1")


def test_answer_needs_the_margin_over_the_second():
    assert decide(ranked(60, 50), T) == Decision("answer", entry="e1")  # exactly the margin
    assert decide(ranked(60, 50.01), T).kind == "clarify"


def test_a_sure_score_answers_despite_a_close_second():
    assert decide(ranked(80, 79.9), T) == Decision("answer", entry="e1")
    assert decide(ranked(79.99, 79.9), T).kind == "clarify"


def test_tie_at_the_top_is_never_an_answer_below_sure():
    decision = decide(ranked(70, 70), T)
    assert decision == Decision("clarify", suggestions=("e1", "e2"))


def test_suggestions_are_within_the_gap_and_above_clarify():
    # gap 20 from 55: 35 is in, 34.9 is out
    assert decide(ranked(55, 50, 35, 34.9), T).suggestions == ("e1", "e2", "e3")
    assert decide(ranked(55, 50, 34.9), T).suggestions == ("e1", "e2")
    # within the gap but below the clarify threshold
    assert decide(ranked(40, 29.9), T).suggestions == ("e1",)


def test_at_most_three_suggestions():
    decision = decide(ranked(60, 59, 58, 57, 56, 55), T)
    assert decision.kind == "clarify"
    assert decision.suggestions == ("e1", "e2", "e3")
    assert decide(ranked(60, 59, 58, 57), Thresholds(max_suggestions=2, sure=99)).suggestions == (
        "e1",
        "e2",
    )


def test_answer_and_unanswered_carry_no_suggestions():
    assert decide(ranked(90, 89, 88), T).suggestions == ()
    assert decide(ranked(10, 9), T).suggestions == ()
    assert decide(ranked(90, 89), T).entry == "e1"
    assert decide(ranked(40, 39), T).entry is None


@pytest.mark.parametrize("scores", [(100,), (81, 80), (45, 44, 43), (31,), (5,)])
def test_decision_shape(scores):
    decision = decide(ranked(*scores), T)
    if decision.kind == "answer":
        assert decision.entry == "e1"
        assert decision.suggestions == ()
    elif decision.kind == "clarify":
        assert decision.entry is None
        assert 1 <= len(decision.suggestions) <= 3
        assert decision.suggestions[0] == "e1"
    else:
        assert decision == Decision("unanswered")


def test_default_thresholds_are_ordered():
    t = Thresholds()
    assert 0 < t.clarify < t.answer <= t.sure <= 100
    assert t.margin > 0
    assert t.suggestion_gap > 0
    assert t.max_suggestions == 3
