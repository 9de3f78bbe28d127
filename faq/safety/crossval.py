"""Cross-validated figures for the safety layer (``bench/safety_cv.py`` prints them).

Stratified k-fold over the training examples (stratified by label and language): in each fold
the model is trained on the other folds, and the whole detector (grammar, trigger phrases and
that fold's model) assesses the held-out messages. Reported per crisis category and language:
"reaches 113" (crisis reply or check-in) and "crisis reply"; and the false-alarm rate (crisis
reply or check-in) on held-out look-alikes by kind and on held-out FAQ variants and smalltalk.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sklearn.model_selection import StratifiedKFold

from faq.models import CRISIS_CATEGORIES, FaqTree
from faq.safety.detector import CrisisDetector, as_model_sees, negatives
from faq.safety.model import NONE, RISK, Example, examples, fit

FAQ = "faq-variant"


@dataclass
class Counts:
    """Outcomes of one group of held-out messages."""

    n: int = 0
    crisis: int = 0
    checkin: int = 0
    misses: list[str] = field(default_factory=list)

    def pct(self, k: int) -> float:
        return round(100.0 * k / self.n, 1) if self.n else 0.0


@dataclass
class CvReport:
    """Counts per (group, language); group is a crisis category, ``risk``, a look-alike kind
    (``lookalike:<kind>``) or ``faq-variant``."""

    groups: dict[tuple[str, str], Counts] = field(default_factory=lambda: defaultdict(Counts))

    def table(self) -> str:
        """Crisis recall per category and language, then false alarms."""
        langs = sorted({lang for _, lang in self.groups})
        lines = ["reaches 113 % / crisis reply % (n) per category and language"]
        lines.append(f"{'category':<20}" + "".join(f"{lang:>16}" for lang in [*langs, "all"]))
        names = sorted({g for g, _ in self.groups})
        for group in names:
            row = f"{group:<20}"
            total = Counts()
            for lang in langs:
                c = self.groups.get((group, lang), Counts())
                total.n += c.n
                total.crisis += c.crisis
                total.checkin += c.checkin
                cell = "-" if not c.n else self._cell(group, c)
                row += f"{cell:>16}"
            row += f"{self._cell(group, total):>16}"
            lines.append(row)
        crisis, look = Counts(), Counts()
        for (group, _), c in self.groups.items():
            target = (
                crisis if group in CRISIS_CATEGORIES else look if group.startswith("look") else None
            )
            if target is not None:
                target.n += c.n
                target.crisis += c.crisis
                target.checkin += c.checkin
        lines.append(
            f"all crisis categories: reaches 113 {crisis.pct(crisis.crisis + crisis.checkin)} %, "
            f"crisis reply {crisis.pct(crisis.crisis)} % (n={crisis.n}); all look-alikes: "
            f"false alarm {look.pct(look.crisis + look.checkin)} % (n={look.n})"
        )
        return "\n".join(lines)

    @staticmethod
    def _cell(group: str, c: Counts) -> str:
        if group.startswith(("lookalike", "faq")):
            return f"FA {c.pct(c.crisis + c.checkin)} ({c.n})"
        return f"{c.pct(c.crisis + c.checkin)}/{c.pct(c.crisis)} ({c.n})"


def _group(example: Example, kinds: dict[str, str]) -> str:
    if example.label == NONE:
        return kinds.get(example.text, FAQ)
    return example.label


def cross_validate(tree: FaqTree, *, folds: int = 5, seed: int = 13) -> CvReport:
    """Stratified ``folds``-fold cross-validation of the detector on ``tree``'s corpus."""
    corpus = list(tree.safety_content.corpus.values())
    data = examples(corpus, negatives(tree))
    kinds = {
        m: f"lookalike:{kind}"
        for part in corpus
        for kind, ms in part.lookalikes.items()
        for m in ms
    }
    # the crisis entry's own variants ("suicide hotline number?"): the crisis reply is right
    crisis_entry = tree.entries.get(tree.safety.entry)
    if crisis_entry is not None:
        for translation in crisis_entry.translations.values():
            kinds.update({q: "faq-crisis-entry" for q in translation.questions})
    strata = [f"{e.label}/{e.language}" for e in data]
    report = CvReport()
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    seen = as_model_sees(tree, data)  # the model trains on what it is shown (innocent blanked)
    for train_idx, test_idx in splitter.split(data, strata):
        model = fit([seen[i] for i in train_idx])
        detector = CrisisDetector(tree, model=model)
        for i in test_idx:
            example = data[i]
            verdict = detector.assess(example.text)
            counts = report.groups[(_group(example, kinds), example.language)]
            counts.n += 1
            counts.crisis += verdict.tier == "crisis"
            counts.checkin += verdict.tier == "checkin"
            alarm = example.label in (NONE,) and verdict.tier != "none"
            missed = example.label not in (NONE, RISK) and verdict.tier == "none"
            if alarm or missed:
                counts.misses.append(
                    f"[{example.language}] {example.text!r} -> {verdict.tier} {verdict.reason}"
                )
    return report
