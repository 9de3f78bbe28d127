"""Median and 95th-percentile time of one ``Desk.reply`` on the bundled FAQ, safety layer
(grammar, trigger phrases and the crisis model) included, and the time the desk takes to load
(which trains the model).

    python bench/desk_reply.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from bot.core.desk import Desk
from faq.loader import load_tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tree = load_tree()
    started = time.perf_counter()
    desk = Desk(tree)
    print(f"desk load (incl. model training): {time.perf_counter() - started:.2f} s")
    questions = [
        q for e in tree.entries.values() for t in e.translations.values() for q in t.questions
    ]
    desk.reply(questions[0])  # warm up
    times: list[float] = []
    for _ in range(args.repeat):
        for q in questions:
            t0 = time.perf_counter()
            desk.reply(q)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(
        f"{len(questions)} FAQ questions x {args.repeat}: median {statistics.median(times):.2f} ms, "
        f"p95 {times[int(len(times) * 0.95)]:.2f} ms"
    )
    started = time.perf_counter()
    for q in questions:
        desk.safety.assess(q)
    print(
        f"safety alone: {(time.perf_counter() - started) * 1000 / len(questions):.2f} ms per question"
    )


if __name__ == "__main__":
    main()
