"""Start-up: how long a new ``welcomebot ask`` process takes, and what the FAQ side costs.

    python bench/startup.py [--runs 3] [--size 10000] [--matcher-questions 100]

Prints, each a median of ``--runs`` new processes with their peak resident memory:

1. ``welcomebot ask "where do I register my address"`` on the bundled FAQ: the first run
   with an empty FAQ cache, then runs that find the cache (what a user sees every time
   after the first);
2. the FAQ side alone, in a new process: import ``faq`` and ``bot.desk``, load the prepared
   FAQ (cache hit), build the desk and answer once; the whole command costs this plus the
   command line's own imports;
3. the same ``ask`` on a generated FAQ of ``--size`` entries written as YAML files
   (``bench/generate.py``): cold (empty cache: validate and index) and warm (cache hit);
4. per question at ``--size`` entries: the indexed matcher beside the naive rapidfuzz scan
   over every variant, and how often both agree with the exhaustive scan on the best
   entry (``bench/matcher.py``'s benchmark, ``--matcher-questions`` questions).

Each run gets its own temporary ``WELCOMEBOT_CACHE_DIR``; the everyday-word table
(``faq/commonness.py``) stays in the user's cache directory, as it would for a user.
Figures only: nothing here asserts on timings.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from faq.loader import BUNDLED_FAQ_DIR  # noqa: E402
from faq.models import FaqTree  # noqa: E402

QUESTION = "where do I register my address"
FAQ_SIDE = """
import sys
from faq.cache import ArtefactCache
from faq.prepared import load_prepared
from bot.core.desk import Desk
faq = load_prepared(sys.argv[1] or None, ArtefactCache.from_setting(sys.argv[2]))
Desk(faq.tree, prepared=faq).reply(sys.argv[3])
"""


def run(argv: Sequence[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall-clock seconds, CPU seconds (user + system) and peak RSS (MB) of one new
    process. On a busy machine the wall clock waits for other processes; CPU time does not."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(argv)} exited with {process.returncode}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def env_with_cache(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FAQ_DIR",)}
    env["WELCOMEBOT_CACHE_DIR"] = str(cache)
    return env


def report(label: str, figures: list[tuple[float, float, float]]) -> None:
    times = [t for t, _, _ in figures]
    cpu = statistics.median(c for _, c, _ in figures)
    rss = max(m for _, _, m in figures)
    spread = f"  (wall: {', '.join(f'{t:.2f}' for t in times)})" if len(times) > 1 else ""
    print(
        f"{label:<42} {statistics.median(times):>6.2f} s {cpu:>6.2f} s CPU {rss:>5.0f} MB{spread}",
        flush=True,
    )


def ask_figures(faq_dir: Path | None, runs: int, label: str) -> None:
    """Cold (empty cache) once, then ``runs`` warm runs of ``welcomebot ask``."""
    argv = [sys.executable, "-m", "bot", "ask", QUESTION]
    if faq_dir is not None:
        argv[4:4] = ["--faq-dir", str(faq_dir)]
    with tempfile.TemporaryDirectory(prefix="welcomebot-cache-") as cache:
        env = env_with_cache(Path(cache))
        report(f"{label}: ask, empty cache", [run(argv, env)])
        report(f"{label}: ask, cache hit", [run(argv, env) for _ in range(runs)])
        side = [sys.executable, "-c", FAQ_SIDE, str(faq_dir or ""), cache, QUESTION]
        report(f"{label}: FAQ side only (Desk + reply)", [run(side, env) for _ in range(runs)])


def write_tree(tree: FaqTree, root: Path) -> None:
    """``tree``'s entries as YAML files under ``root``, added to a copy of the bundled FAQ
    (its entries, safety rules, smalltalk and synonyms), as staff would keep a large FAQ."""
    shutil.copytree(BUNDLED_FAQ_DIR, root, dirs_exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for entry in tree.entries.values():
        data = {
            "id": entry.id,
            "category": entry.category,
            "reviewed": entry.reviewed,
            "translations": {
                lang: {
                    "questions": list(t.questions),
                    "keywords": list(t.keywords),
                    "answer": t.answer,
                }
                for lang, t in entry.translations.items()
            },
        }
        path = root / entry.category / f"{entry.id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.dump(data, Dumper=dumper, allow_unicode=True), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", type=int, default=10_000, help="entries of the large FAQ")
    parser.add_argument("--matcher-questions", type=int, default=100)
    parser.add_argument("--no-matcher", action="store_true", help="skip the per-question part")
    args = parser.parse_args(argv)
    print(f"{'(median of runs; peak RSS the highest)':<42} {'wall':>8} {'CPU':>10} {'RSS':>8}")

    ask_figures(None, args.runs, "bundled")

    from generate import generated_tree, perturbed_questions
    from matcher import bench, print_table

    tree = generated_tree(args.size, seed=1)
    with tempfile.TemporaryDirectory(prefix="welcomebot-faq-") as directory:
        write_tree(tree, Path(directory))
        ask_figures(Path(directory), args.runs, f"gen-{args.size}")
    if not args.no_matcher:
        questions = [q.text for q in perturbed_questions(tree, args.matcher_questions, seed=1)]
        row = bench(
            f"gen-{args.size}",
            tree,
            questions,
            limit=5,
            baseline=args.matcher_questions,
            checked=args.matcher_questions,
        )
        print()
        print_table([row], 5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
