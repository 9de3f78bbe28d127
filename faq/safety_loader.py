"""Load and validate the ``safety/`` folder of an FAQ tree: grammar per language, the crisis
corpus per language and the safety texts (check-in, buttons, first paragraph per category).

Problems are reported like every other FAQ problem (file, line, field), so ``faq check`` and
``/reload`` refuse a broken safety folder with a message staff can act on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from faq.markup import html_problems
from faq.models import (
    CRISIS_CATEGORIES,
    LANGUAGES,
    CrisisCorpus,
    SafetyContent,
    SafetyGrammar,
    SafetyTexts,
)
from faq.yaml_doc import Doc, FaqProblem, doc_strings, read_doc, unknown_keys

SAFETY_DIR = "safety"
GRAMMAR_DIR = "grammar"
CORPUS_DIR = "corpus"
TEXTS_FILE = "replies.yaml"

_GRAMMAR_KEYS = {"lang", "parts", "rules", "risk", "not_crisis", "context", "innocent"}
_CORPUS_KEYS = {"lang", "crisis", "risk", "lookalikes"}
_TEXTS_KEYS = {"checkin", "buttons", "leads"}
_PART_REF = re.compile(r"\{(\w[\w-]*)\??\}")


def _language(doc: Doc, data: dict[str, Any], path: Path) -> str | None:
    lang = data.get("lang")
    if lang not in LANGUAGES:
        doc.problem(("lang",), f"must be one of {', '.join(LANGUAGES)}")
        return None
    if path.stem != lang:
        doc.problem(("lang",), f"{lang!r} does not match the file name {path.name!r}")
    return str(lang)


def _by_category(doc: Doc, raw: Any, key: str) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        doc.problem((key,), "must map crisis categories to lists of texts")
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for category, items in raw.items():
        if category not in CRISIS_CATEGORIES:
            doc.problem(
                (key, str(category)), f"unknown category (known: {', '.join(CRISIS_CATEGORIES)})"
            )
            continue
        out[str(category)] = doc_strings(doc, items, (key, str(category)), required=False)
    return out


def _grammar(doc: Doc, path: Path) -> SafetyGrammar | None:
    data = doc.data
    if not isinstance(data, dict):
        doc.problem((), "a grammar file must be a mapping with lang, parts and rules")
        return None
    unknown_keys(doc, data, _GRAMMAR_KEYS, ())
    lang = _language(doc, data, path)
    parts_raw = data.get("parts") or {}
    parts: dict[str, tuple[str, ...]] = {}
    if not isinstance(parts_raw, dict):
        doc.problem(("parts",), "must map part names to lists of words or phrases")
    else:
        for name, items in parts_raw.items():
            parts[str(name)] = doc_strings(doc, items, ("parts", str(name)), required=True)
    rules = _by_category(doc, data.get("rules"), "rules")
    risk = doc_strings(doc, data.get("risk"), ("risk",), required=False)
    innocent = _innocent(doc, data.get("innocent"))
    checked: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
        *((("rules", c), p) for c, p in rules.items()),
        (("risk",), risk),
        *((("innocent", k), p) for k, p in innocent.items()),
    ]
    for where, patterns in checked:
        for i, pattern in enumerate(patterns):
            for ref in _PART_REF.findall(pattern):
                if ref not in parts:
                    doc.problem((*where, i), f"unknown part {{{ref}}}")
    not_crisis: list[str] = []
    raw_idioms = data.get("not_crisis")
    if isinstance(raw_idioms, dict):  # grouped by kind (idiom, accident, ...) for staff
        for kind, items in raw_idioms.items():
            not_crisis.extend(doc_strings(doc, items, ("not_crisis", str(kind)), required=False))
    else:
        not_crisis.extend(doc_strings(doc, raw_idioms, ("not_crisis",), required=False))
    context = doc_strings(doc, data.get("context"), ("context",), required=False)
    if lang is None or doc.problems:
        return None
    return SafetyGrammar(lang, parts, rules, risk, tuple(not_crisis), context, innocent)


def _innocent(doc: Doc, raw: object) -> dict[str, tuple[str, ...]]:
    """``innocent:`` rules grouped by a kind the staff choose (idiom, accident, departure)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        doc.problem(("innocent",), "must map kinds (idiom, accident, ...) to lists of rules")
        return {}
    return {
        str(kind): doc_strings(doc, items, ("innocent", str(kind)), required=False)
        for kind, items in raw.items()
    }


