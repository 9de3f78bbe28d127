"""Naive baselines beside the desk, on one labelled question file and the same FAQ.

    python bench/baselines.py [FILE] [--faq-dir DIR]

FILE defaults to ``/work/shared/eval/dev-questions.yaml``. Each baseline ranks entries by its
best-scoring variant (every question variant and keyword of the FAQ, normalised):

* ``wratio``: rapidfuzz ``WRatio`` over every variant (a naive full scan);
* ``token_set``: rapidfuzz ``token_set_ratio`` over every variant;
* ``bm25``: Okapi BM25 (k1 = 1.5, b = 0.75) over the variants' words.

A baseline answers when its best score reaches a threshold chosen *in hindsight on this very
file*: the one with the most right answers whose wrong answers stay ≤ 1.5 % of the in-scope
questions (flattering the baselines: the desk's thresholds come from the FAQ alone). Only
entry and out-of-scope ("@none") items count; crisis and smalltalk items are left out, as the
baselines have no such layers. Figures only; nothing here asserts.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.core.desk import Desk
from faq.evaluation import NONE, SPECIAL, Item, load_items
from faq.loader import load_tree
from faq.models import FaqTree
from faq.normalise import normalise, tokens

DEV_SET = Path("/work/shared/eval/dev-questions.yaml")
WRONG_LIMIT = 0.015

Ranker = Callable[[str], tuple[str | None, float]]


def _variants(tree: FaqTree) -> tuple[list[str], list[str]]:
    texts, owners = [], []
    for entry in tree.entries.values():
        for translation in entry.translations.values():
            for text in (*translation.questions, *translation.keywords):
                texts.append(normalise(text))
                owners.append(entry.id)
    return texts, owners


def fuzzy(tree: FaqTree, scorer: Callable[..., float]) -> Ranker:
    """Best entry and score by a rapidfuzz scorer over every variant."""
    texts, owners = _variants(tree)

    def rank(question: str) -> tuple[str | None, float]:
        best = process.extractOne(normalise(question), texts, scorer=scorer)
        return (owners[best[2]], float(best[1])) if best else (None, 0.0)

    return rank


def bm25(tree: FaqTree, k1: float = 1.5, b: float = 0.75) -> Ranker:
    """Best entry and score by Okapi BM25 over the variants' words."""
    texts, owners = _variants(tree)
    docs = [Counter(tokens(t)) for t in texts]
    average = sum(sum(d.values()) for d in docs) / max(len(docs), 1)
    postings: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        for word in doc:
            postings[word].append(i)
    n = len(docs)
    idf = {w: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for w, p in postings.items()}

    def rank(question: str) -> tuple[str | None, float]:
        scores: dict[int, float] = defaultdict(float)
        for word in set(tokens(normalise(question))):
            for i in postings.get(word, ()):
                tf = docs[i][word]
                length = sum(docs[i].values())
                scores[i] += idf[word] * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average))
        if not scores:
            return None, 0.0
        best = max(scores, key=scores.__getitem__)
        return owners[best], scores[best]

    return rank


def hindsight(results: Sequence[tuple[Item, str | None, float]]) -> dict[str, float]:
    """Figures at the threshold that is best on these very results (see the module doc)."""
    inside = [r for r in results if r[0].expect != NONE]
    outside = [r for r in results if r[0].expect == NONE]
    best: tuple[int, float] = (-1, math.inf)
    for t in sorted({s for _, _, s in results}):
        right = sum(1 for i, e, s in inside if s >= t and e == i.expect)
        wrong = sum(1 for i, e, s in inside if s >= t and e != i.expect)
        if wrong <= WRONG_LIMIT * len(inside) and right > best[0]:
            best = (right, t)
    t = best[1]
    return _figures(inside, outside, lambda s: s >= t) | {"threshold": round(t, 2)}


def _figures(
    inside: Sequence[tuple[Item, str | None, float]],
    outside: Sequence[tuple[Item, str | None, float]],
    answers: Callable[[float], bool],
) -> dict[str, float]:
    def pct(n: int, d: int) -> float:
        return round(100.0 * n / d, 1) if d else 0.0

    return {
        "answered_correct": pct(
            sum(1 for i, e, s in inside if answers(s) and e == i.expect), len(inside)
        ),
        "wrong": pct(sum(1 for i, e, s in inside if answers(s) and e != i.expect), len(inside)),
        "oos_answered": pct(sum(1 for _, _, s in outside if answers(s)), len(outside)),
        "top1": pct(sum(1 for i, e, _ in inside if e == i.expect), len(inside)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Print the baselines and the desk side by side."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEV_SET)
    parser.add_argument("--faq-dir", type=Path)
    args = parser.parse_args(argv)
    tree = load_tree(args.faq_dir)
    items = [i for i in load_items(args.file) if i.expect not in SPECIAL or i.expect == NONE]
    print(
        f"{args.file}: {len(items)} entry and out-of-scope questions, {len(tree.entries)} entries"
    )
    header = (
        f"{'method':<12}{'ans-ok':>8}{'wrong':>8}{'oos-ans':>9}{'top1':>7}{'ms/q':>8}  threshold"
    )
    print(header + "\n" + "-" * len(header))
    rankers: dict[str, Ranker] = {
        "wratio": fuzzy(tree, fuzz.WRatio),
        "token_set": fuzzy(tree, fuzz.token_set_ratio),
        "bm25": bm25(tree),
    }
    for name, rank in rankers.items():
        results, times = [], []
        for item in items:
            start = time.perf_counter()
            entry, score = rank(item.question)
            times.append(time.perf_counter() - start)
            results.append((item, entry, score))
        f = hindsight(results)
        print(
            f"{name:<12}{f['answered_correct']:>8.1f}{f['wrong']:>8.1f}{f['oos_answered']:>9.1f}"
            f"{f['top1']:>7.1f}{1000 * statistics.median(times):>8.2f}  {f['threshold']} (hindsight)"
        )
    desk = Desk(tree)
    desk.reply("warm up")
    results, times = [], []
    for item in items:
        start = time.perf_counter()
        reply = desk.reply(item.question)
        times.append(time.perf_counter() - start)
        answered = reply.kind in ("answer", "safety")
        top = reply.candidates[0].entry if reply.candidates else None
        # the desk's own decision: "score" 1 when it answered (with its entry), else 0
        results.append((item, reply.entry if answered else top, 1.0 if answered else 0.0))
    inside = [r for r in results if r[0].expect != NONE]
    outside = [r for r in results if r[0].expect == NONE]
    f = _figures(inside, outside, lambda s: s >= 1.0)
    f["top1"] = round(
        100.0
        * sum(1 for i in items if i.expect != NONE and _top(desk, i.question) == i.expect)
        / max(len(inside), 1),
        1,
    )
    print(
        f"{'desk':<12}{f['answered_correct']:>8.1f}{f['wrong']:>8.1f}{f['oos_answered']:>9.1f}"
        f"{f['top1']:>7.1f}{1000 * statistics.median(times):>8.2f}  from the FAQ (cross-validated)"
    )
    return 0


def _top(desk: Desk, question: str) -> str | None:
    matches = desk.matcher.match(question, limit=1)
    return matches[0].entry if matches else None


if __name__ == "__main__":
    sys.exit(main())
