"""Figures on a labelled question set (the format of ``../shared/eval/dev-questions.yaml``).

Pure bookkeeping: the caller supplies a function that answers a question (the desk), so the
figures describe exactly what users get.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from faq.safety_eval import SafetyTally

NONE, SMALLTALK, CRISIS = "@none", "@smalltalk", "@crisis"
SPECIAL = (NONE, SMALLTALK, CRISIS)


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled question."""

    question: str
    language: str
    expect: str
    category: str | None = None  # crisis category of an "@crisis" item
    lookalike: str | None = None  # kind of a look-alike (idiom, academic, ...)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the desk did with one item (the fields the figures need)."""

    kind: str
    entry: str | None
    suggestions: tuple[str, ...]
    candidates: tuple[str, ...]
    language: str
    names_113: bool = False  # an ordinary answer (housing, LIC, eduroam) that names 113


@dataclass
class Tally:
    """Counts for one group of items (all, or one language)."""

    entry_items: int = 0
    answered_correct: int = 0
    correct_in_answer_or_clarify: int = 0
    wrong_answer: int = 0
    top1: int = 0
    top3: int = 0
    none_items: int = 0
    none_answered: int = 0
    crisis_items: int = 0
    crisis_caught: int = 0
    smalltalk_items: int = 0
    smalltalk_ok: int = 0
    items: int = 0
    language_ok: int = 0
    misses: list[str] = field(default_factory=list)
    #: questions replied to in another language than the item's, as ``[lang] 'q': replied in xx``
    language_misses: list[str] = field(default_factory=list)
    #: (expected, answered) -> count, for answers with the wrong entry (out of scope: @none)
    confusion: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, item: Item, out: Outcome) -> None:
        self.items += 1
        self.language_ok += out.language == item.language
        if out.language != item.language:
            self.language_misses.append(
                f"[{item.language}] {item.question!r}: replied in {out.language}"
            )
        answered = out.kind in ("answer", "safety")
        if item.expect == NONE:
            self.none_items += 1
            if answered:
                self.none_answered += 1
                self._confused(NONE, out.entry)
                self.misses.append(
                    f"[{item.language}] {item.question!r}: expected no answer, got {out.entry}"
                )
        elif item.expect == CRISIS:
            self.crisis_items += 1
            if out.kind == "safety":
                self.crisis_caught += 1
            else:
                self.misses.append(
                    f"[{item.language}] {item.question!r}: crisis missed ({out.kind} {out.entry})"
                )
        elif item.expect == SMALLTALK:
            self.smalltalk_items += 1
            if out.kind == "smalltalk":
                self.smalltalk_ok += 1
            else:
                self.misses.append(
                    f"[{item.language}] {item.question!r}: expected smalltalk, got {out.kind} {out.entry}"
                )
        else:
            self.entry_items += 1
            right = answered and out.entry == item.expect
            self.answered_correct += right
            self.correct_in_answer_or_clarify += right or (
                out.kind == "clarify" and item.expect in out.suggestions
            )
            self.wrong_answer += answered and out.entry != item.expect
            if answered and out.entry != item.expect:
                self._confused(item.expect, out.entry)
            self.top1 += out.candidates[:1] == (item.expect,)
            self.top3 += item.expect in out.candidates[:3]
            if not right:
                got = (
                    out.entry
                    if answered
                    else f"{out.kind} {list(out.suggestions) or list(out.candidates[:3])}"
                )
                self.misses.append(
                    f"[{item.language}] {item.question!r}: expected {item.expect}, got {got}"
                )

    def _confused(self, expected: str, got: str | None) -> None:
        key = (expected, got or "?")
        self.confusion[key] = self.confusion.get(key, 0) + 1

    def figures(self) -> dict[str, float | None]:
        """Percentages (None where the group has no such items)."""

        def pct(n: int, d: int) -> float | None:
            return round(100.0 * n / d, 1) if d else None

        return {
            "answered_correct": pct(self.answered_correct, self.entry_items),
            "correct_in_answer_or_clarify": pct(
                self.correct_in_answer_or_clarify, self.entry_items
            ),
            "wrong_answer": pct(self.wrong_answer, self.entry_items),
            "out_of_scope_false_answer": pct(self.none_answered, self.none_items),
            "crisis_recall": pct(self.crisis_caught, self.crisis_items),
            "smalltalk": pct(self.smalltalk_ok, self.smalltalk_items),
            "reply_language": pct(self.language_ok, self.items),
            "top1": pct(self.top1, self.entry_items),
            "top3": pct(self.top3, self.entry_items),
        }