def _corpus(doc: Doc, path: Path) -> CrisisCorpus | None:
    data = doc.data
    if not isinstance(data, dict):
        doc.problem((), "a corpus file must be a mapping with lang, crisis, risk, lookalikes")
        return None
    unknown_keys(doc, data, _CORPUS_KEYS, ())
    lang = _language(doc, data, path)
    crisis = _by_category(doc, data.get("crisis"), "crisis")
    risk = doc_strings(doc, data.get("risk"), ("risk",), required=False)
    lookalikes: dict[str, tuple[str, ...]] = {}
    raw = data.get("lookalikes") or {}
    if not isinstance(raw, dict):
        doc.problem(("lookalikes",), "must map kinds (idiom, academic, ...) to lists of texts")
    else:
        for kind, items in raw.items():
            lookalikes[str(kind)] = doc_strings(
                doc, items, ("lookalikes", str(kind)), required=False
            )
    if lang is None or doc.problems:
        return None
    return CrisisCorpus(lang, crisis, risk, lookalikes)


def _per_language_text(doc: Doc, raw: Any, where: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(raw, dict):
        doc.problem(where, "must map languages to a text")
        return {}
    out: dict[str, str] = {}
    for lang, text in raw.items():
        if lang not in LANGUAGES:
            doc.problem((*where, str(lang)), "unknown language")
        elif not isinstance(text, str) or not text.strip():
            doc.problem((*where, str(lang)), "must be a non-empty text")
        else:
            for problem in html_problems(text):  # Telegram refuses a message it cannot parse
                doc.problem((*where, str(lang)), problem)
            out[str(lang)] = text.strip()
    return out


def _texts(doc: Doc) -> SafetyTexts:
    data = doc.data
    if not isinstance(data, dict):
        doc.problem((), "replies.yaml must be a mapping with checkin, buttons and leads")
        return SafetyTexts()
    unknown_keys(doc, data, _TEXTS_KEYS, ())
    checkin = _per_language_text(doc, data.get("checkin"), ("checkin",))
    buttons = data.get("buttons") or {}
    unsafe = _per_language_text(doc, buttons.get("unsafe"), ("buttons", "unsafe"))
    ok = _per_language_text(doc, buttons.get("ok"), ("buttons", "ok"))
    leads: dict[str, dict[str, str]] = {}
    raw_leads = data.get("leads") or {}
    if isinstance(raw_leads, dict):
        for category, texts in raw_leads.items():
            if category not in CRISIS_CATEGORIES:
                doc.problem(("leads", str(category)), "unknown crisis category")
                continue
            leads[str(category)] = _per_language_text(doc, texts, ("leads", str(category)))
    return SafetyTexts(checkin, unsafe, ok, leads)


def load_safety_content(root: Path) -> tuple[SafetyContent, list[FaqProblem]]:
    """The ``safety/`` folder under ``root`` (empty content when there is none)."""
    base = root / SAFETY_DIR
    problems: list[FaqProblem] = []
    if not base.is_dir():
        return SafetyContent(), problems
    grammars: dict[str, SafetyGrammar] = {}
    for path in sorted((base / GRAMMAR_DIR).glob("*.yaml")):
        doc = read_doc(path)
        grammar = _grammar(doc, path) if not doc.problems else None
        problems.extend(doc.problems)
        if grammar:
            grammars[grammar.language] = grammar
    corpus: dict[str, CrisisCorpus] = {}
    for path in sorted((base / CORPUS_DIR).glob("*.yaml")):
        doc = read_doc(path)
        part = _corpus(doc, path) if not doc.problems else None
        problems.extend(doc.problems)
        if part:
            corpus[part.language] = part
    texts = SafetyTexts()
    if (base / TEXTS_FILE).exists():
        doc = read_doc(base / TEXTS_FILE)
        if not doc.problems:
            texts = _texts(doc)
        problems.extend(doc.problems)
    return SafetyContent(grammars, corpus, texts), problems
