"""A fitted TF-IDF vectoriser as plain data, applied to one text with numpy alone.

scikit-learn (with scipy) takes most of a second and some 90 MB just to import, and its
``transform`` re-validates its input on every call. The models are trained with it when the
FAQ cache is (re)built; what they need to read a message afterwards is only the vocabulary,
the idf weights and the analyser's settings. :meth:`Tfidf.of` exports those from a fitted
``TfidfVectorizer`` and :meth:`Tfidf.transform` reproduces its ``transform`` for one text
(same n-grams, same columns, same values: ``tests/faq/test_tfidf.py`` compares them on the
FAQ's own texts), so answering a question never imports scikit-learn.

Supported: the ``char_wb`` and ``word`` analysers (any n-gram range, any token pattern),
lower-casing, sublinear or raw term frequency, idf, l2 norm. Anything else a vectoriser
uses (stop words, accent stripping, a custom analyser, binary counts, l1 norm...) is refused
by :meth:`Tfidf.of` rather than silently reproduced wrongly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

Analyzer = Literal["char_wb", "word"]

#: What sklearn's analysers collapse before making character n-grams.
_WHITE_SPACES = re.compile(r"\s\s+")


@dataclass(frozen=True, slots=True)
class Tfidf:
    """The parts of a fitted ``TfidfVectorizer`` that ``transform`` reads."""

    analyzer: Analyzer
    ngram_range: tuple[int, int]
    lowercase: bool
    token_pattern: str
    sublinear_tf: bool
    vocabulary: dict[str, int]
    idf: npt.NDArray[np.floating[Any]]  # the vectoriser's dtype (float32 or float64)

    @classmethod
    def of(cls, vectorizer: Any) -> Tfidf:
        """Export a fitted ``TfidfVectorizer``; ``ValueError`` for settings not reproduced."""
        unsupported = {
            "input": "content",
            "preprocessor": None,
            "tokenizer": None,
            "stop_words": None,
            "strip_accents": None,
            "binary": False,
            "norm": "l2",
            "use_idf": True,
        }
        for name, expected in unsupported.items():
            if getattr(vectorizer, name) != expected:
                raise ValueError(
                    f"TfidfVectorizer({name}={getattr(vectorizer, name)!r}) unsupported"
                )
        if vectorizer.analyzer not in ("char_wb", "word"):
            raise ValueError(f"TfidfVectorizer(analyzer={vectorizer.analyzer!r}) unsupported")
        low, high = vectorizer.ngram_range
        return cls(
            vectorizer.analyzer,
            (int(low), int(high)),
            bool(vectorizer.lowercase),
            str(vectorizer.token_pattern),
            bool(vectorizer.sublinear_tf),
            {str(gram): int(column) for gram, column in vectorizer.vocabulary_.items()},
            np.asarray(vectorizer.idf_),
        )

    @property
    def size(self) -> int:
        """The number of columns (features)."""
        return len(self.vocabulary)

    def analyze(self, text: str) -> list[str]:
        """The n-grams of ``text``, in sklearn's order (``build_analyzer()(text)``)."""
        if self.lowercase:
            text = text.lower()
        if self.analyzer == "char_wb":
            return _char_wb_ngrams(text, self.ngram_range)
        return _word_ngrams(re.findall(self.token_pattern, text), self.ngram_range)

    def counts(self, text: str) -> dict[int, int]:
        """How often each known n-gram of ``text`` occurs, by column."""
        counts: dict[int, int] = {}
        vocabulary = self.vocabulary
        for gram in self.analyze(text):
            column = vocabulary.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        return counts

    def transform(self, text: str) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        """The non-zero columns of ``text``'s row and their values (tf x idf, l2-normalised);
        both empty when no n-gram of ``text`` is known."""
        counts = self.counts(text)
        columns = np.fromiter(counts, dtype=np.intp, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if not counts:
            return columns, values
        if self.sublinear_tf:
            values = 1.0 + np.log(values)
        values *= self.idf[columns]
        norm = np.sqrt((values * values).sum())
        if norm > 0:
            values /= norm
        return columns, values


def _char_wb_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """sklearn's ``char_wb`` n-grams: within words, each word padded with a space; a word
    shorter than ``n`` counts once, whole."""
    low, high = ngram_range
    grams: list[str] = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            grams.append(padded[:n])
            grams.extend(padded[i : i + n] for i in range(1, length - n + 1))
            if length <= n:
                break
    return grams


def _word_ngrams(words: list[str], ngram_range: tuple[int, int]) -> list[str]:
    """sklearn's word n-grams: unigrams first, then pairs, ... joined by a space."""
    low, high = ngram_range
    grams: list[str] = list(words) if low == 1 else []
    for n in range(max(low, 2), min(high, len(words)) + 1):
        grams.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return grams
