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

import heapq
import math
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
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


class Concepts:
    """Finds synonym-group concepts in normalised text.

    Phrases are looked up by their first word and Chinese terms by their first character, so
    the cost of a lookup grows with the text, not with the number of synonyms (hundreds,
    met again for every variant of a large FAQ)."""

    def __init__(self, synonyms: dict[str, tuple[str, ...]]) -> None:
        self.words: dict[str, str] = {}
        phrases: dict[str, str] = {}
        cjk: dict[str, str] = {}
        for concept, terms in synonyms.items():
            for term in terms:
                norm = normalise(term)
                if not norm:
                    continue
                if has_cjk(norm):
                    cjk[norm.replace(" ", "")] = concept
                elif " " in norm:
                    phrases[norm] = concept
                else:
                    self.words[norm] = concept
        # Longest phrase first, as a regex alternation of them would try them: at each word,
        # the first phrase that fits is taken and the search goes on after it.
        self._phrases: dict[str, list[tuple[list[str], str]]] = defaultdict(list)
        for phrase, concept in sorted(phrases.items(), key=lambda kv: -len(kv[0])):
            words = phrase.split(" ")
            self._phrases[words[0]].append((words, concept))
        self._cjk: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for term, concept in cjk.items():
            self._cjk[term[0]].append((term, concept))

    def find(self, normalised: str, words: Iterable[str]) -> set[str]:
        """Concepts named in ``normalised`` (phrases, Chinese terms) or among ``words``."""
        found = {self.words[w] for w in words if w in self.words}
        if self._phrases:
            found.update(self._find_phrases(normalised.split(" ")))
        if self._cjk and has_cjk(normalised):
            compact = normalised.replace(" ", "")
            for i, char in enumerate(compact):
                for term, concept in self._cjk.get(char, ()):
                    if compact.startswith(term, i):
                        found.add(concept)
        return {"~" + c for c in found}

    def _find_phrases(self, words: list[str]) -> Iterable[str]:
        i = 0
        while i < len(words):
            for phrase, concept in self._phrases.get(words[i], ()):
                if words[i : i + len(phrase)] == phrase:
                    yield concept
                    i += len(phrase)
                    break
            else:
                i += 1


@dataclass(frozen=True, slots=True)
class _Question:
    """A question ready for scoring: the known terms it holds (in question order), their
    gains (idf × similarity) as integers (see ``_SCALE``), and its mass, the denominator of
    precision."""

    terms: tuple[str, ...]
    gains: tuple[int, ...]
    mass: float


