"""Score a question against every FAQ entry, in every language, despite typos.

How it works (and why):

* Each question variant and keyword becomes a set of *terms*: normalised words, character
  bigrams for Chinese, and ``~concept`` terms for the synonym groups of ``synonyms.yaml`` it
  contains, so "borg", "Kaution" and "押金" meet as ``~deposit``.
* Terms are weighted by inverse entry frequency: a word that appears in few entries
  ("huurtoeslag", "eduroam") counts far more than one that appears everywhere ("how", "I").
* A question word the FAQ does not know is mapped to the closest known word with rapidfuzz
  (typos, inflections: "registraton" → "registration"), weighted by how close it is.
* A variant scores by an F-measure of how much of the *variant* the question covers (recall,
  weighted up so that a short question inside a long chatty message still scores) and how much
  of the *question* the variant explains (precision, so that out-of-scope questions that share
  one common word stay low). The entry's score blends its best variant with how much of the
  question the entry's whole vocabulary explains.
* Only variants that share a term with the question are scored (an inverted index), so the
  cost grows with the number of plausible variants, not with the size of the FAQ.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from faq.commonness import weight as commonness
from faq.commonness import zipf
from faq.models import FaqTree
from faq.normalise import has_cjk, normalise, tokens

#: Recall of the variant weighs this many times more than precision of the question.
BETA = 1.6
#: Weight of the best single variant against the entry's whole vocabulary.
VARIANT_WEIGHT = 0.65
#: A keyword alone is weaker evidence than a whole question variant.
KEYWORD_FACTOR = 0.8
#: A question word the FAQ has never seen weighs this much more against precision: a
#: content word no entry knows ("pizzeria") is a sign the question is out of scope.
UNKNOWN_BOOST = 1.3
#: Shortest word that may be corrected by fuzzy matching (shorter words are too ambiguous).
MIN_FUZZY_LEN = 5
#: Least rapidfuzz ratio for a correction, by word length.
FUZZY_CUTOFF_SHORT = 80.0  # 5-6 letters: one edit
FUZZY_CUTOFF_LONG = 78.0
#: Question terms in a posting list longer than this share of all variants do not pull
#: candidates in by themselves (they still count when scoring): "how", "i", "the".
COMMON_TERM_SHARE = 0.2


#: Words at least this common (Zipf) in one of our languages are real words, not typos.
REAL_WORD_ZIPF = 3.0


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@dataclass(frozen=True, slots=True)
class Match:
    """One entry's score (0-100) and the variant that matched it best."""

    entry: str
    score: float
    language: str
    variant: str


@dataclass(frozen=True, slots=True)
class _Variant:
    entry: int
    language: str
    text: str
    terms: frozenset[str]
    mass: float  # sum of the terms' idf
    factor: float = 1.0  # keywords count a little less than whole questions


class Concepts:
    """Finds synonym-group concepts in normalised text."""

    def __init__(self, synonyms: dict[str, tuple[str, ...]]) -> None:
        self.words: dict[str, str] = {}
        phrases: dict[str, str] = {}
        self.cjk: dict[str, str] = {}
        for concept, terms in synonyms.items():
            for term in terms:
                norm = normalise(term)
                if not norm:
                    continue
                if has_cjk(norm):
                    self.cjk[norm.replace(" ", "")] = concept
                elif " " in norm:
                    phrases[norm] = concept
                else:
                    self.words[norm] = concept
        self._phrases = sorted(phrases.items(), key=lambda kv: -len(kv[0]))
        self._phrase_re = (
            re.compile("|".join(rf"(?<!\S){re.escape(p)}(?!\S)" for p, _ in self._phrases))
            if self._phrases
            else None
        )
        self._phrase_concept = dict(self._phrases)

    def find(self, normalised: str, words: Iterable[str]) -> set[str]:
        """Concepts named in ``normalised`` (phrases, Chinese terms) or among ``words``."""
        found = {self.words[w] for w in words if w in self.words}
        if self._phrase_re is not None:
            found.update(
                self._phrase_concept[m.group(0)] for m in self._phrase_re.finditer(normalised)
            )
        if self.cjk and has_cjk(normalised):
            compact = normalised.replace(" ", "")
            found.update(c for term, c in self.cjk.items() if term in compact)
        return {"~" + c for c in found}


