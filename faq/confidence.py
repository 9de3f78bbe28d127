"""A calibrated probability that the matcher's best entry is the right answer.

:func:`train` learns it from the FAQ itself, deterministically (seeded):

1. Every question variant is held out in turn (k-fold by variant): a matcher and a text
   classifier are built on the tree *without* that fold's variants, the held-out variant is
   asked as a question, and :func:`faq.features.features` describes the match. The label is
   whether the best entry is the variant's own entry.
2. The questions of ``out-of-scope.yaml`` are asked the same way (by fold too, so the text
   classifier has not seen them); their label is always "wrong".
3. A logistic regression on those features, calibrated with ``CalibratedClassifierCV``, turns
   a match into a probability. Out-of-fold probabilities give the reliability table and the
   thresholds (:func:`faq.decision.choose_thresholds`): no labelled question set is used.

The result is one picklable :class:`ConfidenceModel` (a cache may store it, keyed by the
tree's files). A tree too small to learn from gives None: the desk then decides on scores.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from faq.decision import ProbabilityThresholds, choose_thresholds
from faq.features import (
    FEATURE_NAMES,
    OUT_OF_SCOPE_PREFIX,
    TextModel,
    features,
    fit_text_model,
    fit_vectorizer,
    out_of_scope_group,
)
from faq.matcher import Match, Matcher
from faq.models import FaqTree
from faq.normalise import normalise

SEED = 20261205
#: Folds of the held-out training (variants and out-of-scope questions).
FOLDS = 5
#: At most this many variants are asked as held-out questions (a sample on a large FAQ) ...
MAX_QUERIES = 4000
#: ... and this many where the matcher is not rebuilt per fold (each costs a search of the
#: whole large FAQ).
MAX_QUERIES_LARGE = 1500
#: Above this many variants the text classifier is left out (its training would take
#: minutes); its features are then 0 and the model learns from the matcher's alone.
TEXT_MODEL_MAX_VARIANTS = 60_000
#: Above this many variants the matcher is not rebuilt per fold (a 10,000-entry FAQ takes
#: close to a minute to index): the held-out variant is left out of the one matcher with
#: ``Matcher.match(leave_out=...)``, its words still in its entry's vocabulary (a little
#: optimistic; docs/quality.md).
REBUILD_MAX_VARIANTS = 60_000
#: Fewer positives or negatives than this: nothing worth learning, decide on scores.
MIN_EXAMPLES = 30


@dataclass(frozen=True, slots=True)
class Assessment:
    """The model's view of one question."""

    probability: float  # that the best match is the right entry
    out_of_scope: str | None  # the out-of-scope group the text classifier puts it in


@dataclass(frozen=True, slots=True)
class TrainingReport:
    """What the cross-validation saw (docs/quality.md prints it)."""

    queries: int  # held-out variants asked
    negatives: int  # out-of-scope questions asked
    top1: float  # held-out variants whose own entry ranked first (%)
    reliability: tuple[tuple[float, float, float, int], ...]  # bin low, high, mean p, n ... hit
    observed: tuple[float, ...]  # share right per reliability bin
    cv: dict[str, float] = field(default_factory=dict)  # figures at the chosen thresholds


@dataclass(frozen=True, slots=True)
class Calibrated:
    """A fitted ``CalibratedClassifierCV`` (standardised logistic regression + isotonic
    calibration, binary) as plain arrays: sklearn's own ``predict_proba`` costs milliseconds of
    input checking per question, this a few microseconds, with the same result."""

    means: npt.NDArray[np.float64]  # per calibrated classifier: the scaler's means ...
    scales: npt.NDArray[np.float64]  # ... and scales
    coefs: npt.NDArray[np.float64]  # the logistic regression's weights ...
    intercepts: npt.NDArray[np.float64]  # ... and intercept
    knots: tuple[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]], ...]  # isotonic

    @classmethod
    def of(cls, fitted: Any) -> Calibrated:
        """Read the arrays out of a fitted ``CalibratedClassifierCV`` (see :func:`_classifier`)."""
        parts = fitted.calibrated_classifiers_
        scalers = [c.estimator.steps[0][1] for c in parts]
        models = [c.estimator.steps[1][1] for c in parts]
        return cls(
            np.array([s.mean_ for s in scalers]),
            np.array([s.scale_ for s in scalers]),
            np.array([m.coef_[0] for m in models]),
            np.array([m.intercept_[0] for m in models]),
            tuple((c.calibrators[0].X_thresholds_, c.calibrators[0].y_thresholds_) for c in parts),
        )

    def probability(self, row: npt.NDArray[np.float64]) -> float:
        """The calibrated probability of the positive class for one feature row."""
        decisions = (((row - self.means) / self.scales) * self.coefs).sum(axis=1) + self.intercepts
        values = [np.interp(d, x, y) for d, (x, y) in zip(decisions, self.knots, strict=True)]
        return float(np.clip(np.mean(values), 0.0, 1.0))


