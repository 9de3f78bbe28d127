"""Typo correction for the matcher: an unknown question word is mapped to the closest word
the FAQ knows ("registraton" → "registration"), with a similarity, or left alone.

Candidates are known words of about the same length (one list sorted by length, sliced per
word); a word in everyday use (wordfreq) is no typo and may only stand for a known word it
inflects (same long stem).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from faq.commonness import zipf
from faq.normalise import has_cjk

#: Shortest word that may be corrected by fuzzy matching (shorter words are too ambiguous).
MIN_FUZZY_LEN = 5
#: Least rapidfuzz ratio for a correction, by word length.
FUZZY_CUTOFF_SHORT = 80.0  # 5-6 letters: one edit
FUZZY_CUTOFF_LONG = 78.0


#: Words at least this common (Zipf) in one of our languages are real words, not typos.
REAL_WORD_ZIPF = 3.0


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _same_stem(word: str, candidate: str) -> bool:
    """Whether ``candidate`` can be an inflection of ``word``: a long common beginning."""
    return _common_prefix(word, candidate) >= max(4, 0.6 * min(len(word), len(candidate)))


class TypoCorrector:
    """Corrects unknown words into ``vocabulary``; ``correct`` is memoised per process."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.vocabulary = sorted(vocabulary)
        self._by_length = sorted(self.vocabulary, key=len)
        longest = len(self._by_length[-1]) if self._by_length else 0
        self._length_start = [
            bisect_left(self._by_length, length, key=len) for length in range(longest + 2)
        ]
        self.correct = lru_cache(maxsize=50_000)(self._correct_uncached)

    def __getstate__(self) -> dict[str, Any]:
        # pickled into the artefact cache (faq/cache.py) without the memo, which is a
        # per-process cache of a bound method and cannot be pickled
        state = self.__dict__.copy()
        del state["correct"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.correct = lru_cache(maxsize=50_000)(self._correct_uncached)

    def clear(self) -> None:
        """Forget the corrections made so far."""
        self.correct.cache_clear()

    def _pool(self, word: str) -> list[str]:
        """Known words 2 shorter to 3 longer than ``word``, by length, then alphabetically."""
        starts = self._length_start
        low = starts[min(max(len(word) - 2, 0), len(starts) - 1)]
        high = starts[min(len(word) + 4, len(starts) - 1)]
        return self._by_length[low:high]

    def _with_prefix(self, prefix: str) -> Iterator[str]:
        """Known words that start with ``prefix``, alphabetically."""
        vocabulary = self.vocabulary
        for i in range(bisect_left(vocabulary, prefix), len(vocabulary)):
            if not vocabulary[i].startswith(prefix):
                return
            yield vocabulary[i]

    def _correct_uncached(self, word: str) -> tuple[str, float] | None:
        """The known word closest to an unknown ``word`` and the similarity (0-1)."""
        if len(word) < MIN_FUZZY_LEN or has_cjk(word) or word.isdigit():
            return None
        cutoff = FUZZY_CUTOFF_SHORT if len(word) <= 6 else FUZZY_CUTOFF_LONG
        real_word = zipf(word) >= REAL_WORD_ZIPF
        if real_word and not any(
            _same_stem(word, candidate)
            and fuzz.ratio(word, candidate, score_cutoff=cutoff)
            and len(word) - 2 <= len(candidate) <= len(word) + 3
            for candidate in self._with_prefix(word[:4])
        ):
            # a shortcut, same result: a real word is only corrected into a word with its
            # stem, and most unknown real words ("pizzeria") have none, so the scan of the
            # whole pool below is not needed for them
            return None
        pool = self._pool(word)
        for candidate, score, _ in process.extract(
            word, pool, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5
        ):
            # a word in everyday use is no typo ("tasse" is Italian, not "strasse" misspelt):
            # it may only stand for a known word it inflects (same long stem)
            if real_word and not _same_stem(word, candidate):
                continue
            return candidate, score / 100.0
        # inflections share a long stem: "registreren" / "registratie", "inschrijven" / "inschrijving"
        if real_word:
            return None
        stem = word[: max(6, math.ceil(len(word) * 0.7))]
        if len(stem) <= len(word) and len(word) >= 7:
            # the first such word of the pool (shortest, then alphabetically first)
            stemmed = [
                candidate
                for candidate in self._with_prefix(stem)
                if len(stem) + 1 <= len(candidate)
                and len(word) - 2 <= len(candidate) <= len(word) + 3
            ]
            if stemmed:
                return min(stemmed, key=lambda c: (len(c), c)), 0.8
        return None
