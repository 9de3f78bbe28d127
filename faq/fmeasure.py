"""The matcher's arithmetic: a variant's F-measure against a question and an entry's score,
shared by the index and the full scan so that both do the same float operations in the same
order (``faq.matcher``)."""

from __future__ import annotations

from typing import Any

import numpy as np

#: Recall of the variant weighs this many times more than precision of the question.
BETA = 1.6
#: Weight of the best single variant against the entry's whole vocabulary.
VARIANT_WEIGHT = 0.65
#: A keyword alone is weaker evidence than a whole question variant.
KEYWORD_FACTOR = 0.8

BETA2 = BETA * BETA
#: ``factor · (1 + β²)`` of questions and keywords (see ``faq.matcher.Matcher.__init__``).
QUESTION_SCALE = 1.0 * (1 + BETA2)
KEYWORD_SCALE = KEYWORD_FACTOR * (1 + BETA2)
#: Gains are summed as integers (gain × 2⁴⁰, exact to about 10⁻¹² of a point): integer sums
#: do not depend on the order of the terms, so the index, which adds them list by list,
#: and the full scan, which adds them variant by variant, give the very same scores.
SCALE = float(2**40)


def f_measure(overlap: Any, scale: Any, weight: Any, question_mass: float) -> Any:
    """Variants' F-measure from their overlap (summed integer gains): see
    ``faq.matcher.Matcher.__init__``. Shared by the index (on arrays) and the full scan (on numbers),
    so that both do the same float operations in the same order."""
    return overlap / SCALE * scale / (weight + question_mass)


def entry_score(f: Any, coverage: Any, question_mass: float) -> Any:
    """Entries' scores (0-100) from their best variant's F-measure and their coverage
    (summed integer gains), on arrays or numbers alike."""
    share = coverage / SCALE / question_mass
    return 100.0 * (VARIANT_WEIGHT * f + (1 - VARIANT_WEIGHT) * np.minimum(share, 1.0))
