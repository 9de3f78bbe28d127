"""Immutable data types for the FAQ tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

#: Languages the bot speaks, in display order. English is the fallback.
LANGUAGES: tuple[str, ...] = ("en", "nl", "de", "es", "fr", "it", "zh")
FALLBACK_LANGUAGE = "en"

CATEGORIES: tuple[str, ...] = ("housing", "international-centre", "eduroam", "welfare", "general")


@dataclass(frozen=True, slots=True)
class Translation:
    """One language of an entry: how people ask it and what the bot answers."""

    questions: tuple[str, ...]
    answer: str
    keywords: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """The first question variant doubles as the entry's title in menus."""
        return self.questions[0]


@dataclass(frozen=True, slots=True)
class Entry:
    """One FAQ entry (one YAML file)."""

    id: str
    category: str
    reviewed: date
    sources: tuple[str, ...]
    related: tuple[str, ...]
    translations: dict[str, Translation]
    path: Path | None = None
    #: the day content with a date in it (a year's amounts, a deadline) must be checked again,
    #: whatever ``reviewed`` says; optional
    review_by: date | None = None

    def translation(self, language: str) -> tuple[Translation, str]:
        """The translation for ``language``, else English, else the first one there is.

        Returns the translation and the language it is actually in, so callers can say when
        they fell back.
        """
        for lang in (language, FALLBACK_LANGUAGE, *self.translations):
            if lang in self.translations:
                return self.translations[lang], lang
        raise LookupError(f"entry {self.id} has no translations")  # loader forbids this

    def title(self, language: str) -> str:
        """The menu title in ``language`` (with fallback)."""
        return self.translation(language)[0].title


@dataclass(frozen=True, slots=True)
class SafetyRules:
    """Crisis trigger phrases and the idioms that only look alarming, per language."""

    entry: str
    triggers: dict[str, tuple[str, ...]]
    not_crisis: dict[str, tuple[str, ...]] = field(default_factory=dict)


#: Crisis categories (faq/content/safety/): what a crisis message is about decides what the
#: reply leads with (sexual violence: Centrum Seksueel Geweld; danger, overdose, medical: 112).
CRISIS_CATEGORIES: tuple[str, ...] = (
    "direct-ideation",
    "passive-ideation",
    "plan-farewell",
    "self-harm",
    "overdose",
    "sexual-violence",
    "violence-danger",
    "third-person",
    "medical-emergency",
)


@dataclass(frozen=True, slots=True)
class SafetyGrammar:
    """One language's crisis grammar (``safety/grammar/<lang>.yaml``): named word classes
    (``parts``), rules by category composed of them, risk rules (a check-in, not certainty),
    idioms that only look alarming (``not_crisis`` phrases, and ``innocent`` rules composed of
    parts like the crisis rules), and words that mark talk *about* a topic (a thesis, a film)."""

    language: str
    parts: dict[str, tuple[str, ...]]
    rules: dict[str, tuple[str, ...]]
    risk: tuple[str, ...] = ()
    not_crisis: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    #: rules by kind (idiom, accident, departure ...) whose matches only look alarming
    innocent: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CrisisCorpus:
    """Labelled example messages of one language (``safety/corpus/<lang>.yaml``)."""

    language: str
    crisis: dict[str, tuple[str, ...]]
    risk: tuple[str, ...] = ()
    lookalikes: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SafetyTexts:
    """What the safety layer says besides the crisis entry (``safety/replies.yaml``): the
    check-in and its two buttons, and a first paragraph per category, per language."""

    checkin: dict[str, str] = field(default_factory=dict)
    unsafe_button: dict[str, str] = field(default_factory=dict)
    ok_button: dict[str, str] = field(default_factory=dict)
    leads: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SafetyContent:
    """Everything under ``safety/``; empty for a tree without that folder."""

    grammars: dict[str, SafetyGrammar] = field(default_factory=dict)
    corpus: dict[str, CrisisCorpus] = field(default_factory=dict)
    texts: SafetyTexts = field(default_factory=SafetyTexts)


@dataclass(frozen=True, slots=True)
class SmalltalkKind:
    """One kind of smalltalk (greeting, thanks, ...): patterns and a reply per language."""

    id: str
    patterns: dict[str, tuple[str, ...]]
    replies: dict[str, str]

    def reply(self, language: str) -> tuple[str, str]:
        """The reply in ``language`` or English, with the language it is in."""
        for lang in (language, FALLBACK_LANGUAGE, *self.replies):
            if lang in self.replies:
                return self.replies[lang], lang
        raise LookupError(f"smalltalk {self.id} has no replies")


@dataclass(frozen=True, slots=True)
class OutOfScopeGroup:
    """Near-domain questions the bot must not answer (tuition, transport ...), with a
    one-line pointer per language to where to go instead (``out-of-scope.yaml``)."""

    id: str
    pointers: dict[str, str]
    questions: dict[str, tuple[str, ...]]

    def pointer(self, language: str) -> tuple[str, str]:
        """The pointer in ``language`` or English, with the language it is in."""
        for lang in (language, FALLBACK_LANGUAGE, *self.pointers):
            if lang in self.pointers:
                return self.pointers[lang], lang
        raise LookupError(f"out-of-scope group {self.id} has no pointer")


@dataclass(frozen=True, slots=True)
class FaqTree:
    """Everything loaded from one FAQ directory."""

    root: Path
    entries: dict[str, Entry]
    safety: SafetyRules
    smalltalk: tuple[SmalltalkKind, ...] = ()
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: near-domain questions to refuse, with pointers (``out-of-scope.yaml``)
    out_of_scope: tuple[OutOfScopeGroup, ...] = ()
    #: normalised phrases that must not decide an entry alone (``weak-terms.yaml``)
    weak_terms: frozenset[str] = frozenset()
    safety_content: SafetyContent = field(default_factory=SafetyContent)

    def categories(self) -> list[str]:
        """Categories that have entries, in the canonical order first."""
        present = {e.category for e in self.entries.values()}
        known = [c for c in CATEGORIES if c in present]
        return known + sorted(present - set(known))

    def in_category(self, category: str) -> list[Entry]:
        """Entries of one category, in file order."""
        return [e for e in self.entries.values() if e.category == category]
