"""The desk: one place that answers a question, for Telegram and the command line alike.

``Desk.reply(text, preferred_language=...)`` runs DESIGN.md's steps 2 to 6 (safety, smalltalk,
matching, decision, language) and returns a :class:`Reply` whose ``text`` is Telegram HTML,
exactly what the user sees. It never touches Telegram or the database: callers record what
must be recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot import i18n
from faq.decision import Decision, Thresholds, decide
from faq.language import STRONG_HINT_BONUS, LanguageDetector
from faq.markup import escape
from faq.matcher import Matcher
from faq.models import FALLBACK_LANGUAGE, LANGUAGES, Entry, FaqTree
from faq.safety import SafetyCheck
from faq.smalltalk import SmalltalkMatcher

Kind = Literal["answer", "clarify", "unanswered", "safety", "smalltalk"]

#: Longest question the desk reads; the rest is ignored (Telegram caps messages at 4,096).
MAX_QUESTION_CHARS = 4096


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entry and how well the question matched it (0-100)."""

    entry: str
    score: float


@dataclass(frozen=True, slots=True)
class Reply:
    """What the desk says to one question."""

    question: str
    kind: Kind
    language: str
    text: str
    entry: str | None = None
    suggestions: tuple[str, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    score: float = 0.0
    fallback: bool = False  # the entry lacks the language; the answer is in English
    related: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, object]:
        """The ``welcomebot ask --json`` object (DESIGN.md, "Command line")."""
        return {
            "question": self.question,
            "kind": self.kind,
            "entry": self.entry,
            "suggestions": list(self.suggestions),
            "candidates": [{"entry": c.entry, "score": round(c.score, 1)} for c in self.candidates],
            "language": self.language,
            "score": round(self.score, 1),
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class _Index:
    """A tree with everything built from it; replaced as a whole on reload (one reference,
    so a reply running in a worker thread never mixes two trees)."""

    tree: FaqTree
    matcher: Matcher
    safety: SafetyCheck
    smalltalk: SmalltalkMatcher
    languages: LanguageDetector


class Desk:
    """Answers questions from one FAQ tree. Cheap to call; build once, share everywhere."""

    def __init__(
        self,
        tree: FaqTree,
        *,
        thresholds: Thresholds | None = None,
        matcher: Matcher | None = None,
        languages: LanguageDetector | None = None,
    ) -> None:
        self.thresholds = thresholds or Thresholds()
        self.load(tree, matcher=matcher, languages=languages)

    def load(
        self,
        tree: FaqTree,
        *,
        matcher: Matcher | None = None,
        languages: LanguageDetector | None = None,
    ) -> None:
        """Switch to another (already validated) tree, e.g. after a reload. ``matcher`` and
        ``languages``, when given, must have been built on ``tree`` (e.g. read back from the
        FAQ cache: ``faq.prepared``)."""
        matcher = matcher or Matcher(tree)
        self._index = _Index(
            tree,
            matcher,
            SafetyCheck(tree.safety),
            SmalltalkMatcher(tree.smalltalk),
            languages or LanguageDetector.for_vocabulary(matcher.words_by_language),
        )

    def adopt(self, other: Desk) -> None:
        """Serve ``other``'s tree from now on, with the indexes ``other`` built (a reload
        builds them in a worker thread)."""
        self._index = other._index

    @property
    def tree(self) -> FaqTree:
        """The FAQ tree answered from."""
        return self._index.tree

    @property
    def matcher(self) -> Matcher:
        """The matcher on :attr:`tree`."""
        return self._index.matcher

    @property
    def safety(self) -> SafetyCheck:
        """The crisis check of :attr:`tree`."""
        return self._index.safety

    @property
    def smalltalk(self) -> SmalltalkMatcher:
        """The smalltalk of :attr:`tree`."""
        return self._index.smalltalk

    # ------------------------------------------------------------------ free text
    def reply(self, text: str, *, preferred_language: str | None = None) -> Reply:
        """Answer ``text``; ``preferred_language`` is the user's choice or Telegram's language."""
        ix = self._index  # one tree and its indexes for the whole reply, even during a reload
        question = text[:MAX_QUESTION_CHARS]
        preferred = preferred_language if preferred_language in LANGUAGES else None
        # the decision reads the best max_suggestions (at least two: the margin), the JSON
        # the best three; asking for no more keeps a large FAQ from building thousands of
        # matches per message
        matches = ix.matcher.match(question, limit=max(3, self.thresholds.max_suggestions))
        candidates = tuple(Candidate(m.entry, m.score) for m in matches[:3])
        top = candidates[0].score if candidates else 0.0

        if ix.safety.is_crisis(question):
            lang = ix.languages.detect(
                question,
                hint=matches[0].language if matches else None,
                fallback=preferred or FALLBACK_LANGUAGE,
            )
            reply = self._entry_reply(
                ix, question, "safety", ix.tree.safety.entry, lang, candidates, top
            )
            return reply

        hint = matches[0].language if matches else None
        small = ix.smalltalk.match(question)
        decision = decide(matches, self.thresholds)
        if small is not None and (decision.kind != "answer" or small.coverage >= 0.99):
            lang = ix.languages.detect(
                question,
                hint=small.language,
                hint_weight=STRONG_HINT_BONUS,
                fallback=preferred or FALLBACK_LANGUAGE,
            )
            body, _ = small.kind.reply(lang)
            return Reply(
                question=question,
                kind="smalltalk",
                language=lang,
                text=body,
                candidates=candidates,
                score=top,
            )

        lang = ix.languages.detect(question, hint=hint, fallback=preferred or FALLBACK_LANGUAGE)
        if decision.kind == "answer" and decision.entry:
            return self._entry_reply(ix, question, "answer", decision.entry, lang, candidates, top)
        if decision.kind == "clarify":
            return self._clarify(ix, question, decision, lang, candidates, top)
        return Reply(
            question=question,
            kind="unanswered",
            language=lang,
            text=i18n.gettext(
                lang,
                "Sorry, I don't know the answer to that yet. "
                "I have noted your question so our team can improve "
                "my answers. You could rephrase it, browse the "
                "topics, or talk to a person.",
            ),
            candidates=candidates,
            score=top,
        )

    # ------------------------------------------------------------------ buttons and menus
    def entry_reply(self, entry_id: str, language: str) -> Reply:
        """The answer to one entry, as shown after a button press (topic menu, suggestion)."""
        lang = language if language in LANGUAGES else FALLBACK_LANGUAGE
        return self._entry_reply(self._index, "", "answer", entry_id, lang, (), 100.0)

    def entry(self, entry_id: str) -> Entry | None:
        """The entry with this id, if it exists in the current tree."""
        return self.tree.entries.get(entry_id)

    def search(self, text: str, *, language: str, limit: int = 5) -> list[Reply]:
        """Best entries for ``text`` as answers (inline mode); safety first when it triggers."""
        ix = self._index
        lang = language if language in LANGUAGES else FALLBACK_LANGUAGE
        if ix.safety.is_crisis(text):
            return [self._entry_reply(ix, text, "safety", ix.tree.safety.entry, lang, (), 100.0)]
        floor = self.thresholds.clarify
        return [
            self._entry_reply(ix, text, "answer", m.entry, lang, (), m.score)
            for m in ix.matcher.match(text, limit=limit)
            if m.score >= floor
        ]

    # ------------------------------------------------------------------ helpers
    def _entry_reply(
        self,
        ix: _Index,
        question: str,
        kind: Kind,
        entry_id: str,
        lang: str,
        candidates: tuple[Candidate, ...],
        score: float,
    ) -> Reply:
        entry = ix.tree.entries[entry_id]
        translation, actual = entry.translation(lang)
        text = translation.answer
        if actual != lang:
            note = i18n.gettext(
                lang, "This answer is not available in your language yet, so here it is in English."
            )
            text = f"<i>{escape(note)}</i>\n\n{text}"
        checked = i18n.gettext(lang, "Checked on {date}").format(
            date=i18n.format_date(entry.reviewed, lang)
        )
        text = f"{text}\n\n<i>{escape(checked)}</i>"
        return Reply(
            question=question,
            kind=kind,
            language=lang,
            text=text,
            entry=entry_id,
            candidates=candidates,
            score=score,
            fallback=actual != lang,
            related=tuple(r for r in entry.related if r in ix.tree.entries),
        )

    def _clarify(
        self,
        ix: _Index,
        question: str,
        decision: Decision,
        lang: str,
        candidates: tuple[Candidate, ...],
        score: float,
    ) -> Reply:
        lines = [
            escape(i18n.gettext(lang, "I'm not sure I understood. Did you mean one of these?"))
        ]
        for i, entry_id in enumerate(decision.suggestions, 1):
            lines.append(f"{i}. {escape(ix.tree.entries[entry_id].title(lang))}")
        return Reply(
            question=question,
            kind="clarify",
            language=lang,
            text="\n".join(lines),
            suggestions=decision.suggestions,
            candidates=candidates,
            score=score,
        )
