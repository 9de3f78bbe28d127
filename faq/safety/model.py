"""The learned crisis classifier: TF-IDF character n-grams (char_wb 2-5, robust to typos,
missing accents, compounds and Chinese without spaces) plus word 1-2-grams, into one
multilingual logistic regression over the crisis categories, "risk" and "none".

:func:`train` is a pure function of its inputs (seeded, deterministic) and returns a picklable
:class:`CrisisModel`, so a cache keyed by the content of the YAML files can store it. Trained
models are also memoised in this process by a hash of the training data: a test suite or a
reload that builds the same desk twice trains once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from faq.models import CrisisCorpus
from faq.normalise import normalise
from faq.tfidf import Tfidf

RISK, NONE = "risk", "none"
SEED = 13
#: Look-alikes ("this exam is killing me") are few and close to crisis messages; each
#: counts this many times in training so the model learns the boundary, not just the words.
LOOKALIKE_WEIGHT = 3.0


@dataclass(frozen=True, slots=True)
class Example:
    """One training text and its label (a crisis category, ``risk`` or ``none``)."""

    text: str
    label: str
    language: str
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Prediction:
    """What the model thinks of one message."""

    crisis: float  # probability of any crisis category
    risk: float
    category: str  # the most probable crisis category


class CrisisModel:
    """The trained model as plain arrays; picklable without scikit-learn.

    Training uses scikit-learn (:func:`fit`); what predicting needs is exported from the
    fitted pipeline: each vectoriser as a :class:`faq.tfidf.Tfidf`, the classifier's
    coefficients and intercepts. Applying them by hand gives sklearn's probabilities (see the
    tests) in a fraction of a millisecond, where sklearn's per-call input validation and
    sparse matrices cost ~5 ms for one short message, and a process that only answers never
    imports scikit-learn or scipy (most of a second of start-up).
    """

    __slots__ = (
        "_coef",
        "_crisis_idx",
        "_intercept",
        "_offsets",
        "_risk_idx",
        "_vectorizers",
        "classes",
    )

    def __init__(
        self,
        vectorizers: Sequence[Tfidf],
        coef: npt.NDArray[np.float64],
        intercept: npt.NDArray[np.float64],
        classes: Sequence[str],
    ) -> None:
        self.classes: tuple[str, ...] = tuple(classes)
        self._vectorizers = tuple(vectorizers)
        self._coef = np.ascontiguousarray(coef)  # features x classes
        self._intercept = np.asarray(intercept, dtype=float)
        self._offsets: list[int] = []
        offset = 0
        for vectorizer in self._vectorizers:
            self._offsets.append(offset)
            offset += vectorizer.size
        self._crisis_idx = [i for i, c in enumerate(self.classes) if c not in (RISK, NONE)]
        self._risk_idx = self.classes.index(RISK) if RISK in self.classes else None

    @classmethod
    def of(cls, pipeline: Any) -> CrisisModel:
        """Export a fitted pipeline of :func:`_pipeline`."""
        classifier = pipeline.named_steps["classifier"]
        return cls(
            [Tfidf.of(v) for _, v in pipeline.named_steps["features"].transformer_list],
            classifier.coef_.T,
            classifier.intercept_,
            [str(c) for c in classifier.classes_],
        )

    def __getstate__(self) -> tuple[Any, ...]:
        return (self._vectorizers, self._coef, self._intercept, self.classes)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.__init__(*state)  # type: ignore[misc]

    def _scores(self, text: str) -> npt.NDArray[np.float64]:
        z = self._intercept.copy()
        for vectorizer, offset in zip(self._vectorizers, self._offsets, strict=True):
            columns, weights = vectorizer.transform(text)
            if len(columns):
                z += weights @ self._coef[columns + offset]
        probs = 1.0 / (1.0 + np.exp(-z))  # one-vs-rest logistic, normalised like sklearn
        return np.asarray(probs / probs.sum())

    def predict(self, message: str) -> Prediction:
        """Probabilities for one message."""
        row = self._scores(normalise(message))
        best = max(self._crisis_idx, key=lambda i: row[i])
        return Prediction(
            crisis=float(np.sum(row[self._crisis_idx])),
            risk=float(row[self._risk_idx]) if self._risk_idx is not None else 0.0,
            category=self.classes[best],
        )

    def predict_many(self, messages: Sequence[str]) -> list[Prediction]:
        """Probabilities for several messages."""
        return [self.predict(m) for m in messages]


def examples(corpus: Iterable[CrisisCorpus], negatives: Iterable[tuple[str, str]]) -> list[Example]:
    """Training examples: crisis messages by category, risk messages, look-alikes and the
    given ``(language, text)`` negatives (FAQ question variants, smalltalk)."""
    out: list[Example] = []
    for part in corpus:
        for category, messages in part.crisis.items():
            out.extend(Example(m, category, part.language) for m in messages)
        out.extend(Example(m, RISK, part.language) for m in part.risk)
        for messages in part.lookalikes.values():
            out.extend(Example(m, NONE, part.language, LOOKALIKE_WEIGHT) for m in messages)
    out.extend(Example(text, NONE, lang) for lang, text in negatives)
    return out


def _pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
                ),
            ),
            (
                "words",
                TfidfVectorizer(
                    analyzer="word",
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    token_pattern=r"(?u)\b\w+\b",
                ),
            ),
        ]
    )
    # logistic loss trained by SGD: probabilities like LogisticRegression, but ~15x faster
    # to fit on ~6,000 texts x 50,000 n-grams (training runs whenever the FAQ loads)
    classifier = SGDClassifier(
        loss="log_loss", alpha=1e-5, max_iter=30, tol=None, random_state=SEED
    )
    return Pipeline([("features", features), ("classifier", classifier)])


def fit(data: Sequence[Example]) -> CrisisModel:
    """Train on ``data`` (no memo; cross-validation calls this per fold)."""
    pipeline = _pipeline()
    pipeline.fit(
        [normalise(e.text) for e in data],
        [e.label for e in data],
        classifier__sample_weight=[e.weight for e in data],
    )
    return CrisisModel.of(pipeline)


_MEMO: dict[str, CrisisModel] = {}


def train(data: Sequence[Example]) -> CrisisModel | None:
    """The model for ``data`` (None when there are no crisis examples to learn from)."""
    labels = {e.label for e in data}
    if len(labels - {RISK, NONE}) < 1 or NONE not in labels:
        return None
    key = hashlib.sha256(
        "\x00".join(f"{e.label}\x01{e.language}\x01{e.text}" for e in data).encode()
    ).hexdigest()
    if key not in _MEMO:
        if len(_MEMO) > 8:  # a long-running bot reloading edited files: keep the memo small
            _MEMO.clear()
        _MEMO[key] = fit(data)
    return _MEMO[key]
