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
* Scoring is one vectorised pass over the posting lists of the question's terms (an inverted
  index in numpy arrays, ``Matcher._search``): the F-measure is linear in the overlap (see
  ``Matcher.__init__``), so summing each term's gain into the variants and entries that hold
  it scores every variant that shares a word with the question, exactly, in a few
  milliseconds even for a 10,000-entry FAQ in seven languages (``bench/matcher.py``).
  ``match(..., exhaustive=True)`` is the naive reference that scores every variant one by
  one; the index gives the same entries with the same scores.
* Unknown words are corrected by ``faq.typos``; synonym concepts are found by ``faq.concepts``.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from faq.commonness import weight as commonness
from faq.concepts import Concepts
from faq.fmeasure import (
    BETA2,
    KEYWORD_SCALE,
    QUESTION_SCALE,
    SCALE,
    entry_score,
    f_measure,
)
from faq.models import FaqTree
from faq.normalise import has_cjk, normalise, tokens
from faq.postings import csr, owners
from faq.typos import TypoCorrector

#: A question word the FAQ has never seen weighs this much more against precision: a
#: content word no entry knows ("pizzeria") is a sign the question is out of scope.
UNKNOWN_BOOST = 1.3
#: Weight of a word of ``weak-terms.yaml`` (place names...): it may support an entry but
#: never decide one alone ("Den Haag" is not a question about residence permits).
WEAK_FACTOR = 0.15


@dataclass(frozen=True, slots=True)
class Match:
    """One entry's score (0-100) and the variant that matched it best."""

    entry: str
    score: float
    language: str
    variant: str
    #: share (0-1) of the question's weight that the entry's whole vocabulary explains
    coverage: float = 0.0


@dataclass(frozen=True, slots=True)
class _Question:
    """A question ready for scoring: the known terms it holds (in question order), their
    gains (idf × similarity) as integers (see ``SCALE``), and its mass, the denominator of
    precision."""

    terms: tuple[str, ...]
    gains: tuple[int, ...]
    mass: float