@dataclass(frozen=True, slots=True)
class ConfidenceModel:
    """Text classifier + calibrated match classifier + the thresholds chosen for them."""

    text: TextModel | None
    calibrated: Calibrated  # over FEATURE_NAMES
    thresholds: ProbabilityThresholds
    report: TrainingReport
    fingerprint: str

    def assess(self, text: str, matches: Sequence[Match], matcher: Matcher) -> Assessment:
        """Probability that ``matches[0]`` answers ``text``, and any out-of-scope group."""
        scores = self.text.scores(text) if self.text is not None else None
        group = out_of_scope_group(scores)
        if not matches:
            return Assessment(0.0, group)
        row = features(text, matches, matcher, scores)
        return Assessment(self.calibrated.probability(row), group)


def fingerprint(tree: FaqTree) -> str:
    """A hash of everything :func:`train` reads from ``tree`` (an in-memory cache key)."""
    digest = hashlib.sha256()
    for entry in tree.entries.values():
        digest.update(entry.id.encode())
        for lang, translation in sorted(entry.translations.items()):
            digest.update(repr((lang, translation.questions, translation.keywords)).encode())
    for group in tree.out_of_scope:
        digest.update(repr((group.id, sorted(group.questions.items()))).encode())
    digest.update(repr((sorted(tree.synonyms.items()), sorted(tree.weak_terms))).encode())
    return digest.hexdigest()


def _variants(tree: FaqTree) -> list[tuple[str, str, str]]:
    return [
        (entry.id, lang, q)
        for entry in tree.entries.values()
        for lang, translation in entry.translations.items()
        for q in translation.questions
    ]


def _negatives(tree: FaqTree) -> list[tuple[str, str]]:
    return [
        (group.id, q)
        for group in tree.out_of_scope
        for questions in group.questions.values()
        for q in questions
    ]


def _without(tree: FaqTree, held: set[tuple[str, str, str]]) -> FaqTree:
    """``tree`` without the held-out question variants (keywords stay)."""
    entries = {}
    for entry in tree.entries.values():
        translations = {
            lang: replace(
                tr, questions=tuple(q for q in tr.questions if (entry.id, lang, q) not in held)
            )
            for lang, tr in entry.translations.items()
        }
        entries[entry.id] = replace(entry, translations=translations)
    return replace(tree, entries=entries)


def _examples(
    tree: FaqTree, rng: np.random.Generator, matcher: Matcher | None = None
) -> tuple[
    npt.NDArray[np.float64], list[tuple[str | None, Match | None, tuple[str, ...], bool]], int
]:
    """Out-of-fold feature rows, per row (true entry or None, best match, top-3 entries),
    and the number of variants asked."""
    variants = _variants(tree)
    negatives = _negatives(tree)
    use_text = len(variants) <= TEXT_MODEL_MAX_VARIANTS
    order = rng.permutation(len(variants))
    rebuild = len(variants) <= REBUILD_MAX_VARIANTS
    asked = order[: MAX_QUERIES if rebuild else MAX_QUERIES_LARGE]
    fold_of = {int(v): i % FOLDS for i, v in enumerate(asked)}
    neg_fold = [i % FOLDS for i in rng.permutation(len(negatives))] if negatives else []
    rows: list[npt.NDArray[np.float64]] = []
    meta: list[tuple[str | None, Match | None, tuple[str, ...], bool]] = []
    full = matcher if matcher is not None and not rebuild else None
    texts = [q for _, _, q in variants] + [q for _, q in negatives]
    labels = [e for e, _, _ in variants] + [OUT_OF_SCOPE_PREFIX + g for g, _ in negatives]
    # one vectorizer and matrix for every fold (vocabulary and idf carry no labels)
    vectorizer: Any = fit_vectorizer(texts) if use_text else None
    matrix: Any = vectorizer.transform([normalise(t) for t in texts]) if use_text else None
    # the fold of each text: variants by fold_of (-1: never held out), negatives by neg_fold
    text_fold = np.array(
        [fold_of.get(v, -1) for v in range(len(variants))] + list(neg_fold), dtype=np.int64
    )
    for fold in range(FOLDS):
        held_ids = [v for v, f in fold_of.items() if f == fold]
        held = {variants[v] for v in held_ids}
        if rebuild:
            fold_matcher = Matcher(_without(tree, held))
        else:
            full = fold_matcher = full or Matcher(tree)
        text_model = None
        if use_text:
            keep = np.flatnonzero(text_fold != fold)
            text_model = fit_text_model(
                [texts[i] for i in keep],
                [labels[i] for i in keep],
                seed=SEED,
                vectorizer=vectorizer,
                matrix=matrix[keep],
            )
        queries: list[tuple[str | None, str]] = [(variants[v][0], variants[v][2]) for v in held_ids]
        rows_asked = list(held_ids)
        for j, ((_, q), f) in enumerate(zip(negatives, neg_fold, strict=True)):
            if f == fold:
                queries.append((None, q))
                rows_asked.append(len(variants) + j)
        # the questions' rows of the shared matrix: each is transform(normalise(question))
        all_scores: list[dict[str, float] | None] = (
            list(text_model.many_scores(matrix[rows_asked]))
            if text_model is not None and queries
            else [None] * len(queries)
        )
        for (truth, query), scores in zip(queries, all_scores, strict=True):
            leave_out = None if rebuild or truth is None else (truth, query)
            matches = fold_matcher.match(query, limit=3, leave_out=leave_out)
            oos = out_of_scope_group(scores) is not None
            if not matches:
                meta.append((truth, None, (), oos))
                continue
            rows.append(features(query, matches, fold_matcher, scores))
            meta.append((truth, matches[0], tuple(m.entry for m in matches), oos))
    matrix = np.vstack(rows) if rows else np.zeros((0, len(FEATURE_NAMES)))
    return matrix, meta, len(asked)


