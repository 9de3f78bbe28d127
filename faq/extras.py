"""The optional staff files beside the entries: ``out-of-scope.yaml`` and ``weak-terms.yaml``.

``out-of-scope.yaml`` lists groups of near-domain questions the bot must not answer, each with
a one-line pointer per language to the place that can help::

    groups:
      - id: tuition
        pointer:
          en: I can't help with tuition fees; ...
        questions:
          en: [how much is the tuition fee, ...]

``weak-terms.yaml`` maps languages (or ``all``) to words and phrases that must never decide an
entry alone (place names such as "Den Haag"); the matcher weighs them down.

Problems are reported as :class:`faq.loader.FaqProblem` with file and line, like every other
FAQ file.
"""

from __future__ import annotations

import re
from pathlib import Path

from faq.markup import html_problems
from faq.models import LANGUAGES, OutOfScopeGroup
from faq.normalise import normalise
from faq.yaml_doc import doc_strings, read_doc, unknown_keys

OUT_OF_SCOPE_FILE = "out-of-scope.yaml"
WEAK_TERMS_FILE = "weak-terms.yaml"

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_GROUP_KEYS = {"id", "pointer", "questions"}


def load_out_of_scope(path: Path) -> tuple[tuple[OutOfScopeGroup, ...], list[object]]:
    """The groups of ``path`` and the problems found (FaqProblem objects)."""
    doc = read_doc(path)
    if doc.problems:
        return (), list(doc.problems)
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list):
        doc.problem((), "out-of-scope.yaml must be a mapping with a list of groups")
        return (), list(doc.problems)
    unknown_keys(doc, data, {"groups"}, ())
    groups: list[OutOfScopeGroup] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["groups"]):
        where: tuple[str | int, ...] = ("groups", i)
        if not isinstance(raw, dict):
            doc.problem(where, "each group needs id, pointer and questions")
            continue
        unknown_keys(doc, raw, _GROUP_KEYS, where)
        group_id = raw.get("id")
        if not isinstance(group_id, str) or not _ID.match(group_id):
            doc.problem((*where, "id"), "missing" if group_id is None else "must be kebab-case")
            continue
        if group_id in seen:
            doc.problem((*where, "id"), f"duplicate group id {group_id!r}")
        seen.add(group_id)
        pointers: dict[str, str] = {}
        raw_pointers = raw.get("pointer")
        if not isinstance(raw_pointers, dict) or "en" not in raw_pointers:
            doc.problem((*where, "pointer"), "must map languages to one line (English required)")
        else:
            for lang, text in raw_pointers.items():
                at = (*where, "pointer", str(lang))
                if lang not in LANGUAGES:
                    doc.problem(at, f"unknown language (supported: {', '.join(LANGUAGES)})")
                elif not isinstance(text, str) or not text.strip():
                    doc.problem(at, "must be a non-empty text")
                else:
                    for problem in html_problems(text):
                        doc.problem(at, f"Telegram cannot show this HTML: {problem}")
                    pointers[lang] = text.strip()
        questions: dict[str, tuple[str, ...]] = {}
        raw_questions = raw.get("questions")
        if not isinstance(raw_questions, dict) or not raw_questions:
            doc.problem((*where, "questions"), "must map languages to lists of questions")
        else:
            for lang, texts in raw_questions.items():
                at = (*where, "questions", str(lang))
                if lang not in LANGUAGES:
                    doc.problem(at, f"unknown language (supported: {', '.join(LANGUAGES)})")
                    continue
                questions[lang] = doc_strings(doc, texts, at, required=True)
        groups.append(OutOfScopeGroup(group_id, pointers, questions))
    return tuple(groups), list(doc.problems)


def load_weak_terms(path: Path) -> tuple[frozenset[str], list[object]]:
    """The normalised phrases of ``path``."""
    doc = read_doc(path)
    if doc.problems:
        return frozenset(), list(doc.problems)
    data = doc.data
    if data is None:
        return frozenset(), []
    if not isinstance(data, dict):
        doc.problem((), "weak-terms.yaml must map languages (or 'all') to lists of words")
        return frozenset(), list(doc.problems)
    words: set[str] = set()
    for lang, phrases in data.items():
        if lang != "all" and lang not in LANGUAGES:
            doc.problem((str(lang),), f"unknown language (supported: all, {', '.join(LANGUAGES)})")
            continue
        for phrase in doc_strings(doc, phrases, (str(lang),), required=True):
            words.add(normalise(phrase))
    return frozenset(words), list(doc.problems)
