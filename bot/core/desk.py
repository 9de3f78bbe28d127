"""The desk: one place that answers a question, for Telegram and the command line alike.

``Desk.reply(text, preferred_language=...)`` runs DESIGN.md's steps 2 to 6 (safety, smalltalk,
matching, decision, language) and returns a :class:`Reply` whose ``text`` is Telegram HTML,
exactly what the user sees. It never touches Telegram or the database: callers record what
must be recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.core import i18n
from bot.core.replies import (
    Candidate,
    CheckinAction,
    Choice,
    Kind,
    Reply,
    covers,
    noted_text,
    unanswered_text,
)
from faq.confidence import ConfidenceModel
from faq.decision import Decision, Thresholds, decide, decide_calibrated
from faq.language import STRONG_HINT_BONUS, LanguageDetector
from faq.markup import escape
from faq.matcher import Matcher
from faq.models import CRISIS_CATEGORIES, FALLBACK_LANGUAGE, LANGUAGES, Entry, FaqTree
from faq.prepared import PreparedFaq, prepare
from faq.safety.detector import DEFAULT_CATEGORY, Assessment, CrisisDetector
from faq.smalltalk import SmalltalkMatcher

# The reply types moved to bot.core.replies; callers keep importing them from here.
__all__ = [
    "MAX_QUESTION_CHARS",
    "Candidate",
    "CheckinAction",
    "Choice",
    "Desk",
    "Kind",
    "Reply",
    "covers",
    "noted_text",
    "unanswered_text",
]

#: The check-in when a tree has no safety/replies.yaml (test trees).
_CHECKIN_DEFAULT = (
    "I want to check in with you. Are you safe right now? You can talk to 113 Suicide "
    "Prevention any time: call 113 or 0800-0113, or chat at "
    '<a href="https://www.113.nl">113.nl</a>. In danger right now: call 112.'
)

#: Longest question the desk reads; the rest is ignored (Telegram caps messages at 4,096).
MAX_QUESTION_CHARS = 4096


@dataclass(frozen=True, slots=True)
class _Index:
    """A tree with everything built from it; replaced as a whole on reload (one reference,
    so a reply running in a worker thread never mixes two trees)."""

    tree: FaqTree
    matcher: Matcher
    safety: CrisisDetector
    smalltalk: SmalltalkMatcher
    languages: LanguageDetector
    confidence: ConfidenceModel | None


class Desk:
    """Answers questions from one FAQ tree. Cheap to call; build once, share everywhere."""

    def __init__(
        self,
        tree: FaqTree,
        *,
        thresholds: Thresholds | None = None,
        prepared: PreparedFaq | None = None,
    ) -> None:
        self.thresholds = thresholds or Thresholds()
        self.load(tree, prepared=prepared)

    def load(self, tree: FaqTree, *, prepared: PreparedFaq | None = None) -> None:
        """Switch to another (already validated) tree, e.g. after a reload. ``prepared``,
        when given, must have been built on ``tree`` (e.g. read back from the FAQ cache:
        :func:`faq.prepared.load_prepared`); else it is built here."""
        if prepared is None or prepared.tree is not tree:
            prepared = prepare(tree)
        self._index = _Index(
            tree,
            prepared.matcher,
            CrisisDetector(tree, model=prepared.crisis_model),
            SmalltalkMatcher(tree.smalltalk),
            prepared.languages,
            prepared.confidence,
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
    def safety(self) -> CrisisDetector:
        """The crisis check of :attr:`tree`."""
        return self._index.safety

    @property
    def smalltalk(self) -> SmalltalkMatcher:
        """The smalltalk of :attr:`tree`."""
        return self._index.smalltalk

    # ------------------------------------------------------------------ free text
    def reply(self, text: str, *, preferred_language: str | None = None) -> Reply:
        """Answer ``text``; ``preferred_language`` is the user's choice or Telegram's language."""
        return self._reply(text, preferred_language, check_safety=True)

    def checkin_unsafe(
        self,
        text: str = "",
        *,
        preferred_language: str | None = None,
        language: str | None = None,
        category: str | None = None,
    ) -> Reply:
        """The "I'm not safe right now" button under a check-in: the full crisis reply.

        ``language`` and ``category`` are the check-in's own (a Telegram button carries them,
        so the press works even when the original message is gone); missing ones are read
        from ``text`` as the check-in read them. The reply is never withheld: without text,
        language or category it is the crisis reply in the preferred language.
        """
        ix = self._index
        question = text[:MAX_QUESTION_CHARS]
        known = category if category in CRISIS_CATEGORIES else None
        lang = language if language in LANGUAGES else None
        if question and (known is None or lang is None):
            found = ix.safety.assess(question, preferred_language=preferred_language)
            known = known or found.category
            lang = lang or self._crisis_language(ix, question, found, preferred_language)
        if lang is None:
            lang = preferred_language if preferred_language in LANGUAGES else FALLBACK_LANGUAGE
        return self._crisis_reply(ix, question, known or DEFAULT_CATEGORY, lang, (), 0.0)

    def checkin_ok(self, text: str, *, preferred_language: str | None = None) -> Reply:
        """The "I'm OK, I had a question" button: the normal answer to the same text, without
        the safety check (already answered) and without a "did you mean" list."""
        return self._reply(text, preferred_language, check_safety=False)

    def _reply(self, text: str, preferred_language: str | None, *, check_safety: bool) -> Reply:
        ix = self._index  # one tree and its indexes for the whole reply, even during a reload
        question = text[:MAX_QUESTION_CHARS]
        preferred = preferred_language if preferred_language in LANGUAGES else None
        # the decision reads the best max_suggestions (at least two: the margin), the JSON
        # the best three; asking for no more keeps a large FAQ from building thousands of
        # matches per message
        matches = ix.matcher.match(question, limit=max(3, self.thresholds.max_suggestions))
        candidates = tuple(Candidate(m.entry, m.score) for m in matches[:3])
        top = candidates[0].score if candidates else 0.0

        found = ix.safety.assess(question, preferred_language=preferred) if check_safety else None
        confidence: float | None = None
        if ix.confidence is not None:
            assessment = ix.confidence.assess(question, matches, ix.matcher)
            confidence = assessment.probability
            decision = decide_calibrated(
                matches, assessment, ix.confidence.thresholds, self.thresholds
            )
        else:
            decision = decide(matches, self.thresholds)
        if found is not None and found.model_only and self._plainly_a_question(ix, decision):
            found = None
        if found is not None and found.tier != "none":
            lang = self._crisis_language(ix, question, found, preferred)
            if found.tier == "crisis":
                category = found.category or DEFAULT_CATEGORY
                return self._crisis_reply(ix, question, category, lang, candidates, top)
            return self._checkin(ix, question, found, lang, candidates, top)

        hint = matches[0].language if matches else None
        small = ix.smalltalk.match(question)
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

        lang = ix.languages.detect(
            question,
            hint=hint,
            fallback=preferred or FALLBACK_LANGUAGE,
            sticky=preferred is not None,
        )
        if decision.kind == "answer" and decision.entry:
            reply = self._entry_reply(ix, question, "answer", decision.entry, lang, candidates, top)
            return replace(reply, confidence=confidence)
        if decision.kind == "clarify" and check_safety:  # never a list after a risk signal
            reply = self._clarify(ix, question, decision, lang, candidates, top)
            return replace(reply, confidence=confidence)
        group = next((g for g in ix.tree.out_of_scope if g.id == decision.out_of_scope), None)
        if group is not None:
            return Reply(
                question=question,
                kind="unanswered",
                language=lang,
                text=f"{group.pointer(lang)[0]}\n\n{escape(covers(lang))}",
                candidates=candidates,
                score=top,
                confidence=confidence,
                out_of_scope=group.id,
            )
        return Reply(
            question=question,
            kind="unanswered",
            language=lang,
            text=unanswered_text(lang),
            candidates=candidates,
            score=top,
            confidence=confidence,
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
        found = ix.safety.assess(text, preferred_language=lang)
        if found.tier != "none":  # inline results cannot carry the check-in buttons
            category = found.category or DEFAULT_CATEGORY
            return [self._crisis_reply(ix, text, category, found.language or lang, (), 100.0)]
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

    @staticmethod
    def _plainly_a_question(ix: _Index, decision: Decision) -> bool:
        """The message clearly asks one of the FAQ's questions (other than the crisis entry):
        the model alone (no rule, no phrase) does not override that ("我想和真人客服聊")."""
        return decision.kind == "answer" and decision.entry not in (None, ix.tree.safety.entry)

    def _crisis_language(
        self, ix: _Index, question: str, found: Assessment, preferred: str | None
    ) -> str:
        """The language whose rules fired; else the language the message is written in."""
        if found.language is not None:
            return found.language
        return ix.languages.detect(question, hint=None, fallback=preferred or FALLBACK_LANGUAGE)

    def _crisis_reply(
        self,
        ix: _Index,
        question: str,
        category: str,
        lang: str,
        candidates: tuple[Candidate, ...],
        score: float,
    ) -> Reply:
        """The crisis entry, led by what fits the category (Centrum Seksueel Geweld for sexual
        violence, 112 for danger, overdose and medical emergencies)."""
        reply = self._entry_reply(
            ix, question, "safety", ix.tree.safety.entry, lang, candidates, score
        )
        lead = ix.tree.safety_content.texts.leads.get(category, {})
        text = reply.text
        if lead:
            first = lead.get(lang) or lead.get(FALLBACK_LANGUAGE) or next(iter(lead.values()))
            text = f"{first}\n\n{text}"
        return replace(reply, text=text, category=category, related=())

    def _checkin(
        self,
        ix: _Index,
        question: str,
        found: Assessment,
        lang: str,
        candidates: tuple[Candidate, ...],
        score: float,
    ) -> Reply:
        texts = ix.tree.safety_content.texts

        def pick(options: dict[str, str], default: str) -> str:
            return options.get(lang) or options.get(FALLBACK_LANGUAGE) or default

        body = pick(texts.checkin, _CHECKIN_DEFAULT)
        return Reply(
            question=question,
            kind="checkin",
            language=lang,
            text=body,
            candidates=candidates,
            score=score,
            category=found.category,
            choices=(
                Choice("unsafe", pick(texts.unsafe_button, "I'm not safe right now")),
                Choice("ok", pick(texts.ok_button, "I'm OK, I had a question")),
            ),
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
