"""Which language a question is written in (DESIGN.md step 6).

Chinese is recognised by its script. For the others, lingua's statistical detector
(restricted to our languages plus a few that newcomers often write, so that a Portuguese
question is not taken for Spanish) is combined with a hint: the language of the FAQ variant
or smalltalk pattern that matched. Too little evidence means the caller's fallback (the
user's chosen or Telegram language, else English).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from faq.models import LANGUAGES
from faq.normalise import is_cjk

#: Bonus for the language of the matching variant (lingua confidences are 0-1).
HINT_BONUS = 0.3
#: Below this combined confidence the fallback language is used.
MIN_CONFIDENCE = 0.45
#: Messages with fewer letters than this carry too little evidence for statistics alone.
MIN_LETTERS = 3

_OURS = {"ENGLISH": "en", "DUTCH": "nl", "GERMAN": "de", "SPANISH": "es", "FRENCH": "fr",
         "ITALIAN": "it", "CHINESE": "zh"}
_OTHERS = ("PORTUGUESE", "POLISH", "TURKISH", "INDONESIAN", "ROMANIAN")


class LanguageDetector:
    """Detects the language of short user messages."""

    @cached_property
    def _detector(self) -> Any:
        from lingua import Language, LanguageDetectorBuilder  # loaded on first use: start-up stays fast

        languages = [getattr(Language, name) for name in (*_OURS, *_OTHERS)]
        return LanguageDetectorBuilder.from_languages(*languages).build()

    def detect(self, text: str, *, hint: str | None, fallback: str) -> str:
        """The language of ``text`` among ours, or ``fallback`` when unsure or unsupported."""
        letters = [c for c in text if c.isalpha()]
        if not letters:
            return fallback
        cjk = sum(1 for c in letters if is_cjk(c))
        if cjk and cjk >= 0.3 * len(letters):
            return "zh"
        if len(letters) < MIN_LETTERS:
            return hint if hint in LANGUAGES else fallback
        scores: dict[str, float] = {}
        for value in self._detector.compute_language_confidence_values(text):
            name = value.language.name
            scores[_OURS.get(name, name)] = value.value
        if hint in LANGUAGES and hint != "zh":
            scores[hint] = scores.get(hint, 0.0) + HINT_BONUS
        best = max(scores, key=lambda k: scores[k])
        if best not in LANGUAGES or scores[best] < MIN_CONFIDENCE:
            return fallback
        return best
