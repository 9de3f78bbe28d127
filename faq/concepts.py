"""Synonym-group concepts (``synonyms.yaml``) found in normalised text, so that "borg",
"Kaution" and "押金" meet as ``~deposit`` in the matcher."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from faq.normalise import has_cjk, normalise


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
        self._phrase_starts = frozenset(self._phrases)
        self._cjk: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for term, concept in cjk.items():
            self._cjk[term[0]].append((term, concept))

    def find(self, normalised: str, words: Iterable[str]) -> set[str]:
        """Concepts named in ``normalised`` (phrases, Chinese terms) or among ``words``."""
        found = {self.words[w] for w in words if w in self.words}
        if not self._phrase_starts.isdisjoint(words):
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
