"""Cross-validated recall and false alarms of the safety layer on the bundled corpus.

    python bench/safety_cv.py [--folds 5] [--misses] [--faq-dir DIR]

Also prints how long training the model takes (it happens when the FAQ is loaded).
"""

from __future__ import annotations

import argparse
import time

from faq.loader import load_tree
from faq.safety.crossval import cross_validate
from faq.safety.detector import as_model_sees, negatives
from faq.safety.model import examples, fit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--faq-dir", default=None)
    args = parser.parse_args()
    tree = load_tree(args.faq_dir)
    data = as_model_sees(tree, examples(tree.safety_content.corpus.values(), negatives(tree)))
    started = time.perf_counter()
    fit(data)
    print(f"training on {len(data)} examples: {time.perf_counter() - started:.2f} s")
    report = cross_validate(tree, folds=args.folds)
    print(report.table())
    if args.misses:
        for (group, _lang), counts in sorted(report.groups.items()):
            for miss in counts.misses:
                print(f"{group:<22} {miss}")


if __name__ == "__main__":
    main()
