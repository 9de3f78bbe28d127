"""Answer, clarify or admit we don't know: the thresholds live here and only here.

Tuned on ``../shared/eval/dev-questions.yaml`` (see the README for the figures); every
value can be overridden (``Thresholds(...)``, or the CLI's ``--thresholds``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

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


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with a question."""

    kind: Literal["answer", "clarify", "unanswered"]
    entry: str | None = None
    suggestions: tuple[str, ...] = ()


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
    suggestions = tuple(
        m.entry
        for m in matches[: thresholds.max_suggestions]
        if m.score >= thresholds.clarify and best.score - m.score <= thresholds.suggestion_gap
    )
    return Decision("clarify", suggestions=suggestions)
