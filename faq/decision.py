"""Answer, clarify or admit we don't know: the thresholds live here and only here.

With a confidence model (``faq/confidence.py``, the normal case) the decision is on the
calibrated probability that the best entry is right, and the two probability thresholds are
chosen by :func:`choose_thresholds` from the model's cross-validation on the FAQ itself (no
labelled question set): the lowest answer threshold whose held-out wrong-answer and
out-of-scope-answered rates stay under :data:`WRONG_TARGET` and :data:`OUT_OF_SCOPE_TARGET`.

:class:`Thresholds` (scores 0-100) is the fallback for a tree too small to learn from, and the
floor of inline search. Every value can be overridden (the CLI's ``--thresholds``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from faq.matcher import Match


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Score limits (0-100) for the decision."""

    answer: float = 50.0  # the best entry is good enough to answer ...
    margin: float = 6.0  # ... when it leads the second by at least this much
    sure: float = 70.0  # at or above this, answer even with a close second
    clarify: float = 30.0  # below this nothing is offered
    suggestion_gap: float = 18.0  # suggestions are within this of the best
    max_suggestions: int = 3
    #: probability thresholds that override the model's cross-validated ones (0-1)
    p_answer: float | None = None
    p_clarify: float | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with a question."""

    kind: Literal["answer", "clarify", "unanswered"]
    entry: str | None = None
    suggestions: tuple[str, ...] = ()
    out_of_scope: str | None = None  # unanswered because it is in this out-of-scope group


def _suggestions(matches: Sequence[Match], thresholds: Thresholds, floor: float) -> tuple[str, ...]:
    best = matches[0].score
    return tuple(
        m.entry
        for m in matches[: thresholds.max_suggestions]
        if m.score >= floor and best - m.score <= thresholds.suggestion_gap
    )


def decide(matches: Sequence[Match], thresholds: Thresholds) -> Decision:
    """Pick answer / clarify / unanswered from ranked ``matches`` (best first)."""
    if not matches or matches[0].score < thresholds.clarify:
        return Decision("unanswered")
    best = matches[0]
    second = matches[1].score if len(matches) > 1 else 0.0
    if best.score >= thresholds.sure or (
        best.score >= thresholds.answer and best.score - second >= thresholds.margin
    ):
        return Decision("answer", entry=best.entry)
    return Decision("clarify", suggestions=_suggestions(matches, thresholds, thresholds.clarify))


#: Held-out wrong answers (share of in-scope questions) the answer threshold must keep under.
WRONG_TARGET = 0.01
#: Held-out out-of-scope questions answered (share) the answer threshold must keep under.
OUT_OF_SCOPE_TARGET = 0.03
#: In-scope questions whose entry is among the best three that clarify must still reach.
CLARIFY_REACH = 0.98
_GRID = [i / 100 for i in range(5, 100)]


@dataclass(frozen=True, slots=True)
class ProbabilityThresholds:
    """Probability limits (0-1) for the decision with a confidence model."""

    answer: float
    clarify: float


class _Assessment(Protocol):
    @property
    def probability(self) -> float: ...
    @property
    def out_of_scope(self) -> str | None: ...


def decide_calibrated(
    matches: Sequence[Match],
    assessment: _Assessment,
    probabilities: ProbabilityThresholds,
    thresholds: Thresholds,
) -> Decision:
    """Answer when the best entry is right with probability ≥ ``answer``; below it, point an
    out-of-scope question elsewhere, offer the best entries from ``clarify`` up, else give up."""
    answer = thresholds.p_answer if thresholds.p_answer is not None else probabilities.answer
    clarify = thresholds.p_clarify if thresholds.p_clarify is not None else probabilities.clarify
    if matches and assessment.probability >= answer:
        return Decision("answer", entry=matches[0].entry)
    if assessment.out_of_scope is not None:
        return Decision("unanswered", out_of_scope=assessment.out_of_scope)
    if not matches or assessment.probability < clarify:
        return Decision("unanswered")
    return Decision("clarify", suggestions=_suggestions(matches, thresholds, 0.0))


#: One held-out question: its entry (None: out of scope), the best entry, the best three,
#: the probability, and whether the text classifier put it out of scope.
Outcome = tuple[str | None, str | None, tuple[str, ...], float, bool]


def choose_thresholds(
    outcomes: Sequence[Outcome],
) -> tuple[ProbabilityThresholds, dict[str, float]]:
    """The thresholds from held-out ``outcomes`` and the figures they give there (%)."""
    inside = [o for o in outcomes if o[0] is not None]
    outside = [o for o in outcomes if o[0] is None]
    n_in, n_out = max(len(inside), 1), max(len(outside), 1)
    answer = _GRID[-1]
    for t in _GRID:
        wrong = sum(1 for truth, top, _, p, _ in inside if p >= t and top != truth)
        oos = sum(1 for _, _, _, p, _ in outside if p >= t)
        if wrong / n_in <= WRONG_TARGET and oos / n_out <= OUT_OF_SCOPE_TARGET:
            answer = t
            break
    reachable = sorted(p for truth, _, top3, p, _ in inside if truth in top3 and p < answer)
    in_top3 = sum(1 for truth, _, top3, _, _ in inside if truth in top3)
    allowed = int(in_top3 * (1 - CLARIFY_REACH))  # held-out questions clarify may lose
    clarify = reachable[allowed] if allowed < len(reachable) else answer
    clarify = min(answer, max(_GRID[0], clarify))
    chosen = ProbabilityThresholds(answer=answer, clarify=round(clarify, 3))
    figures = {
        "answered_correct": sum(1 for t, top, _, p, _ in inside if p >= answer and top == t),
        "answer_or_clarify": sum(
            1
            for t, top, top3, p, oos in inside
            if (p >= answer and top == t) or (p < answer and not oos and p >= clarify and t in top3)
        ),
        "wrong_answer": sum(1 for t, top, _, p, _ in inside if p >= answer and top != t),
    }
    result = {k: round(100.0 * v / n_in, 1) for k, v in figures.items()}
    result["out_of_scope_answered"] = round(
        100.0 * sum(1 for o in outside if o[3] >= answer) / n_out, 1
    )
    return chosen, result
