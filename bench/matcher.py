"""How the FAQ matcher scales: the bundled FAQ and generated FAQs of 1,000 and 10,000 entries.

    python bench/matcher.py [--sizes 1000 10000] [--questions 300] [--baseline-questions 100]

For each FAQ it prints the index build time, the resident memory the index added, the
median and 99th-percentile time per question of the indexed matcher (the best ``--limit``
entries, and the whole ranking as ``Matcher.match`` gives it without a limit), how often
its best entry is the one of the naive full scan (``match(..., exhaustive=True)``, every
variant scored one by one) and, measured in the same run, the naive baseline: rapidfuzz
``process.extractOne`` with ``WRatio`` over every (normalised) variant text.

Questions: the development set for the bundled FAQ; for generated FAQs, perturbed variants
of random entries plus some out-of-scope questions (``bench/generate.py``). The
baseline is slow (seconds per question at 10,000 entries), so it gets fewer questions.
Figures only: nothing here asserts on timings.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from faq.commonness import zipf
from faq.loader import BUNDLED_FAQ_DIR, load_tree
from faq.matcher import Matcher
from faq.models import FaqTree
from faq.normalise import normalise

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generated_tree, perturbed_questions

DEV_QUESTIONS = Path("/work/shared/eval/dev-questions.yaml")


def rss_bytes() -> int:
    """Resident set size of this process, from /proc (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def p99(values: Sequence[float]) -> float:
    """The 99th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(0.99 * len(ordered)) - 1, 0)]


def timed(function: Callable[[str], object], questions: Sequence[str]) -> list[float]:
    """Milliseconds per question."""
    out = []
    for question in questions:
        start = time.perf_counter()
        function(question)
        out.append((time.perf_counter() - start) * 1000)
    return out


@dataclass
class Row:
    name: str
    entries: int
    variants: int
    words: int
    build_s: float
    rss_mb: float
    top: list[float]
    ranking: list[float]
    full_scan: list[float]
    agree_top1: float
    agree_top3: float
    naive: list[float]


def bench(
    name: str, tree: FaqTree, questions: list[str], *, limit: int, baseline: int, checked: int
) -> Row:
    gc.collect()
    before = rss_bytes()
    start = time.perf_counter()
    matcher = Matcher(tree)
    build = time.perf_counter() - start
    gc.collect()
    rss = (rss_bytes() - before) / 2**20

    # each pass starts with a cold typo-correction cache, as a fresh process would
    matcher.clear_caches()
    top = timed(lambda q: matcher.match(q, limit=limit), questions)
    matcher.clear_caches()
    ranking = timed(matcher.match, questions)
    # agreement: the indexed top (with a limit, as the desk needs it) against the full scan
    agree1 = agree3 = 0
    scan_times = []
    for question in questions[:checked]:
        start = time.perf_counter()
        full = matcher.match(question, exhaustive=True)
        scan_times.append((time.perf_counter() - start) * 1000)
        indexed = matcher.match(question, limit=limit)
        agree1 += [m.entry for m in indexed[:1]] == [m.entry for m in full[:1]]
        agree3 += [(m.entry, m.score) for m in indexed[:3]] == [
            (m.entry, m.score) for m in full[:3]
        ]

    texts = [
        normalise(text)
        for entry in tree.entries.values()
        for translation in entry.translations.values()
        for text in (*translation.questions, *translation.keywords)
    ]
    naive = timed(
        lambda q: process.extractOne(normalise(q), texts, scorer=fuzz.WRatio),
        questions[:baseline],
    )
    return Row(
        name,
        len(tree.entries),
        len(texts),
        len(matcher.corrector.vocabulary),
        build,
        rss,
        top,
        ranking,
        scan_times,
        100.0 * agree1 / max(min(checked, len(questions)), 1),
        100.0 * agree3 / max(min(checked, len(questions)), 1),
        naive,
    )


def print_table(rows: list[Row], limit: int) -> None:
    header = (
        f"{'FAQ':<10} {'entries':>7} {'variants':>8} {'words':>7} {'build s':>7} "
        f"{'RSS MB':>6} │ {f'top-{limit} med/p99 ms':>19} {'ranking med/p99':>17} "
        f"{'=scan top1/top3 %':>17} │ {'full scan med':>13} {'naive med/p99 ms':>18} "
        f"{'p99 ×':>6}"
    )
    print(header)
    print("─" * len(header))
    for r in rows:
        speedup = p99(r.naive) / p99(r.top) if r.naive else float("nan")
        print(
            f"{r.name:<10} {r.entries:>7} {r.variants:>8} {r.words:>7} {r.build_s:>7.2f} "
            f"{r.rss_mb:>6.0f} │ {statistics.median(r.top):>9.2f}/{p99(r.top):<9.2f} "
            f"{statistics.median(r.ranking):>8.2f}/{p99(r.ranking):<8.2f} "
            f"{r.agree_top1:>8.1f}/{r.agree_top3:<8.1f} │ "
            f"{statistics.median(r.full_scan):>13.1f} "
            f"{statistics.median(r.naive):>8.1f}/{p99(r.naive):<9.1f} {speedup:>6.0f}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--questions", type=int, default=300, help="per generated FAQ")
    parser.add_argument(
        "--baseline-questions", type=int, default=100, help="for the (slow) naive baseline"
    )
    parser.add_argument(
        "--checked", type=int, default=300, help="questions checked against the full scan"
    )
    parser.add_argument("--limit", type=int, default=5, help="entries the indexed matcher returns")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-bundled", action="store_true")
    args = parser.parse_args(argv)

    zipf("warm")  # the everyday-word table is shared, loaded once per process: not the index's
    rows = []
    if not args.no_bundled:
        tree = load_tree(BUNDLED_FAQ_DIR)
        dev = [item["q"] for item in yaml.safe_load(DEV_QUESTIONS.read_text(encoding="utf-8"))]
        rows.append(
            bench(
                "bundled",
                tree,
                dev,
                limit=args.limit,
                baseline=args.baseline_questions,
                checked=args.checked,
            )
        )
        print_table(rows[-1:], args.limit)
        print(flush=True)
    for size in args.sizes:
        start = time.perf_counter()
        tree = generated_tree(size, seed=args.seed)
        questions = [q.text for q in perturbed_questions(tree, args.questions, seed=args.seed)]
        print(f"(generated {size} entries in {time.perf_counter() - start:.1f} s)", flush=True)
        rows.append(
            bench(
                f"gen-{size}",
                tree,
                questions,
                limit=args.limit,
                baseline=args.baseline_questions,
                checked=args.checked,
            )
        )
        print_table(rows[-1:], args.limit)
        print(flush=True)
        del tree
    print_table(rows, args.limit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