class Matcher:
    """Scores questions against one FAQ tree. Build once per tree; ``match`` is thread-safe.

    The index is a few flat numpy arrays, not objects per variant: a 10,000-entry FAQ in
    seven languages has some 700,000 variants; a Python object with a set of terms for each
    would cost gigabytes, and scoring them one at a time a second per question.
    """

    def __init__(self, tree: FaqTree) -> None:
        self.entry_ids: list[str] = list(tree.entries)
        self.concepts = Concepts(tree.synonyms)
        self.words_by_language: dict[str, set[str]] = defaultdict(set)
        term_id: dict[str, int] = {}
        terms: list[str] = []  # by term id
        df: list[int] = []  # entries (not variants) per term id: a word typical of one
        # entry stays distinctive however many of its variants repeat it
        languages: list[str] = []
        # per variant (the variants of an entry are contiguous): entry, language, text,
        # keyword or question, and its term ids at v_terms[v_start[v]:v_start[v + 1]]
        v_entry, v_lang, v_keyword = array("I"), bytearray(), bytearray()
        v_text: list[str] = []
        v_terms, v_start = array("I"), array("I", [0])
        # per entry: its vocabulary (sorted term ids) at e_vocab[e_start[e]:e_start[e + 1]]
        e_vocab, e_start = array("I"), array("I", [0])
        for index, entry in enumerate(tree.entries.values()):
            vocabulary: set[int] = set()
            for lang, translation in entry.translations.items():
                if lang not in languages:
                    languages.append(lang)
                words = self.words_by_language[lang]
                for keyword, texts in ((0, translation.questions), (1, translation.keywords)):
                    for text in texts:
                        ids = []
                        # sorted: the same term ids (and so float sums) in every run
                        for term in sorted(self._terms(normalise(text))):
                            tid = term_id.get(term)
                            if tid is None:
                                tid = term_id[term] = len(terms)
                                terms.append(term)
                                df.append(0)
                            ids.append(tid)
                            if not term.startswith("~"):
                                words.add(term)
                        ids.sort()
                        vocabulary.update(ids)
                        v_terms.extend(ids)
                        v_start.append(len(v_terms))
                        v_entry.append(index)
                        v_lang.append(languages.index(lang))
                        v_keyword.append(keyword)
                        v_text.append(text)
            for tid in vocabulary:
                df[tid] += 1
            e_vocab.extend(sorted(vocabulary))
            e_start.append(len(e_vocab))

        n = max(len(self.entry_ids), 1)
        # a term's weight: rare in the FAQ (idf) and rare in everyday language (commonness)
        # a weak phrase weakens its words and the synonym concepts it names
        weak: set[str] = set()
        for phrase in tree.weak_terms:
            phrase_words = tokens(phrase)
            weak.update(phrase_words)
            weak.update(self.concepts.find(phrase, phrase_words))
        idf = [
            math.log(1.0 + n / count)
            * (1.0 if term.startswith("~") else commonness(term))
            * (WEAK_FACTOR if term in weak else 1.0)
            for term, count in zip(terms, df, strict=True)
        ]
        self.idf: dict[str, float] = dict(zip(terms, idf, strict=True))
        self.unknown_idf = math.log(1.0 + n)
        self._term_id = term_id
        self._languages = languages
        self._v_lang, self._v_text = v_lang, v_text
        self._v_terms, self._v_start = v_terms, v_start  # for the full scan
        self._e_vocab, self._e_start = e_vocab, e_start

        # Posting lists, compressed (CSR): the variants holding term t, ascending, are
        # _postings[_posting_start[t]:_posting_start[t + 1]]; the same for entries.
        term_of = np.frombuffer(v_terms, dtype=np.uint32)
        variant_of = owners(v_start)
        self._postings, self._posting_start = csr(term_of, variant_of, len(terms))
        vocabulary_of = np.frombuffer(e_vocab, dtype=np.uint32)
        entry_of = owners(e_start)
        self._entry_postings, self._entry_posting_start = csr(vocabulary_of, entry_of, len(terms))
        # A variant's F-measure against a question of mass M, for an overlap o, is
        #     factor·(1+β²)·P·R / (β²·P + R) = o · scale / (weight + M)
        # (P = o/M, R = o/mass; scale = factor·(1+β²), weight = β²·mass): linear in the
        # overlap, with two constants per variant.
        mass = np.bincount(
            variant_of, weights=np.asarray(idf)[term_of.astype(np.intp)], minlength=len(v_entry)
        )
        self._v_weight = BETA2 * mass
        self._v_scale: npt.NDArray[np.float64] = np.where(
            np.frombuffer(v_keyword, dtype=np.uint8) != 0, KEYWORD_SCALE, QUESTION_SCALE
        )
        self._v_entry = np.frombuffer(v_entry, dtype=np.uint32).astype(np.intp)
        # each entry's place among the entry ids in sorted order: ties in score go by id
        self._entry_rank = np.empty(len(self.entry_ids), dtype=np.intp)
        self._entry_rank[sorted(range(len(self.entry_ids)), key=self.entry_ids.__getitem__)] = (
            np.arange(len(self.entry_ids))
        )

        # typos are corrected into the words the FAQ knows (not concepts, not Chinese)
        self.corrector = TypoCorrector(
            t for t in self.idf if not t.startswith("~") and not has_cjk(t)
        )

    def clear_caches(self) -> None:
        """Forget the typo corrections made so far (benchmarks time them from cold)."""
        self.corrector.clear()

    # ------------------------------------------------------------------ terms
    def _terms(self, normalised: str) -> set[str]:
        words = tokens(normalised)
        return set(words) | self.concepts.find(normalised, words)

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
            fix = self.corrector.correct(word)
            if fix is None:
                weighted.setdefault(word, 0.0)  # unknown: counts against precision only
                corrected.append(word)
            else:
                known, similarity = fix
                if weighted.get(known, 0.0) < similarity:
                    weighted[known] = similarity
                corrected.append(known)
        concepts = self.concepts.find(" ".join(corrected), corrected)
        for concept in sorted(concepts | self.concepts.find(normalised, words)):
            weighted[concept] = 1.0
        return weighted

    def _question(self, text: str) -> _Question | None:
        terms = self.question_terms(text)
        if not terms:
            return None
        # terms the FAQ does not know gain nothing: they only weigh against precision
        known = [(t, self.idf[t] * s) for t, s in terms.items() if s > 0 and t in self.idf]
        question_mass = sum(
            self.idf.get(t, UNKNOWN_BOOST * self.unknown_idf * commonness(t)) for t in terms
        )
        # unknown words still count against precision, but a long chatty message should
        # not drown a clear question: cap their share
        known_mass = sum(self.idf[t] for t in terms if t in self.idf)
        question_mass = (
            min(question_mass, known_mass * 2.5 + self.unknown_idf) if known_mass else question_mass
        )
        return _Question(
            tuple(t for t, _ in known), tuple(round(g * SCALE) for _, g in known), question_mass
        )

    # ------------------------------------------------------------------ scoring
    def match(
        self,
        text: str,
        *,
        limit: int | None = None,
        exhaustive: bool = False,
        leave_out: tuple[str, str] | None = None,
    ) -> list[Match]:
        """Entries ranked by score (best first), at most one match per entry; with ``limit``
        only the best ``limit``.

        Every entry that shares a term with the question is ranked, by the score described
        in the module docstring, in one vectorised pass over the posting lists of the
        question's terms. ``exhaustive`` scores every variant of the FAQ one by one instead,
        without the index: the naive reference the index must agree with (tests,
        ``bench/matcher.py``). Both give the same entries with the same scores in the same
        order.

        ``leave_out=(entry_id, variant_text)`` scores as if that variant were not in the
        FAQ (its entry's coverage still counts its words): how ``faq check`` finds a
        question variant that belongs to another entry.
        """
        question = self._question(text)
        if question is None or not question.terms:
            return []
        skip = self._variants_of(leave_out) if leave_out else frozenset()
        if exhaustive:
            ranked = self._ranked(self._scan(question, skip), question.mass)
            return ranked[:limit] if limit else ranked
        return self._search(question, limit, skip)

    def _variants_of(self, leave_out: tuple[str, str]) -> frozenset[int]:
        entry_id, text = leave_out
        if entry_id not in self.entry_ids:
            return frozenset()
        entry = self.entry_ids.index(entry_id)
        return frozenset(
            int(v)
            for v in np.flatnonzero(self._v_entry == entry).tolist()
            # the question variant only: a keyword with the same text stays
            if self._v_text[v] == text and self._v_scale[v] == QUESTION_SCALE
        )

    def _search(
        self, question: _Question, limit: int | None, skip: frozenset[int] = frozenset()
    ) -> list[Match]:
        # gains add up as integers in the variants (overlap) and entries (coverage) holding
        # each term: numpy's scatter-add, a few nanoseconds per posting
        overlap = np.zeros(len(self._v_entry), dtype=np.int64)
        coverage = np.zeros(len(self.entry_ids), dtype=np.int64)
        for term, gain in zip(question.terms, question.gains, strict=True):
            tid = self._term_id[term]
            start, end = self._posting_start[tid], self._posting_start[tid + 1]
            overlap[self._postings[start:end]] += gain
            start, end = self._entry_posting_start[tid], self._entry_posting_start[tid + 1]
            coverage[self._entry_postings[start:end]] += gain
        if skip:
            overlap[list(skip)] = 0
        variants = np.flatnonzero(overlap)
        if not len(variants):
            return []
        mass = question.mass
        f = f_measure(overlap[variants], self._v_scale[variants], self._v_weight[variants], mass)
        # variants of one entry are contiguous: each entry's best is a segment maximum,
        # and its variant the first in the segment that reaches it
        owners = self._v_entry[variants]
        starts = np.flatnonzero(np.diff(owners, prepend=-1))
        best = np.maximum.reduceat(f, starts)
        reaches = f == np.repeat(best, np.diff(starts, append=len(f)))
        first = np.minimum.reduceat(np.where(reaches, np.arange(len(f)), len(f)), starts)
        entries = owners[starts]
        scores = entry_score(best, coverage[entries], mass)
        keep = np.arange(len(scores))
        if limit and limit < len(scores):
            cut = np.partition(scores, len(scores) - limit)[len(scores) - limit]
            keep = np.flatnonzero(scores >= cut)  # ties at the cut are ranked by entry id
        # best first, ties by entry id (as _ranked sorts), before any Match is made
        keep = keep[np.lexsort((self._entry_rank[entries[keep]], -scores[keep]))][: limit or None]
        shares = np.minimum(coverage[entries[keep]] / SCALE / mass, 1.0)
        return [
            Match(self.entry_ids[e], score, self._languages[self._v_lang[v]], self._v_text[v], c)
            for e, score, v, c in zip(
                entries[keep].tolist(),
                scores[keep].tolist(),
                variants[first[keep]].tolist(),
                shares.tolist(),
                strict=True,
            )
        ]

    def _scan(
        self, question: _Question, skip: frozenset[int] = frozenset()
    ) -> dict[int, tuple[float, int, int]]:
        """The naive reference: every variant of the FAQ scored on its own, in Python.

        Returns, per entry that shares a term, its best variant's F-measure, that variant
        (the first one on a tie) and the entry's coverage."""
        gain = {self._term_id[t]: g for t, g in zip(question.terms, question.gains, strict=True)}
        wanted = frozenset(gain)
        v_terms, v_start, mass = self._v_terms, self._v_start, question.mass
        v_entry, v_scale, v_weight = (
            self._v_entry.tolist(),
            self._v_scale.tolist(),
            self._v_weight.tolist(),
        )
        best: dict[int, tuple[float, int]] = {}
        for v in range(len(v_entry)):
            held = wanted.intersection(v_terms[v_start[v] : v_start[v + 1]])
            if not held or v in skip:
                continue
            f = float(f_measure(sum(gain[tid] for tid in held), v_scale[v], v_weight[v], mass))
            e = v_entry[v]
            current = best.get(e)
            if current is None or f > current[0]:  # ascending: the first variant wins ties
                best[e] = (f, v)
        found = {}
        for e, (f, v) in best.items():
            vocabulary = self._e_vocab[self._e_start[e] : self._e_start[e + 1]]
            found[e] = (f, v, sum(gain[tid] for tid in wanted.intersection(vocabulary)))
        return found

    def _ranked(
        self, found: dict[int, tuple[float, int, int]], question_mass: float
    ) -> list[Match]:
        results = []
        for e, (f, v, coverage) in found.items():
            score = float(entry_score(f, coverage, question_mass))
            share = min(coverage / SCALE / question_mass, 1.0)
            results.append(
                Match(
                    self.entry_ids[e],
                    score,
                    self._languages[self._v_lang[v]],
                    self._v_text[v],
                    share,
                )
            )
        results.sort(key=lambda m: (-m.score, m.entry))
        return results
