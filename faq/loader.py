"""Load and validate an FAQ tree (see "FAQ files" in DESIGN.md and the README).

Every problem becomes an :class:`FaqProblem` that names the file, the line and the field, so
staff can fix a broken tree without reading code. :func:`load_tree` collects all problems
and raises :class:`FaqLoadError` with the whole list rather than stopping at the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from faq.extras import (
    OUT_OF_SCOPE_FILE,
    WEAK_TERMS_FILE,
    load_out_of_scope,
    load_weak_terms,
)
from faq.markup import html_problems
from faq.models import (
    CATEGORIES,
    LANGUAGES,
    Entry,
    FaqTree,
    OutOfScopeGroup,
    SafetyRules,
    SmalltalkKind,
    Translation,
)
from faq.yaml_doc import (
    Doc,
    FaqLoadError,  # what load_tree raises, listing FaqProblems: part of this module's API
    FaqProblem,
    Path_,
    doc_strings,
    read_doc,
    unknown_keys,
)

__all__ = ["BUNDLED_FAQ_DIR", "FaqLoadError", "FaqProblem", "load_tree"]

#: The FAQ bundled with the package.
BUNDLED_FAQ_DIR = Path(__file__).parent / "content"

SAFETY_FILE = "safety.yaml"
SYNONYMS_FILE = "synonyms.yaml"
SMALLTALK_DIR = "smalltalk"
LINKS_FILE = "links.yaml"  # staff's known-good links (faq.links), not an entry
#: A source may be the project's own documentation, e.g. docs/privacy.md for what the bot stores.
PROJECT_DOC = re.compile(r"^docs/(?:[\w-]+/)*[\w.-]+\.md$")

#: Files at the top of the tree that are not entries.
_NOT_ENTRIES = (SAFETY_FILE, SYNONYMS_FILE, OUT_OF_SCOPE_FILE, WEAK_TERMS_FILE, LINKS_FILE)
SAFETY_DIR = "safety"  # grammar, corpus and texts of the safety layer (faq/safety_loader.py)

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ENTRY_KEYS = {"id", "category", "reviewed", "review_by", "sources", "related", "translations"}
_ENTRY_REQUIRED = ("id", "category", "reviewed", "translations")
_TRANSLATION_KEYS = {"questions", "keywords", "answer"}
_SMALLTALK_KEYS = {"id", "translations"}
_SMALLTALK_TRANSLATION_KEYS = {"patterns", "reply"}
_SAFETY_KEYS = {"entry", "triggers", "not_crisis"}


def _entry(doc: Doc) -> Entry | None:
    data = doc.data
    if not isinstance(data, dict):
        doc.problem((), "an entry file must be a mapping with id, category, reviewed, translations")
        return None
    unknown_keys(doc, data, _ENTRY_KEYS, ())
    for key in _ENTRY_REQUIRED:
        if key not in data:
            doc.problem((key,), "missing")
    entry_id = data.get("id")
    if "id" in data and (not isinstance(entry_id, str) or not _ID.match(entry_id)):
        doc.problem(("id",), "must be kebab-case: lowercase letters, digits and hyphens")
    category = data.get("category")
    if "category" in data and (not isinstance(category, str) or not _ID.match(category)):
        doc.problem(
            ("category",), f"must be one of {', '.join(CATEGORIES)} or a new kebab-case name"
        )
    reviewed = data.get("reviewed")
    if "reviewed" in data and not isinstance(reviewed, date):
        doc.problem(("reviewed",), "must be a date written as YYYY-MM-DD")
    review_by = data.get("review_by")
    if review_by is not None and not isinstance(review_by, date):
        doc.problem(("review_by",), "must be a date written as YYYY-MM-DD")
    elif isinstance(review_by, date) and isinstance(reviewed, date) and review_by <= reviewed:
        doc.problem(("review_by",), "must come after the reviewed date")
    sources = doc_strings(doc, data.get("sources"), ("sources",), required=False)
    for i, src in enumerate(sources):
        if not (src.startswith("https://") or PROJECT_DOC.match(src)):
            doc.problem(("sources", i), "must be an https:// address or a docs/*.md page")
    related = doc_strings(doc, data.get("related"), ("related",), required=False)
    translations: dict[str, Translation] = {}
    raw = data.get("translations")
    if "translations" in data:
        if not isinstance(raw, dict) or not raw:
            doc.problem(
                ("translations",),
                f"must map languages ({', '.join(LANGUAGES)}) to questions and answer",
            )
        else:
            for lang, body in raw.items():
                translation = _translation(doc, str(lang), body)
                if translation:
                    translations[str(lang)] = translation
    # (a missing or malformed field has been recorded as a problem above)
    if (
        doc.problems
        or not isinstance(entry_id, str)
        or not isinstance(category, str)
        or not isinstance(reviewed, date)
    ):
        return None
    return Entry(
        id=entry_id,
        category=category,
        reviewed=reviewed,
        sources=sources,
        related=related,
        translations=translations,
        path=doc.path,
        review_by=review_by if isinstance(review_by, date) else None,
    )


def _translation(doc: Doc, lang: str, body: Any) -> Translation | None:
    where: Path_ = ("translations", lang)
    if lang not in LANGUAGES:
        doc.problem(where, f"unknown language (supported: {', '.join(LANGUAGES)})")
        return None
    if not isinstance(body, dict):
        doc.problem(where, "must be a mapping with questions and answer")
        return None
    unknown_keys(doc, body, _TRANSLATION_KEYS, where)
    questions = doc_strings(doc, body.get("questions"), (*where, "questions"), required=True)
    keywords = doc_strings(doc, body.get("keywords"), (*where, "keywords"), required=False)
    answer = body.get("answer")
    if not isinstance(answer, str) or not answer.strip():
        doc.problem(
            (*where, "answer"), "missing answer" if answer is None else "must be a non-empty text"
        )
        return None
    for problem in html_problems(answer):
        doc.problem((*where, "answer"), f"Telegram cannot show this HTML: {problem}")
    if not questions:
        return None
    return Translation(questions=questions, keywords=keywords, answer=answer.strip())


def _smalltalk(doc: Doc) -> SmalltalkKind | None:
    data = doc.data
    if not isinstance(data, dict):
        doc.problem((), "a smalltalk file must be a mapping with id and translations")
        return None
    unknown_keys(doc, data, _SMALLTALK_KEYS, ())
    kind_id = data.get("id")
    if not isinstance(kind_id, str) or not _ID.match(kind_id):
        doc.problem(("id",), "missing" if kind_id is None else "must be kebab-case")
    raw = data.get("translations")
    patterns: dict[str, tuple[str, ...]] = {}
    replies: dict[str, str] = {}
    if not isinstance(raw, dict) or not raw:
        doc.problem(("translations",), "must map languages to patterns and reply")
    else:
        for lang, body in raw.items():
            where: Path_ = ("translations", str(lang))
            if lang not in LANGUAGES:
                doc.problem(where, f"unknown language (supported: {', '.join(LANGUAGES)})")
                continue
            if not isinstance(body, dict):
                doc.problem(where, "must be a mapping with patterns and reply")
                continue
            unknown_keys(doc, body, _SMALLTALK_TRANSLATION_KEYS, where)
            patterns[lang] = doc_strings(
                doc, body.get("patterns"), (*where, "patterns"), required=True
            )
            reply = body.get("reply")
            if not isinstance(reply, str) or not reply.strip():
                doc.problem((*where, "reply"), "missing reply")
                continue
            for problem in html_problems(reply):
                doc.problem((*where, "reply"), f"Telegram cannot show this HTML: {problem}")
            replies[lang] = reply.strip()
    if doc.problems or not isinstance(kind_id, str):
        return None
    return SmalltalkKind(id=kind_id, patterns=patterns, replies=replies)


def _per_language(doc: Doc, raw: Any, key: str, *, required: bool) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    if raw is None and not required:
        return out
    if not isinstance(raw, dict) or not raw:
        doc.problem((key,), "must map languages to lists of phrases")
        return out
    for lang, phrases in raw.items():
        if lang not in LANGUAGES:
            doc.problem((key, str(lang)), f"unknown language (supported: {', '.join(LANGUAGES)})")
            continue
        out[lang] = doc_strings(doc, phrases, (key, lang), required=required)
    return out


def _safety(doc: Doc) -> SafetyRules | None:
    data = doc.data
    if not isinstance(data, dict):
        doc.problem((), "safety.yaml must be a mapping with entry and triggers")
        return None
    unknown_keys(doc, data, _SAFETY_KEYS, ())
    entry = data.get("entry")
    if not isinstance(entry, str) or not entry:
        doc.problem(("entry",), "missing: the id of the entry crisis messages are answered with")
    triggers = _per_language(doc, data.get("triggers"), "triggers", required=True)
    not_crisis = _per_language(doc, data.get("not_crisis"), "not_crisis", required=False)
    if doc.problems or not isinstance(entry, str):
        return None
    return SafetyRules(entry=entry, triggers=triggers, not_crisis=not_crisis)


def _synonyms(doc: Doc) -> dict[str, tuple[str, ...]]:
    data = doc.data
    if data is None:
        return {}
    if not isinstance(data, dict):
        doc.problem((), "synonyms.yaml must map concept names to lists of words and phrases")
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for concept, terms in data.items():
        if not isinstance(concept, str) or not _ID.match(concept):
            doc.problem((str(concept),), "concept names must be kebab-case")
            continue
        out[concept] = doc_strings(doc, terms, (concept,), required=True)
    return out


def _entry_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.yaml")):
        rel = path.relative_to(root)
        if rel.parts[0] in (SMALLTALK_DIR, SAFETY_DIR) or rel.name in _NOT_ENTRIES:
            continue
        if any(part.startswith(".") for part in rel.parts):
            continue
        yield path


def load_tree(root: Path | str | None = None) -> FaqTree:
    """Load and validate the FAQ tree at ``root`` (the bundled FAQ by default).

    Raises :class:`FaqLoadError` listing every problem when anything is wrong.
    """
    root = Path(root) if root is not None else BUNDLED_FAQ_DIR
    if not root.is_dir():
        raise FaqLoadError([FaqProblem(root, None, "", "FAQ directory not found")])
    problems: list[FaqProblem] = []
    entries: dict[str, Entry] = {}
    id_lines: dict[str, tuple[Path, int | None]] = {}
    related_refs: list[tuple[Doc, int, str]] = []
    for path in _entry_files(root):
        doc = read_doc(path)
        entry = _entry(doc) if not doc.problems else None
        problems.extend(doc.problems)
        if entry is None:
            continue
        if entry.id in entries:
            first, _ = id_lines[entry.id]
            problems.append(
                FaqProblem(
                    path, doc.line(("id",)), "id", f"duplicate id {entry.id!r} (also in {first})"
                )
            )
            continue
        if entry.category != path.parent.name and path.parent != root:
            problems.append(
                FaqProblem(
                    path,
                    doc.line(("category",)),
                    "category",
                    f"{entry.category!r} does not match the folder {path.parent.name!r}",
                )
            )
        entries[entry.id] = entry
        id_lines[entry.id] = (path, doc.line(("id",)))
        related_refs.extend((doc, i, rel) for i, rel in enumerate(entry.related))
    for doc, i, rel in related_refs:
        if rel not in entries:
            problems.append(
                FaqProblem(
                    doc.path, doc.line(("related", i)), f"related.{i}", f"no entry with id {rel!r}"
                )
            )

    safety_path = root / SAFETY_FILE
    safety: SafetyRules | None = None
    if not safety_path.exists():
        problems.append(FaqProblem(safety_path, None, "", "missing: crisis triggers are required"))
    else:
        doc = read_doc(safety_path)
        if not doc.problems:
            safety = _safety(doc)
            if safety and safety.entry not in entries:
                doc.problem(("entry",), f"no entry with id {safety.entry!r}")
        problems.extend(doc.problems)

    smalltalk: list[SmalltalkKind] = []
    seen_kinds: set[str] = set()
    for path in sorted((root / SMALLTALK_DIR).glob("*.yaml")):
        doc = read_doc(path)
        kind = _smalltalk(doc) if not doc.problems else None
        problems.extend(doc.problems)
        if kind:
            if kind.id in seen_kinds:
                problems.append(
                    FaqProblem(path, doc.line(("id",)), "id", f"duplicate smalltalk id {kind.id!r}")
                )
            seen_kinds.add(kind.id)
            smalltalk.append(kind)

    synonyms: dict[str, tuple[str, ...]] = {}
    synonyms_path = root / SYNONYMS_FILE
    if synonyms_path.exists():
        doc = read_doc(synonyms_path)
        if not doc.problems:
            synonyms = _synonyms(doc)
        problems.extend(doc.problems)

    out_of_scope: tuple[OutOfScopeGroup, ...] = ()
    weak_terms: frozenset[str] = frozenset()
    if (root / OUT_OF_SCOPE_FILE).exists():
        out_of_scope, found = load_out_of_scope(root / OUT_OF_SCOPE_FILE)
        problems.extend(p for p in found if isinstance(p, FaqProblem))
    if (root / WEAK_TERMS_FILE).exists():
        weak_terms, found = load_weak_terms(root / WEAK_TERMS_FILE)
        problems.extend(p for p in found if isinstance(p, FaqProblem))

    from faq.safety_loader import load_safety_content  # it builds on this module's readers

    safety_content, safety_problems = load_safety_content(root)
    problems.extend(safety_problems)

    if not entries and not problems:
        problems.append(
            FaqProblem(root, None, "", "no FAQ entries found (expected <category>/<id>.yaml files)")
        )
    if problems or safety is None:
        # safety.yaml that gave no rules has said why among the problems; never an empty error
        raise FaqLoadError(
            problems or [FaqProblem(safety_path, None, "", "no crisis rules could be read")]
        )
    return FaqTree(
        root=root,
        entries=entries,
        safety=safety,
        smalltalk=tuple(smalltalk),
        synonyms=synonyms,
        out_of_scope=out_of_scope,
        weak_terms=weak_terms,
        safety_content=safety_content,
    )