def _classifier() -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    base = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, solver="liblinear"))
    return CalibratedClassifierCV(base, method="isotonic", cv=5)


def train(
    tree: FaqTree, *, seed: int = SEED, matcher: Matcher | None = None
) -> ConfidenceModel | None:
    """Learn the confidence model from ``tree`` (deterministic for a given ``seed``);
    None when the tree has too few variants or out-of-scope questions to learn from.
    ``matcher`` (on ``tree``) saves building one on a FAQ too large to rebuild per fold."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    rng = np.random.default_rng(seed)
    matrix, meta, asked = _examples(tree, rng, matcher)
    matched = [m for m in meta if m[1] is not None]
    labels = np.array([best is not None and best.entry == truth for truth, best, _, _ in matched])
    positives = int(labels.sum())
    if positives < MIN_EXAMPLES or len(labels) - positives < MIN_EXAMPLES:
        return None
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed % 2**32)
    oof = cross_val_predict(_classifier(), matrix, labels, cv=folds, method="predict_proba")[:, 1]
    # every asked question, matched or not, for the thresholds' figures
    probability = iter(oof.tolist())
    outcomes = [
        (truth, best.entry if best else None, top3, next(probability) if best else 0.0, oos)
        for truth, best, top3, oos in meta
    ]
    thresholds, cv = choose_thresholds(outcomes)
    calibrated = Calibrated.of(_classifier().fit(matrix, labels))
    text_model = None
    if len(_variants(tree)) <= TEXT_MODEL_MAX_VARIANTS:
        texts = [q for _, _, q in _variants(tree)]
        classes = [e for e, _, _ in _variants(tree)]
        texts += [q for _, q in _negatives(tree)]
        classes += [OUT_OF_SCOPE_PREFIX + g for g, _ in _negatives(tree)]
        text_model = fit_text_model(texts, classes, seed=seed)
    in_scope = [m for m in meta if m[0] is not None]
    top1 = 100.0 * sum(1 for t, b, _, _ in in_scope if b and b.entry == t) / max(len(in_scope), 1)
    edges, means, observed = _reliability(oof, labels)
    report = TrainingReport(
        queries=asked,
        negatives=len(meta) - asked,
        top1=round(top1, 1),
        reliability=tuple(
            (lo, hi, mean, n) for (lo, hi, n), mean in zip(edges, means, strict=True)
        ),
        observed=tuple(observed),
        cv=cv,
    )
    return ConfidenceModel(text_model, calibrated, thresholds, report, fingerprint(tree))


def _reliability(
    probability: npt.NDArray[np.float64], labels: npt.NDArray[np.bool_], bins: int = 10
) -> tuple[list[tuple[float, float, int]], list[float], list[float]]:
    """Per probability decile: its bounds and size, the mean predicted and observed share."""
    edges, means, observed = [], [], []
    for i in range(bins):
        lo, hi = i / bins, (i + 1) / bins
        inside = (probability >= lo) & ((probability < hi) | (i == bins - 1))
        n = int(inside.sum())
        edges.append((lo, hi, n))
        means.append(round(float(probability[inside].mean()), 3) if n else 0.0)
        observed.append(round(float(labels[inside].mean()), 3) if n else 0.0)
    return edges, means, observed


_CACHE: dict[str, ConfidenceModel | None] = {}


def train_cached(tree: FaqTree, matcher: Matcher | None = None) -> ConfidenceModel | None:
    """:func:`train`, remembered in this process by :func:`fingerprint` (reloads and tests
    build many desks on the same tree)."""
    key = fingerprint(tree)
    if key not in _CACHE:
        if len(_CACHE) >= 4:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = train(tree, matcher=matcher)
    return _CACHE[key]