@dataclass
class Report:
    """Figures overall and per language."""

    overall: Tally
    by_language: dict[str, Tally]
    skipped: int = 0
    safety: SafetyTally = field(default_factory=SafetyTally)

    def as_json(self) -> dict[str, Any]:
        return {
            "items": self.overall.items,
            "skipped": self.skipped,
            "overall": self.overall.figures(),
            "by_language": {lang: t.figures() for lang, t in self.by_language.items()},
            "confusion": [
                {"expected": e, "answered": g, "n": n} for (e, g), n in self.confusion_rows()
            ],
            "safety": self.safety.as_json(),
        }

    def confusion_rows(self) -> list[tuple[tuple[str, str], int]]:
        """Wrong answers by (expected entry, entry answered), most frequent first."""
        return sorted(self.overall.confusion.items(), key=lambda kv: (-kv[1], kv[0]))

    def confusion_table(self) -> str:
        """Which entry got which wrong answers ("@none": out-of-scope questions answered)."""
        rows = self.confusion_rows()
        if not rows:
            return "no wrong answers"
        width = max(len(e) for (e, _), _ in rows)
        return "\n".join(f"{e:<{width}}  ->  {g}  ×{n}" for (e, g), n in rows)

    def table(self) -> str:
        """A plain-text table: one row per language plus the total."""
        columns = [
            ("answered_correct", "ans-ok"),
            ("correct_in_answer_or_clarify", "ans|clar"),
            ("wrong_answer", "wrong"),
            ("out_of_scope_false_answer", "oos-ans"),
            ("crisis_recall", "crisis"),
            ("smalltalk", "small"),
            ("reply_language", "lang"),
            ("top1", "top1"),
            ("top3", "top3"),
        ]
        head = f"{'lang':<6}{'n':>5}" + "".join(f"{label:>10}" for _, label in columns)
        rows = [head, "-" * len(head)]
        groups = [*self.by_language.items(), ("all", self.overall)]
        for name, tally in groups:
            figures = tally.figures()
            cells = "".join(
                f"{'-' if figures[key] is None else format(figures[key], '.1f'):>10}"
                for key, _ in columns
            )
            rows.append(f"{name:<6}{tally.items:>5}{cells}")
        return "\n".join([*rows, "", self.safety.table()])


def load_items(path: Path | str) -> list[Item]:
    """Read a question file; raises ValueError naming the item that is malformed."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a YAML list of items with q, lang, expect")
    items: list[Item] = []
    for i, raw in enumerate(data):
        if not isinstance(raw, dict) or not {"q", "lang", "expect"} <= raw.keys():
            raise ValueError(f"{path}: item {i + 1} needs q, lang and expect")
        category, lookalike = raw.get("category"), raw.get("lookalike")
        items.append(
            Item(
                str(raw["q"]),
                str(raw["lang"]),
                str(raw["expect"]),
                str(category) if category else None,
                str(lookalike) if lookalike else None,
            )
        )
    return items


def evaluate(
    items: Iterable[Item],
    answer: Callable[[Item], Outcome],
    *,
    known_entries: Sequence[str] | None = None,
) -> Report:
    """Run every item through ``answer``; with ``known_entries`` skip items whose entry is
    not among them (``--only-present``)."""
    overall = Tally()
    by_language: dict[str, Tally] = {}
    skipped = 0
    safety = SafetyTally()
    for item in items:
        if (
            known_entries is not None
            and item.expect not in SPECIAL
            and item.expect not in known_entries
        ):
            skipped += 1
            continue
        out = answer(item)
        overall.add(item, out)
        by_language.setdefault(item.language, Tally()).add(item, out)
        safety.add(item, out)
    return Report(overall, by_language, skipped, safety)
