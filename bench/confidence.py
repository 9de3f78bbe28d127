"""The confidence model: training time, reliability, cross-validated figures, and its cost at
answer time, on the bundled FAQ and on generated FAQs.

    python bench/confidence.py [--sizes 10000] [--questions 300] [--baseline-questions 30]

Bundled FAQ: time to train (fresh, no cache), the thresholds chosen, the cross-validated
figures on held-out variants and out-of-scope questions, and the reliability table (per
probability decile: mean predicted probability against the share whose best entry was right).

Generated FAQs (``bench/generate.py``): index build and training time, whether the text
classifier was used, and per question the median time of matching + confidence against a
naive rapidfuzz ``WRatio`` scan over every variant, with the top-1 accuracy of both on
perturbed variants, and what the model decides on them. Figures only; nothing asserts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz, process

from faq.confidence import ConfidenceModel, train
from faq.loader import load_tree
from faq.matcher import Matcher
from faq.models import FaqTree
from faq.normalise import normalise

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generated_tree, perturbed_questions


def describe(model: ConfidenceModel, seconds: float) -> None:
    """Print what training saw and chose."""
    report = model.report
    print(
        f"trained in {seconds:.1f} s on {report.queries} held-out variants and "
        f"{report.negatives} out-of-scope questions; text classifier: "
        f"{'yes' if model.text is not None else 'no (too many variants)'}"
    )
    print(f"held-out top-1: {report.top1} %")
    print(
        f"thresholds: answer p ≥ {model.thresholds.answer}, clarify p ≥ {model.thresholds.clarify}"
    )
    print(
        "cross-validated at those thresholds (%): "
        + ", ".join(f"{k} {v}" for k, v in report.cv.items())
    )
    print("reliability (out-of-fold):\n  p bin       n   mean p   right")
    for (low, high, mean, n), observed in zip(report.reliability, report.observed, strict=True):
        print(f"  {low:.1f}-{high:.1f} {n:>6} {mean:>8.3f} {observed:>7.3f}")


def generated(size: int, base: FaqTree, questions: int, baseline: int) -> None:
    """Build, train and time one generated FAQ."""
    start = time.perf_counter()
    # the generated entries with the bundled out-of-scope groups and weak terms
    tree = replace(
        generated_tree(size, base=base),
        out_of_scope=base.out_of_scope,
        weak_terms=base.weak_terms,
    )
    print(f"\n{size} entries (generated in {time.perf_counter() - start:.0f} s)")
    start = time.perf_counter()
    matcher = Matcher(tree)
    print(f"index built in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    model = train(tree, matcher=matcher)
    seconds = time.perf_counter() - start
    if model is None:
        print("no model (too little to learn from)")
        return
    describe(model, seconds)
    asked = perturbed_questions(tree, questions, seed=1)
    ours, right, answered, wrong = [], 0, 0, 0
    for q in asked:
        start = time.perf_counter()
        matches = matcher.match(q.text, limit=3)
        p = model.assess(q.text, matches, matcher).probability
        ours.append(1000 * (time.perf_counter() - start))
        top = matches[0].entry if matches else None
        right += top == q.entry
        if p >= model.thresholds.answer:
            answered += top == q.entry
            wrong += top != q.entry
    texts, owners = [], []
    for entry in tree.entries.values():
        for translation in entry.translations.values():
            for text in (*translation.questions, *translation.keywords):
                texts.append(normalise(text))
                owners.append(entry.id)
    naive, naive_right = [], 0
    for q in asked[:baseline]:
        start = time.perf_counter()
        best = process.extractOne(normalise(q.text), texts, scorer=fuzz.WRatio)
        naive.append(1000 * (time.perf_counter() - start))
        naive_right += best is not None and owners[best[2]] == q.entry
    n = len(asked)
    ours_ms, naive_ms = statistics.median(ours), statistics.median(naive)
    print(
        f"per question: match + confidence {ours_ms:.2f} ms median, rapidfuzz WRatio scan "
        f"{naive_ms:.0f} ms ({naive_ms / ours_ms:.0f}× slower)"
    )
    print(
        f"top-1 on perturbed variants: ours {100 * right / n:.1f} % ({n} questions), "
        f"WRatio {100 * naive_right / max(len(naive), 1):.1f} % ({len(naive)} questions); "
        f"answered right {100 * answered / n:.1f} %, answered wrong {100 * wrong / n:.1f} %"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[])
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--baseline-questions", type=int, default=30)
    args = parser.parse_args(argv)
    base = load_tree()
    start = time.perf_counter()
    model = train(base)
    seconds = time.perf_counter() - start
    print(f"bundled FAQ: {len(base.entries)} entries")
    if model is not None:
        describe(model, seconds)
    for size in args.sizes:
        generated(size, base, args.questions, args.baseline_questions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
