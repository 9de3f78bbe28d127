"""Which language a question is written in (DESIGN.md step 6).

Chinese is recognised by its script. For the others, lingua's statistical detector
(restricted to our languages plus a few that newcomers often write, so that a Portuguese
question is not taken for Spanish; its small low-accuracy models decide long, clear messages
and the large ones are loaded only for the rest) is combined with a vote of the words themselves (how common each is in
each language, from wordfreq's word lists: "how do i get a BSN afspraak at the gemeente" has
ten English words and two Dutch ones, while lingua's character statistics see mostly Dutch
letters) and with a hint: the language of the FAQ variant or smalltalk pattern that matched. Too little evidence means the caller's fallback (the
user's chosen or Telegram language, else English).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import cached_property, lru_cache
from typing import Any

from faq.commonness import zipf
from faq.models import LANGUAGES
from faq.normalise import is_cjk, normalise

#: Bonus for the language of the matching variant (lingua confidences are 0-1) ...
HINT_BONUS = 0.25
#: ... and for the language of a smalltalk pattern that covers the whole message.
STRONG_HINT_BONUS = 0.5
#: Bonus for Spanish when the text has ¿ or ¡.
SPANISH_MARKS_BONUS = 0.3
#: The hint only counts for messages of at most this many words.
HINT_MAX_WORDS = 3
#: With ``sticky`` (the fallback is the user's own choice), another language must be this many
#: times as likely as the chosen one: "BSN?" or a Dutch sentence with one English word stays
#: Dutch for a user who chose Dutch ...
SWITCH_RATIO = 2.0
#: ... and a message of this many words (names and jargon aside) never switches.
STICKY_MAX_WORDS = 1
#: Below this combined confidence the fallback language is used.
MIN_CONFIDENCE = 0.2
#: Messages with fewer letters than this carry too little evidence for statistics alone.
MIN_LETTERS = 3

#: FAQ words used in this many languages' variants are jargon ("eduroam", "huurtoeslag",
#: "BSN") when they are not everyday words (below JARGON_ZIPF): they say nothing about the
#: language a question is written in.
JARGON_LANGUAGES = 3
JARGON_ZIPF = 4.5
#: Share of the word vote in the blend with lingua's confidence: an even say, fixed before
#: measuring (not tuned on a question set).
WORD_VOTE_WEIGHT = 0.5
#: Zipf frequency assumed for a word missing from a language's list (the lists stop near 1
#: per million words, Zipf 3), so one unknown word costs a language about two orders of
#: magnitude, not everything.
UNKNOWN_ZIPF = 1.0
#: A language we do not speak must lead ours by this much before we give up on the text.
OTHER_MARGIN = 0.2
#: The quick (low-accuracy) detector decides messages of at least this many words ...
QUICK_MIN_WORDS = 5
#: ... when its best language leads the second by this much (confidences are 0-1).
QUICK_MIN_MARGIN = 0.5
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’][^\W\d_]+)*")

_OURS = {
    "ENGLISH": "en",
    "DUTCH": "nl",
    "GERMAN": "de",
    "SPANISH": "es",
    "FRENCH": "fr",
    "ITALIAN": "it",
    "CHINESE": "zh",
}
_OTHERS = ("PORTUGUESE", "POLISH", "TURKISH", "INDONESIAN", "ROMANIAN")
#: wordfreq's codes for the languages the word vote weighs: ours (Chinese is decided by its
#: script) and Portuguese, the one other language close enough to ours (Spanish) to need it;
#: each list costs some 4 MB of memory, so the distant ones are left to lingua alone
_WORDFREQ = {
    "ENGLISH": "en",
    "DUTCH": "nl",
    "GERMAN": "de",
    "SPANISH": "es",
    "FRENCH": "fr",
    "ITALIAN": "it",
    "PORTUGUESE": "pt",
}


class LanguageDetector:
    """Detects the language of short user messages."""

    def __init__(self, jargon: frozenset[str] = frozenset()) -> None:
        self.jargon = jargon

    def __getstate__(self) -> dict[str, Any]:
        # pickled into the FAQ cache without the lingua detectors (not picklable; each
        # process loads them on first use)
        return {"jargon": self.jargon}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.jargon = state["jargon"]

    @classmethod
    def for_vocabulary(
        cls, words_by_language: dict[str, set[str]], names: Iterable[str] = ()
    ) -> LanguageDetector:
        """A detector that ignores the FAQ's cross-language jargon and ``names`` (normalised
        words of place names: "leiden" is also a German verb)."""
        seen: dict[str, int] = {}
        for words in words_by_language.values():
            for word in words:
                seen[word] = seen.get(word, 0) + 1
        jargon = frozenset(
            w for w, n in seen.items() if n >= JARGON_LANGUAGES and zipf(w) < JARGON_ZIPF
        )
        return cls(jargon | frozenset(names))

    @cached_property
    def _quick(self) -> Any:
        """lingua in low-accuracy mode: trigram models only, about 0.1 s and 30 MB to load."""
        return _builder().with_low_accuracy_mode().build()

    @cached_property
    def _accurate(self) -> Any:
        """lingua in high-accuracy mode: 1- to 5-gram models, some 3 s and 260 MB to load on
        first use, so it is only built when a message needs it."""
        return _builder().build()

    def _confidences(self, text: str) -> list[Any]:
        """lingua's confidence values for ``text``, best first.

        The quick detector decides when it is sure of one of our languages on a message of
        at least ``QUICK_MIN_WORDS`` words; short or unclear messages, where trigrams alone
        are unreliable ("Chi gestisce questo chatbot" reads as English to them), go to the
        accurate one. A one-shot ``welcomebot ask`` on an ordinary question so never loads
        the large models; on the development set the replies' languages are exactly those
        of the accurate detector alone."""
        values = self._quick.compute_language_confidence_values(text)
        if (
            len(text.split()) >= QUICK_MIN_WORDS
            and len(values) > 1
            and values[0].value - values[1].value >= QUICK_MIN_MARGIN
            and values[0].language.name in _OURS
        ):
            return list(values)
        return list(self._accurate.compute_language_confidence_values(text))

    def detect(
        self,
        text: str,
        *,
        hint: str | None,
        fallback: str,
        hint_weight: float = HINT_BONUS,
        sticky: bool = False,
    ) -> str:
        """The language of ``text`` among ours, or ``fallback`` when unsure or unsupported.

        ``sticky``: ``fallback`` is the user's chosen language; switch away from it only on
        clear evidence (see :data:`SWITCH_RATIO`)."""
        letters = [c for c in text if c.isalpha()]
        if not letters:
            return fallback
        cjk = sum(1 for c in letters if is_cjk(c))
        if cjk and cjk >= 0.3 * len(letters):
            return "zh"
        if len(letters) < MIN_LETTERS:
            return hint if hint in LANGUAGES else fallback
        words = _language_words(text, self.jargon)
        if not words:
            # only names and jargon ("eduroam?", "BSN"): they are the same in every language,
            # so the variant that matched says nothing about the user's language
            return fallback
        scores: dict[str, float] = {}
        for value in self._confidences(" ".join(words)):
            name = value.language.name
            scores[_OURS.get(name, name)] = (1 - WORD_VOTE_WEIGHT) * value.value
        for name, share in word_vote(words).items():
            key = _OURS.get(name, name)
            scores[key] = scores.get(key, 0.0) + WORD_VOTE_WEIGHT * share
        if "¿" in text or "¡" in text:  # only Spanish opens questions and exclamations
            scores["es"] = scores.get("es", 0.0) + SPANISH_MARKS_BONUS
        if hint in LANGUAGES and hint != "zh" and len(words) <= HINT_MAX_WORDS:
            # statistics on one or two words are weak ("Hoi!", "Ciao!"); the smalltalk
            # pattern or variant that matched knows better
            scores[hint] = scores.get(hint, 0.0) + hint_weight
        ours = max(
            (lang for lang in scores if lang in LANGUAGES), key=lambda k: scores[k], default=None
        )
        other = max((scores[k] for k in scores if k not in LANGUAGES), default=0.0)
        if ours is None or other - scores[ours] >= OTHER_MARGIN or scores[ours] < MIN_CONFIDENCE:
            return fallback
        if sticky and ours != fallback and fallback != "zh":
            if len(words) <= STICKY_MAX_WORDS:
                return fallback
            if scores[ours] < SWITCH_RATIO * scores.get(fallback, 0.0):
                return fallback
        return ours


def word_vote(words: Iterable[str]) -> dict[str, float]:
    """How likely each language (lingua's names) makes ``words``, from how common each word
    is in it (a unigram model over wordfreq's small lists), normalised to sum to 1."""
    totals = dict.fromkeys(_WORDFREQ, 0.0)
    for word in words:
        for name, value in zip(_WORDFREQ, _zipfs(word.lower()), strict=True):
            totals[name] += value * math.log(10)  # Zipf is log10 of a frequency
    best = max(totals.values())
    weights = {name: math.exp(total - best) for name, total in totals.items()}
    norm = sum(weights.values())
    return {name: w / norm for name, w in weights.items()}


@lru_cache(maxsize=50_000)
def _zipfs(word: str) -> tuple[float, ...]:
    from wordfreq import zipf_frequency  # the small lists load in milliseconds each

    return tuple(
        max(zipf_frequency(word, code, wordlist="small"), UNKNOWN_ZIPF)
        for code in _WORDFREQ.values()
    )


def _builder() -> Any:
    from lingua import Language, LanguageDetectorBuilder  # loaded on first use

    return LanguageDetectorBuilder.from_languages(
        *(getattr(Language, name) for name in (*_OURS, *_OTHERS))
    )


def _language_words(text: str, jargon: frozenset[str]) -> list[str]:
    """The words of ``text`` that tell its language: without names (capitalised words inside
    a sentence: "Leiden International Centre") and jargon shared by all languages."""
    out: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group(0)
        before = text[: match.start()].rstrip()
        sentence_start = not before or before[-1] in ".!?¿¡:;\n"
        if word[:1].isupper() and not sentence_start:
            continue
        if any(part in jargon for part in normalise(word).split()):
            continue
        out.append(word)
    return out
