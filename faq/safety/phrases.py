"""Crisis triggers: a message that names suicide, self-harm or acute danger gets the crisis
entry at once, whatever else it says, and is never left to fuzzy matching.

Trigger phrases come from ``safety.yaml``. They match as whole words anywhere in the
message; longer phrases also match with a typo or two ("i wnat to kill myslef"). Chinese
phrases match as substrings. Everyday idioms listed under ``not_crisis`` ("this deadline is
killing me") are removed from the message first, so they never trigger.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
from rapidfuzz import fuzz, process

from faq.anchored import AnchoredPattern, first_word
from faq.commonness import zipf
from faq.models import SafetyRules
from faq.normalise import has_cjk, normalise

#: Phrases at least this long (normalised, in characters) may match with typos; single
#: words from this length (a typed real word is never taken for a typo, see _same_words).
FUZZY_MIN_LEN = 9
FUZZY_MIN_LEN_WORD = 6
#: One-word triggers at least this long also match as the start of a compound word.
COMPOUND_MIN_LEN = 7
#: Least rapidfuzz ratio for a typo-tolerant match of a phrase ...
FUZZY_CUTOFF = 78.0
#: ... and of each of its words (words of three letters or fewer must be exact).
WORD_CUTOFF = 70.0
#: ... or, when the typed word is itself a real word, this much.
REAL_WORD_CUTOFF = 85.0
#: Zipf frequency from which a word counts as a real word.
REAL_WORD_ZIPF = 3.0


def _same_words(words: list[str], phrase: list[str]) -> bool:
    """Word by word, ``words`` could be ``phrase`` typed with typos. Short words must be
    exact (or swapped): a typo-tolerant "non sono al sicuro" must not match "dati sono al
    sicuro"."""
    for word, expected in zip(words, phrase, strict=True):
        if word == expected or (len(expected) == 3 and sorted(word) == sorted(expected)):
            continue  # exact, or two letters swapped in a short word ("dei" for "die")
        # a word in everyday use is rarely a typo ("verdacht" is not "verkracht" misspelt)
        cutoff = REAL_WORD_CUTOFF if zipf(word) >= REAL_WORD_ZIPF else WORD_CUTOFF
        if len(expected) <= 3 or fuzz.ratio(word, expected) < cutoff:
            return False
    return True


def _word_pattern(phrases: list[str]) -> AnchoredPattern | None:
    """Any of the (normalised) ``phrases`` as whole words, the longest first."""
    if not phrases:
        return None
    ordered = sorted(set(phrases), key=len, reverse=True)
    return AnchoredPattern(
        [(rf"(?<!\S){re.escape(p)}(?!\S)", (first_word(p), "word")) for p in ordered]
    )


class SafetyCheck:
    """Decides whether a message is a crisis message."""

    def __init__(self, rules: SafetyRules) -> None:
        latin: list[str] = []
        self._cjk: list[str] = []
        for phrases in rules.triggers.values():
            for phrase in phrases:
                norm = normalise(phrase)
                if not norm:
                    continue
                if has_cjk(norm):
                    self._cjk.append(norm.replace(" ", ""))
                else:
                    latin.append(norm)
        idioms = [normalise(p) for ps in rules.not_crisis.values() for p in ps]
        self._exact = _word_pattern(latin)
        # one-word triggers also open compounds: "zelfmoordgedachten", "Suizidgedanken"
        stems = sorted(
            {p for p in latin if " " not in p and len(p) >= COMPOUND_MIN_LEN}, key=len, reverse=True
        )
        self._compound = (
            AnchoredPattern([(rf"(?<!\S){re.escape(p)}\S+", (p, "prefix")) for p in stems])
            if stems
            else None
        )
        self._idioms_latin = _word_pattern([p for p in idioms if p and not has_cjk(p)])
        self._idioms_cjk = sorted(
            (p.replace(" ", "") for p in idioms if p and has_cjk(p)), key=len, reverse=True
        )
        # phrases of three words or more also match exactly with one filler word inside:
        # "ik wil *echt* niet meer leven", "ich will *einfach* nicht mehr leben"
        self._long: set[tuple[str, ...]] = {tuple(p.split()) for p in latin if len(p.split()) >= 3}
        self._long_sizes = sorted({len(phrase) for phrase in self._long})
        self._long_firsts = {phrase[0] for phrase in self._long}
        # typo-tolerant phrases grouped by word count, compared with windows of that size
        self._fuzzy: dict[int, list[str]] = defaultdict(list)
        for phrase in set(latin):
            if len(phrase) >= (FUZZY_MIN_LEN if " " in phrase else FUZZY_MIN_LEN_WORD):
                self._fuzzy[len(phrase.split())].append(phrase)

    def _strip_idioms(self, text: str) -> str:
        if self._idioms_latin is not None:
            text = self._idioms_latin.sub(" | ", text)
        for idiom in self._idioms_cjk:
            text = text.replace(idiom, " | ")
        return text

    def trigger(self, message: str) -> str | None:
        """The trigger phrase found in ``message``, or None."""
        text = self._strip_idioms(normalise(message))
        if self._exact is not None:
            found = self._exact.search(text)
            if found:
                return found.group(0)
        if self._compound is not None:
            found = self._compound.search(text)
            if found:
                return found.group(0)
        if self._cjk and has_cjk(text):
            compact = text.replace(" ", "")
            for phrase in self._cjk:
                if phrase in compact:
                    return phrase
        words = text.split()
        for size in self._long_sizes:
            for start in range(0, len(words) - size):
                if words[start] not in self._long_firsts:  # the filler is never the first word
                    continue
                window = words[start : start + size + 1]
                if "|" in window:
                    continue
                for skip in range(1, size):
                    without = (*window[:skip], *window[skip + 1 :])
                    if without in self._long:
                        return " ".join(without)
        for size, phrases in self._fuzzy.items():
            count = len(words) - size + 1
            if count <= 0:
                continue
            windows = [words[start : start + size] for start in range(count)]
            # every window against every phrase in one call (the scores process.extract
            # would compute one window at a time), then per window, in order, the best five
            # above the cutoff, best first and the earlier phrase first on a tie, as
            # process.extract(limit=5) ranks them
            scores = process.cdist(
                [" ".join(w) for w in windows],
                phrases,
                scorer=fuzz.ratio,
                score_cutoff=FUZZY_CUTOFF,
                dtype=np.float64,
            )
            for start in np.flatnonzero(scores.max(axis=1) >= FUZZY_CUTOFF).tolist():
                window = windows[start]
                if "|" in window:
                    continue
                row = scores[start]
                above = np.flatnonzero(row >= FUZZY_CUTOFF).tolist()
                for index in sorted(above, key=lambda i: (-row[i], i))[:5]:
                    if _same_words(window, phrases[index].split()):
                        return phrases[index]
        return None

    def is_crisis(self, message: str) -> bool:
        """True when ``message`` must get the crisis answer."""
        return self.trigger(message) is not None
