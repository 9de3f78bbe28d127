"""Smalltalk: greetings, thanks, goodbyes, "who are you", "are you a bot".

A message is smalltalk when smalltalk patterns cover (nearly) all of it: "hey there!",
"Danke dir, tschüss!". "Hi! How do I find a room?" is not: most of it is a question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from faq.anchored import AnchoredPattern, first_word
from faq.models import SmalltalkKind
from faq.normalise import has_cjk, is_cjk, normalise

#: Share of the message (in characters of words) that patterns must cover.
MIN_COVERAGE = 0.75
#: Longer messages are never smalltalk: they carry a question.
MAX_WORDS = 10
#: When several kinds are present, the reply goes to the one that matters most.
PRIORITY = ("who-are-you", "are-you-bot", "thanks", "how-are-you", "greeting", "bye")


@dataclass(frozen=True, slots=True)
class SmalltalkMatch:
    """Which smalltalk a message is, in which language, and how much of it that explains."""

    kind: SmalltalkKind
    language: str
    coverage: float


class SmalltalkMatcher:
    """Recognises smalltalk messages."""

    def __init__(self, kinds: Sequence[SmalltalkKind]) -> None:
        self._patterns: list[tuple[AnchoredPattern, SmalltalkKind, str, str]] = []
        for kind in kinds:
            for lang, patterns in kind.patterns.items():
                for pattern in patterns:
                    norm = normalise(pattern)
                    if not norm:
                        continue
                    if has_cjk(norm):
                        anchored = AnchoredPattern([(re.escape(norm), (norm, "substring"))])
                    else:
                        regex = rf"(?<!\S){re.escape(norm)}(?!\S)"
                        anchored = AnchoredPattern([(regex, (first_word(norm), "word"))])
                    self._patterns.append((anchored, kind, lang, norm))
        # longest first so "good morning" wins over "good"
        self._patterns.sort(key=lambda p: -len(p[0].source))
        # which patterns a message can contain, by their first word (Chinese: substrings);
        # a message is only tried against those (compiled on first use), in the order above
        self._by_word: dict[str, list[int]] = {}
        self._substrings: list[tuple[str, int]] = []
        for i, (_, _, _, norm) in enumerate(self._patterns):
            if has_cjk(norm):
                self._substrings.append((norm, i))
            else:
                self._by_word.setdefault(first_word(norm), []).append(i)

    def _candidates(self, text: str) -> list[int]:
        found = {i for sub, i in self._substrings if sub in text}
        for word in set(text.split(" ")):
            found.update(self._by_word.get(word, ()))
        return sorted(found)

    def match(self, message: str) -> SmalltalkMatch | None:
        """The smalltalk in ``message``, or None when it is something else."""
        text = normalise(message)
        if not text or len(text.split()) > MAX_WORDS:
            return None
        covered = [False] * len(text)
        weight: dict[tuple[str, str], int] = {}
        kinds: dict[str, SmalltalkKind] = {}
        for index in self._candidates(text):
            anchored, kind, lang, _ = self._patterns[index]
            for found in anchored.pattern.finditer(text):
                span = range(found.start(), found.end())
                if any(covered[i] for i in span):
                    continue
                for i in span:
                    covered[i] = True
                weight[(kind.id, lang)] = weight.get((kind.id, lang), 0) + len(span)
                kinds[kind.id] = kind
        if not weight:
            return None
        letters = [i for i, c in enumerate(text) if c != " "]
        coverage = sum(covered[i] for i in letters) / len(letters)
        if coverage < MIN_COVERAGE:
            return None
        by_kind: dict[str, int] = {}
        by_lang: dict[str, int] = {}
        for (kind_id, lang), w in weight.items():
            by_kind[kind_id] = by_kind.get(kind_id, 0) + w
            by_lang[lang] = by_lang.get(lang, 0) + w
        rank = {k: i for i, k in enumerate(PRIORITY)}
        kind_id = min(by_kind, key=lambda k: (rank.get(k, len(PRIORITY)), -by_kind[k]))
        language = max(by_lang, key=lambda lang: by_lang[lang])
        if any(is_cjk(c) for c in text):
            language = "zh"
        return SmalltalkMatch(kinds[kind_id], language, coverage)
