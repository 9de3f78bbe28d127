"""Staff checks beyond the schema: what ``welcomebot faq check`` warns about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from faq.decision import Thresholds
from faq.freshness import STALE_AFTER, due_for_review
from faq.matcher import Matcher
from faq.models import LANGUAGES, FaqTree

__all__ = ["STALE_AFTER", "Warning_", "lint"]

#: An out-of-scope question that scores this high for an entry looks like that entry's.
OUT_OF_SCOPE_CLASH = 70.0


@dataclass(frozen=True, slots=True)
class Warning_:
    """One lint warning about one entry."""

    entry: str
    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.message}"


def lint(
    tree: FaqTree, *, today: date | None = None, matcher: Matcher | None = None
) -> list[Warning_]:
    """Missing languages, stale ``reviewed`` dates, variants that another entry wins, and
    languages missing from the safety triggers or smalltalk.

    An entry without sources is not a warning but an error of ``faq check``
    (:func:`faq.freshness.unsourced`)."""
    today = today or date.today()
    matcher = matcher or Matcher(tree)
    warnings: list[Warning_] = [
        Warning_(due.entry, due.file, due.reason) for due in due_for_review(tree, today)
    ]
    offered = Thresholds().clarify
    for entry in tree.entries.values():
        file = str(entry.path) if entry.path else entry.id
        missing = [lang for lang in LANGUAGES if lang not in entry.translations]
        if missing:
            warnings.append(Warning_(entry.id, file, f"missing languages: {', '.join(missing)}"))
        for lang, translation in entry.translations.items():
            for question in translation.questions:
                # scored without the variant itself, else its own entry always wins with 100
                matches = matcher.match(question, leave_out=(entry.id, question))
                if not matches:
                    warnings.append(
                        Warning_(entry.id, file, f"[{lang}] {question!r} matches no entry")
                    )
                    continue
                own = next((m.score for m in matches if m.entry == entry.id), 0.0)
                # a tie counts: the same variant in two entries answers one of them by accident
                rival = next((m for m in matches if m.entry != entry.id), None)
                # ... and only when the rival would be offered at all
                if rival is not None and rival.score >= max(own, offered):
                    warnings.append(
                        Warning_(
                            entry.id,
                            file,
                            f"[{lang}] {question!r} scores as high or higher for {rival.entry} "
                            f"({rival.score:.0f}) than for its own entry ({own:.0f})",
                        )
                    )
    warnings.extend(_out_of_scope(tree, matcher))
    safety_file = str(tree.root / "safety.yaml")
    for lang in LANGUAGES:
        if not tree.safety.triggers.get(lang):
            warnings.append(Warning_("safety", safety_file, f"no crisis triggers for {lang}"))
    for kind in tree.smalltalk:
        missing = [lang for lang in LANGUAGES if lang not in kind.replies]
        if missing:
            warnings.append(
                Warning_(
                    f"smalltalk:{kind.id}",
                    str(tree.root / "smalltalk"),
                    f"missing languages: {', '.join(missing)}",
                )
            )
    return warnings


def _out_of_scope(tree: FaqTree, matcher: Matcher) -> list[Warning_]:
    """Out-of-scope groups missing languages, and out-of-scope questions that an entry
    matches as well as its own questions (one of the two files is probably wrong)."""
    file = str(tree.root / "out-of-scope.yaml")
    warnings: list[Warning_] = []
    for group in tree.out_of_scope:
        name = f"out-of-scope:{group.id}"
        missing = [lang for lang in LANGUAGES if lang not in group.questions]
        if missing:
            warnings.append(Warning_(name, file, f"no questions in: {', '.join(missing)}"))
        for lang, questions in group.questions.items():
            for question in questions:
                best = matcher.match(question, limit=1)
                if best and best[0].score >= OUT_OF_SCOPE_CLASH:
                    warnings.append(
                        Warning_(
                            name,
                            file,
                            f"[{lang}] {question!r} matches the entry {best[0].entry} "
                            f"({best[0].score:.0f}): is it really out of scope?",
                        )
                    )
    return warnings