class Matcher:
    """Scores questions against one FAQ tree. Build once per tree; ``match`` is thread-safe.

    The index is kept in flat arrays rather than one object per variant: a 10,000-entry FAQ
    in seven languages has some 700,000 variants, and a Python object with a set of terms
    for each would cost gigabytes.
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
        # per variant (variants of one entry are contiguous): entry, language, text,
        # keyword or question, and its term ids at v_terms[v_start[v]:v_start[v + 1]]
        v_entry, v_lang, v_keyword = array("I"), bytearray(), bytearray()
        v_text: list[str] = []
        v_terms, v_start = array("I"), array("I", [0])
        # per entry: its first variant, and its vocabulary (sorted term ids)
        e_first, e_vocab, e_vocab_start = array("I", [0]), array("I"), array("I", [0])
        for index, entry in enumerate(tree.entries.values()):
            vocabulary: set[int] = set()
            for lang, translation in entry.translations.items():
                if lang not in languages:
                    languages.append(lang)
                words = self.words_by_language[lang]
                for keyword, texts in ((0, translation.questions), (1, translation.keywords)):
                    for text in texts:
                        ids = []
                        # sorted: the same term ids (and float sums) in every run
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
            e_vocab_start.append(len(e_vocab))
            e_first.append(len(v_entry))

        n = max(len(self.entry_ids), 1)
        # a term's weight: rare in the FAQ (idf) and rare in everyday language (commonness)
        idf = [
            math.log(1.0 + n / count) * (1.0 if term.startswith("~") else commonness(term))
            for term, count in zip(terms, df, strict=True)
        ]
        self.idf: dict[str, float] = dict(zip(terms, idf, strict=True))
        self.unknown_idf = math.log(1.0 + n)
        self._term_id = term_id
        self._languages = languages
        self._v_entry, self._v_lang, self._v_text = v_entry, v_lang, v_text
        self._v_terms, self._v_start = v_terms, v_start
        self._e_first, self._e_vocab, self._e_vocab_start = e_first, e_vocab, e_vocab_start

        # A variant's F-measure against a question of mass M, for an overlap o, is
        #     factor·(1+β²)·P·R / (β²·P + R) = o · factor·(1+β²) / (β²·mass + M)
        # (P = o/M, R = o/mass): linear in the overlap. The two per-variant constants are
        # kept; the least mass of a variant holding each term bounds the F-measure any
        # variant can reach through that term (see _top).
        self._v_scale = array("d", (_KEYWORD_SCALE if k else _QUESTION_SCALE for k in v_keyword))
        self._v_weight = array("d", bytes(8 * len(v_entry)))  # β²·mass
        postings = [array("I") for _ in terms]  # variants holding each term, ascending
        least_mass = [math.inf] * len(terms)
        for v in range(len(v_entry)):
            held = v_terms[v_start[v] : v_start[v + 1]]
            mass = sum(idf[tid] for tid in held)
            self._v_weight[v] = _BETA2 * mass
            for tid in held:
                postings[tid].append(v)
                if mass < least_mass[tid]:
                    least_mass[tid] = mass
        self.postings: dict[str, array[int]] = dict(zip(terms, postings, strict=True))
        self._least_mass = least_mass
        # per entry, β²·mass of its lightest question and keyword (for _bound)
        self._e_question_weight = array("d", [math.inf] * len(self.entry_ids))
        self._e_keyword_weight = array("d", [math.inf] * len(self.entry_ids))
        for v, weight in enumerate(self._v_weight):
            if weight > 0:
                lightest = self._e_keyword_weight if v_keyword[v] else self._e_question_weight
                if weight < lightest[v_entry[v]]:
                    lightest[v_entry[v]] = weight
        entry_postings = [array("I") for _ in terms]
        for e in range(len(self.entry_ids)):
            for tid in e_vocab[e_vocab_start[e] : e_vocab_start[e + 1]]:
                entry_postings[tid].append(e)
        self._entry_postings: dict[str, array[int]] = dict(zip(terms, entry_postings, strict=True))

        # fuzzy correction looks among known words of about the same length: one list
        # sorted by length (then alphabetically), sliced per question word
        self.vocabulary = sorted(t for t in self.idf if not t.startswith("~") and not has_cjk(t))
        self._by_length = sorted(self.vocabulary, key=len)
        longest = len(self._by_length[-1]) if self._by_length else 0
        self._length_start = [
            bisect_left(self._by_length, length, key=len) for length in range(longest + 2)
        ]
        self._correct = lru_cache(maxsize=50_000)(self._correct_uncached)

    # ------------------------------------------------------------------ terms
    def _terms(self, normalised: str) -> set[str]:
        words = tokens(normalised)
        return set(words) | self.concepts.find(normalised, words)

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
            tuple(t for t, _ in known), tuple(round(g * _SCALE) for _, g in known), question_mass
        )

    # ------------------------------------------------------------------ scoring
    def match(
        self, text: str, *, limit: int | None = None, exhaustive: bool = False
    ) -> list[Match]:
        """Entries ranked by score (best first), at most one match per entry.

        Every entry that shares a term with the question is ranked, by the score described
        in the module docstring. With ``limit`` only the best ``limit`` are returned, found
        without reading the long posting lists of everyday words when they cannot change
        them (``_top``). ``exhaustive`` scores every variant of the FAQ one by one, without
        the index: the reference the index must agree with (tests, ``bench/matcher.py``).
        All three give the same entries with the same scores in the same order.
        """
        question = self._question(text)
        if question is None or not question.terms:
            return []
        if exhaustive:
            found = self._scan(question)
        elif limit:
            found = self._top(question, limit)
        else:
            found = self._accumulate(question)
        ranked = self._ranked(found, question.mass)
        return ranked[:limit] if limit else ranked

    def _f(self, overlap: int, v: int, question_mass: float) -> float:
        """Variant ``v``'s F-measure for an ``overlap`` (summed integer gains)."""
        return overlap / _SCALE * self._v_scale[v] / (self._v_weight[v] + question_mass)

    def _held(self, v: int, wanted: frozenset[int]) -> frozenset[int]:
        """Which of the ``wanted`` term ids variant ``v`` holds."""
        return wanted.intersection(self._v_terms[self._v_start[v] : self._v_start[v + 1]])

    def _vocabulary_holds(self, e: int, wanted: frozenset[int]) -> frozenset[int]:
        """Which of the ``wanted`` term ids entry ``e``'s variants hold."""
        start, end = self._e_vocab_start[e], self._e_vocab_start[e + 1]
        return wanted.intersection(self._e_vocab[start:end])

    def _scan(self, question: _Question) -> dict[int, _Found]:
        """The naive reference: every variant of the FAQ scored on its own."""
        ids = [self._term_id[t] for t in question.terms]
        gain = dict(zip(ids, question.gains, strict=True))
        wanted = frozenset(ids)
        best: dict[int, tuple[float, int]] = {}
        for v in range(len(self._v_entry)):
            held = self._held(v, wanted)
            if not held:
                continue
            f = self._f(sum(gain[tid] for tid in held), v, question.mass)
            e = self._v_entry[v]
            current = best.get(e)
            if current is None or f > current[0]:  # ascending: the first variant wins ties
                best[e] = (f, v)
        return {
            e: (f, v, sum(gain[tid] for tid in self._vocabulary_holds(e, wanted)))
            for e, (f, v) in best.items()
        }

    def _accumulate(self, question: _Question) -> dict[int, _Found]:
        """Every entry that shares a term, read term at a time from the posting lists."""
        overlap: dict[int, int] = {}
        coverage: dict[int, int] = {}
        for term, gain in zip(question.terms, question.gains, strict=True):
            _add(overlap, self.postings[term], gain)
            _add(coverage, self._entry_postings[term], gain)
        return self._best_of(overlap, coverage, question.mass)

    def _best_of(
        self, overlap: dict[int, int], coverage: dict[int, int], question_mass: float
    ) -> dict[int, _Found]:
        """Each entry's best variant, from complete overlaps and coverages."""
        best: dict[int, tuple[float, int]] = {}
        v_entry, f_of = self._v_entry, self._f
        for v, shared in overlap.items():
            f = f_of(shared, v, question_mass)
            e = v_entry[v]
            current = best.get(e)
            if current is None or f > current[0] or (f == current[0] and v < current[1]):
                best[e] = (f, v)
        return {e: (f, v, coverage[e]) for e, (f, v) in best.items()}

    def _top(self, question: _Question, limit: int) -> dict[int, _Found]:
        """The best ``limit`` entries, the same as ``_accumulate``'s, scoring as few entries
        and reading as few posting lists as the bounds allow.

        An entry's score has an upper bound that needs no look at its variants: no variant
        shares more with the question than the entry's whole vocabulary (its coverage),
        and none is lighter than its lightest variant (``_bound``). So the entries' posting
        lists are read (most gain per posting first) to get coverages, entries are scored
        exactly (``_exact``) best bound first, and the search stops at the first bound
        below the ``limit``-th best exact score. An entry holding none of the terms read so
        far has a bound from the unread terms alone (``_bounds``); once that is below the
        ``limit``-th best score, the long lists of everyday words ("how", "the", "de") are
        left unread: they cannot change the top (the MaxScore idea of search engines).
        """
        terms, gains, mass = question.terms, question.gains, question.mass
        entries = [self._entry_postings[t] for t in terms]
        order = sorted(range(len(terms)), key=lambda i: gains[i] / len(entries[i]), reverse=True)
        # what the terms from order[j] on can still add, and the least mass of a variant
        # holding one of them
        rest_gain = [0] * (len(order) + 1)
        rest_mass = [math.inf] * (len(order) + 1)
        for j in range(len(order) - 1, -1, -1):
            rest_gain[j] = rest_gain[j + 1] + gains[order[j]]
            rest_mass[j] = min(rest_mass[j + 1], self._least_mass[self._term_id[terms[order[j]]]])

        coverage: dict[int, int] = {}  # entry → gain of the terms read so far it holds
        found: dict[int, _Found] = {}  # entries scored exactly
        best: list[float] = []  # the best `limit` exact scores, a min-heap

        def score_best(budget: int | None) -> float:
            """Score the entries found in order of their bound, at most ``budget`` more;
            returns the ``limit``-th best score so far (a lower bound of the final one)."""
            rest = rest_gain[read]
            bounds = [(self._bound(e, c + rest, mass), e) for e, c in coverage.items()]
            kth = best[0] if len(best) == limit else 0.0
            for bound, e in (
                heapq.nlargest(budget, bounds) if budget else sorted(bounds, reverse=True)
            ):
                if bound < kth - _PRUNE_EPS:
                    break
                if e in found:
                    continue
                found[e] = exact = self._exact(e, question)
                score = _entry_score(exact[0], exact[2], mass)
                if len(best) < limit:
                    heapq.heappush(best, score)
                else:
                    heapq.heappushpop(best, score)
                if len(best) == limit:
                    kth = best[0]
            return kth

        kth = 0.0
        read = 0
        while read < len(order):
            _add(coverage, entries[order[read]], gains[order[read]])
            read += 1
            if read == len(order):
                break
            unseen = _bounds(rest_gain[read], rest_mass[read], mass)[1]
            if unseen < kth - _PRUNE_EPS:
                break
            # a better kth may spare the next list; finding it costs a pass over the
            # entries found so far: only worth it before a list at least as long
            if len(entries[order[read]]) >= len(coverage):
                kth = score_best(2 * limit)
                if unseen < kth - _PRUNE_EPS:
                    break
        score_best(None)
        return found

    def _bound(self, e: int, coverage: int, question_mass: float) -> float:
        """An upper bound of entry ``e``'s score when its vocabulary holds at most
        ``coverage`` of the question's gain: its lightest question and keyword variants
        hold all of it."""
        share = coverage / _SCALE
        f = max(
            share * _QUESTION_SCALE / (self._e_question_weight[e] + question_mass),
            share * _KEYWORD_SCALE / (self._e_keyword_weight[e] + question_mass),
        )
        return _entry_score(f, coverage, question_mass)

    def _exact(self, e: int, question: _Question) -> _Found:
        """Entry ``e``'s best variant and its coverage. The entry's variants are
        contiguous, so those holding a term are a slice of the term's posting list."""
        low, high = self._e_first[e], self._e_first[e + 1]
        shared: dict[int, int] = {}
        coverage = 0
        for term, gain in zip(question.terms, question.gains, strict=True):
            posting = self.postings[term]
            start = bisect_left(posting, low)
            end = bisect_left(posting, high, start)
            if start < end:
                coverage += gain
                _add(shared, posting[start:end], gain)
        best: tuple[float, int] | None = None
        for v in sorted(shared):  # ascending: the first variant wins ties
            f = self._f(shared[v], v, question.mass)
            if best is None or f > best[0]:
                best = (f, v)
        assert best is not None, "only entries that hold a question term are scored"
        return best[0], best[1], coverage

    def _ranked(self, found: dict[int, _Found], question_mass: float) -> list[Match]:
        results = [
            Match(
                self.entry_ids[e],
                _entry_score(f, coverage, question_mass),
                self._languages[self._v_lang[v]],
                self._v_text[v],
            )
            for e, (f, v, coverage) in found.items()
        ]
        results.sort(key=lambda m: (-m.score, m.entry))
        return results