class Matcher:
    """Scores questions against one FAQ tree. Build once per tree; ``match`` is thread-safe."""

    def __init__(self, tree: FaqTree) -> None:
        self.entry_ids: list[str] = list(tree.entries)
        self.concepts = Concepts(tree.synonyms)
        variants: list[_Variant] = []
        raw: list[tuple[int, str, str, set[str], float]] = []
        for index, entry in enumerate(tree.entries.values()):
            for lang, translation in entry.translations.items():
                for text in translation.questions:
                    raw.append((index, lang, text, self._terms(normalise(text)), 1.0))
                for text in translation.keywords:
                    raw.append((index, lang, text, self._terms(normalise(text)), KEYWORD_FACTOR))
        # document frequency over entries, not variants: a word typical of one entry stays
        # distinctive however many of its variants repeat it
        entry_terms: dict[int, set[str]] = defaultdict(set)
        for index, _, _, terms, _ in raw:
            entry_terms[index].update(terms)
        df: dict[str, int] = defaultdict(int)
        for terms in entry_terms.values():
            for term in terms:
                df[term] += 1
        n = max(len(self.entry_ids), 1)
        # a term's weight: rare in the FAQ (idf) and rare in everyday language (commonness)
        self.idf: dict[str, float] = {
            t: math.log(1.0 + n / c) * (1.0 if t.startswith("~") else commonness(t))
            for t, c in df.items()
        }
        self.unknown_idf = math.log(1.0 + n)
        self.words_by_language: dict[str, set[str]] = defaultdict(set)
        for index, lang, text, terms, factor in raw:
            self.words_by_language[lang].update(t for t in terms if not t.startswith("~"))
            mass = sum(self.idf[t] for t in terms)
            if mass > 0:
                variants.append(_Variant(index, lang, text, frozenset(terms), mass, factor))
        self.variants = variants
        self.entry_terms = {i: frozenset(t) for i, t in entry_terms.items()}
        postings: dict[str, list[int]] = defaultdict(list)
        for vid, variant in enumerate(variants):
            for term in variant.terms:
                postings[term].append(vid)
        self.postings = dict(postings)
        self.common_limit = max(50, int(len(variants) * COMMON_TERM_SHARE))
        self.vocabulary = sorted(t for t in self.idf if not t.startswith("~") and not has_cjk(t))
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for word in self.vocabulary:
            self._by_length[len(word)].append(word)
        self._correct = lru_cache(maxsize=50_000)(self._correct_uncached)

    # ------------------------------------------------------------------ terms
    def _terms(self, normalised: str) -> set[str]:
        words = tokens(normalised)
        return set(words) | self.concepts.find(normalised, words)

    def _correct_uncached(self, word: str) -> tuple[str, float] | None:
        """The known word closest to an unknown ``word`` and the similarity (0-1)."""
        if len(word) < MIN_FUZZY_LEN or has_cjk(word) or word.isdigit():
            return None
        pool: list[str] = []
        for length in range(len(word) - 2, len(word) + 4):
            pool.extend(self._by_length.get(length, ()))
        cutoff = FUZZY_CUTOFF_SHORT if len(word) <= 6 else FUZZY_CUTOFF_LONG
        real_word = zipf(word) >= REAL_WORD_ZIPF
        for candidate, score, _ in process.extract(
            word, pool, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5
        ):
            # a word in everyday use is no typo ("tasse" is Italian, not "strasse" misspelt):
            # it may only stand for a known word it inflects (same long stem)
            if real_word and _common_prefix(word, candidate) < max(
                4, 0.6 * min(len(word), len(candidate))
            ):
                continue
            return candidate, score / 100.0
        # inflections share a long stem: "registreren" / "registratie", "inschrijven" / "inschrijving"
        if real_word:
            return None
        stem = word[: max(6, math.ceil(len(word) * 0.7))]
        if len(stem) <= len(word) and len(word) >= 7:
            for candidate in pool:
                if candidate.startswith(stem) and len(candidate) >= len(stem) + 1:
                    return candidate, 0.8
        return None

    def question_terms(self, text: str) -> dict[str, float]:
        """The question's terms with their similarity to a known term (1 = exact)."""
        normalised = normalise(text)
        words = tokens(normalised)
        weighted: dict[str, float] = {}
        corrected: list[str] = []
        for word in words:
            if word in self.idf:
                weighted[word] = 1.0
                corrected.append(word)
                continue
            fix = self._correct(word)
            if fix is None:
                weighted.setdefault(word, 0.0)  # unknown: counts against precision only
                corrected.append(word)
            else:
                known, similarity = fix
                if weighted.get(known, 0.0) < similarity:
                    weighted[known] = similarity
                corrected.append(known)
        for concept in self.concepts.find(" ".join(corrected), corrected) | self.concepts.find(
            normalised, words
        ):
            weighted[concept] = 1.0
        return weighted

    # ------------------------------------------------------------------ scoring
    def match(self, text: str, *, limit: int | None = None) -> list[Match]:
        """Entries ranked by score (best first), at most one match per entry."""
        terms = self.question_terms(text)
        if not terms:
            return []
        gains = {t: self.idf.get(t, 0.0) * s for t, s in terms.items() if s > 0}
        question_mass = sum(
            self.idf.get(t, UNKNOWN_BOOST * self.unknown_idf * commonness(t)) for t in terms
        )
        # unknown words still count against precision, but a long chatty message should
        # not drown a clear question: cap their share
        known_mass = sum(self.idf[t] for t in terms if t in self.idf)
        question_mass = (
            min(question_mass, known_mass * 2.5 + self.unknown_idf) if known_mass else question_mass
        )
        candidates: set[int] = set()
        for term in gains:
            posting = self.postings.get(term, ())
            if len(posting) <= self.common_limit:
                candidates.update(posting)
        if not candidates:
            for term in gains:
                candidates.update(self.postings.get(term, ()))
        best: dict[int, tuple[float, _Variant]] = {}
        beta2 = BETA * BETA
        for vid in candidates:
            variant = self.variants[vid]
            overlap = sum(g for t, g in gains.items() if t in variant.terms)
            if overlap <= 0:
                continue
            recall = overlap / variant.mass
            precision = overlap / question_mass
            f = variant.factor * (1 + beta2) * precision * recall / (beta2 * precision + recall)
            current = best.get(variant.entry)
            if current is None or f > current[0]:
                best[variant.entry] = (f, variant)
        results: list[Match] = []
        for entry_index, (f, variant) in best.items():
            vocabulary = self.entry_terms[entry_index]
            coverage = sum(g for t, g in gains.items() if t in vocabulary) / question_mass
            score = 100.0 * (VARIANT_WEIGHT * f + (1 - VARIANT_WEIGHT) * min(coverage, 1.0))
            results.append(
                Match(self.entry_ids[entry_index], score, variant.language, variant.text)
            )
        results.sort(key=lambda m: (-m.score, m.entry))
        return results[:limit] if limit else results
