"""What the confidence model sees of one match: cheap numbers from the matcher's ranking and a
learned text classifier (DESIGN.md step 4).

Every feature is computed from things the desk has anyway (the best three matches, the
question's terms) plus one sparse dot product of the text classifier, so a question costs a
fraction of a millisecond more, whatever the size of the FAQ.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from faq.matcher import Match, Matcher
from faq.normalise import normalise, tokens
from faq.tfidf import Tfidf

#: Prefix of the text classifier's classes that are out-of-scope groups, not entries.
OUT_OF_SCOPE_PREFIX = "@oos:"

#: The features, in order (docs/quality.md explains each).
FEATURE_NAMES: tuple[str, ...] = (
    "score",  # best entry's matcher score / 100
    "margin",  # lead over the runner-up / 100
    "second",  # runner-up's score / 100
    "coverage",  # share of the question's weight the best entry's vocabulary explains
    "unknown",  # share of the question's words the FAQ does not know (after typo fixing)
    "length",  # log(1 + words)
    "language",  # share of the words that belong to the matching variant's language
    "text_top",  # text classifier: score of the matcher's best entry
    "text_lead",  # ... that score minus the best other class
    "text_oos",  # ... best out-of-scope group's score minus the best entry's
    "text_agrees",  # ... 1 when its best class is the matcher's best entry
)


@dataclass(frozen=True, slots=True)
class TextModel:
    """TF-IDF character n-grams and a linear SVM over the FAQ's question variants (classes:
    entry ids and ``@oos:<group>``). Plain arrays (:class:`faq.tfidf.Tfidf` for the
    vectoriser): scoring a question needs neither scikit-learn nor scipy, and costs a sparse
    dot product instead of sklearn's per-call input validation."""

    vectorizer: Tfidf
    weights: npt.NDArray[np.float32]  # classes × features
    intercepts: npt.NDArray[np.float64]
    classes: tuple[str, ...]

    def scores(self, text: str) -> dict[str, float]:
        """Decision scores of every class for ``text`` (what sklearn's ``decision_function``
        gives on the vectoriser's ``transform``, see the tests)."""
        columns, values = self.vectorizer.transform(normalise(text))
        if not len(columns):
            row = self.intercepts
        else:
            row = self.weights[:, columns] @ values + self.intercepts
        return dict(zip(self.classes, row.tolist(), strict=True))

    def many_scores(self, matrix: Any) -> list[dict[str, float]]:
        """:meth:`scores` for the rows of ``matrix``, texts already transformed by the
        fitted sklearn vectoriser (training: one sparse product for a whole fold)."""
        rows = np.asarray(matrix @ self.weights.T) + self.intercepts
        return [dict(zip(self.classes, row.tolist(), strict=True)) for row in rows]


def fit_vectorizer(texts: Sequence[str]) -> Any:
    """The TF-IDF character 2-4-gram vectorizer, fitted on ``texts``."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, dtype=np.float32
    )
    return vectorizer.fit([normalise(t) for t in texts])


def fit_text_model(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    seed: int,
    vectorizer: Any = None,
    matrix: Any = None,
) -> TextModel | None:
    """Train the text classifier; None when there are fewer than two classes. A fitted
    ``vectorizer`` and the ``matrix`` of ``texts`` may be given (cross-validation folds
    share them: the vocabulary and idf carry no labels)."""
    if len(set(labels)) < 2:
        return None
    from sklearn.svm import LinearSVC

    vectorizer = vectorizer if vectorizer is not None else fit_vectorizer(texts)
    if matrix is None:
        matrix = vectorizer.transform([normalise(t) for t in texts])
    classifier = LinearSVC(C=0.5, random_state=seed).fit(matrix, list(labels))
    weights, intercepts = classifier.coef_, classifier.intercept_
    classes = tuple(str(c) for c in classifier.classes_)
    if len(classes) == 2:  # a binary SVM has one row, for the second class
        weights = np.vstack([-weights, weights])
        intercepts = np.concatenate([-intercepts, intercepts])
    return TextModel(Tfidf.of(vectorizer), weights.astype(np.float32), intercepts, classes)


def features(
    text: str, matches: Sequence[Match], matcher: Matcher, scores: dict[str, float] | None
) -> npt.NDArray[np.float64]:
    """The feature vector of ``text`` and its ranked ``matches`` (best first, non-empty);
    ``scores`` are the text classifier's (:meth:`TextModel.scores`), None without one."""
    best = matches[0]
    second = matches[1].score if len(matches) > 1 else 0.0
    words = tokens(normalise(text))
    terms = matcher.question_terms(text)
    unknown = sum(1 for w in set(words) if terms.get(w, 1.0) == 0.0) / max(len(set(words)), 1)
    known_words = matcher.words_by_language.get(best.language, set())
    language = sum(1 for w in words if w in known_words) / max(len(words), 1)
    top = lead = oos = agrees = 0.0
    if scores is not None:
        top = scores.get(best.entry, -1.0)
        others = [s for c, s in scores.items() if c != best.entry]
        lead = top - max(others, default=-1.0)
        oos_scores = [s for c, s in scores.items() if c.startswith(OUT_OF_SCOPE_PREFIX)]
        oos = max(oos_scores, default=-1.0) - top
        agrees = float(max(scores, key=scores.__getitem__) == best.entry)
    return np.array(
        [
            best.score / 100.0,
            (best.score - second) / 100.0,
            second / 100.0,
            best.coverage,
            unknown,
            math.log1p(len(words)),
            language,
            top,
            lead,
            oos,
            agrees,
        ],
        dtype=np.float64,
    )


def out_of_scope_group(scores: dict[str, float] | None) -> str | None:
    """The out-of-scope group the text classifier's ``scores`` put first, if one is first."""
    if not scores:
        return None
    best = max(scores, key=scores.__getitem__)
    return best.removeprefix(OUT_OF_SCOPE_PREFIX) if best.startswith(OUT_OF_SCOPE_PREFIX) else None
