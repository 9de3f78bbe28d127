"""What the desk says: the :class:`Reply` value (with its ``--json`` form), the buttons that
belong under it, and the fixed texts of a reply that cannot help. Built by
:class:`bot.core.desk.Desk`; read by the Telegram handlers and the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.core import i18n
from faq.markup import escape

Kind = Literal["answer", "clarify", "unanswered", "safety", "checkin", "smalltalk"]
#: The two buttons under a check-in: "I'm not safe right now" -> the crisis reply
#: (:meth:`Desk.checkin_unsafe`); "I'm OK, I had a question" -> the normal answer to the same
#: text (:meth:`Desk.checkin_ok`).
CheckinAction = Literal["unsafe", "ok"]


def covers(lang: str) -> str:
    """One line that says what the bot can help with (under every reply that cannot help)."""
    return i18n.gettext(
        lang,
        "I can help with housing, the Leiden International Centre, eduroam and student well-being.",
    )


def unanswered_text(lang: str) -> str:
    """The reply to a question the desk cannot answer (HTML). It promises nothing: whoever
    records the question says so (:func:`noted_text`)."""
    sorry = i18n.gettext(lang, "Sorry, I don't know the answer to that yet. You could rephrase it.")
    return f"{escape(sorry)}\n\n{escape(covers(lang))}"


def noted_text(lang: str) -> str:
    """The line added to an unanswered reply when the question really was recorded."""
    return i18n.gettext(lang, "I have noted your question so our team can improve my answers.")


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entry and how well the question matched it (0-100)."""

    entry: str
    score: float


@dataclass(frozen=True, slots=True)
class Choice:
    """A button that belongs under a reply: what it does and its label in the reply's language."""

    action: CheckinAction
    label: str


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
    #: probability that the best entry is right (None: decided on scores, no model)
    confidence: float | None = None
    #: unanswered because the question is in this out-of-scope group (its pointer is shown)
    out_of_scope: str | None = None
    category: str | None = None  # the crisis category (safety and check-in replies)
    choices: tuple[Choice, ...] = ()  # buttons that belong under the reply (check-in)

    @property
    def is_checkin(self) -> bool:
        """A check-in: show :attr:`choices` as buttons under the text, and answer a press with
        :meth:`Desk.checkin_unsafe` or :meth:`Desk.checkin_ok` on :attr:`question`."""
        return self.kind == "checkin"

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
            "confidence": None if self.confidence is None else round(self.confidence, 3),
            "out_of_scope": self.out_of_scope,
            "text": self.text,
            "category": self.category,
            "choices": [{"action": c.action, "label": c.label} for c in self.choices],
        }