#: An entry's best variant found: its F-measure, the variant, and the entry's coverage.
_Found = tuple[float, int, int]

_BETA2 = BETA * BETA
#: Gains are summed as integers (gain × 2⁴⁰, exact to about 10⁻¹² of a point): integer sums
#: do not depend on the order of the terms, so the index, which adds them list by list,
#: and the full scan, which adds them variant by variant, give the very same scores.
_SCALE = float(2**40)
#: ``factor · (1 + β²)`` of questions and keywords (see ``Matcher.__init__``).
_QUESTION_SCALE = 1.0 * (1 + _BETA2)
_KEYWORD_SCALE = KEYWORD_FACTOR * (1 + _BETA2)
_MAX_SCALE = max(_QUESTION_SCALE, _KEYWORD_SCALE)
#: Scores this close to the limit-th best count as ties when pruning.
_PRUNE_EPS = 1e-6


def _add(totals: dict[int, int], keys: Iterable[int], gain: int) -> None:
    get = totals.get
    for key in keys:
        totals[key] = get(key, 0) + gain


def _entry_score(f: float, coverage: int, question_mass: float) -> float:
    """An entry's score from its best variant's F-measure and its (integer) coverage."""
    share = coverage / _SCALE / question_mass
    return 100.0 * (VARIANT_WEIGHT * f + (1 - VARIANT_WEIGHT) * min(share, 1.0))


def _bounds(gain: int, least_mass: float, question_mass: float) -> tuple[float, float]:
    """Upper bounds of a variant's F-measure and of its entry's score, when all the variant
    (and the entry's vocabulary) shares with the question is terms of summed ``gain``,
    held only by variants of at least ``least_mass``: F grows with the overlap and falls
    with the mass (see ``__init__``), and coverage can be no more than that gain."""
    if gain <= 0:
        return 0.0, 0.0
    f = gain / _SCALE * _MAX_SCALE / (_BETA2 * least_mass + question_mass)
    return f, _entry_score(f, gain, question_mass)


def _same_stem(word: str, candidate: str) -> bool:
    """Whether ``candidate`` can be an inflection of ``word``: a long common beginning."""
    return _common_prefix(word, candidate) >= max(4, 0.6 * min(len(word), len(candidate)))
