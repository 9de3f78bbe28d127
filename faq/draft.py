"""Draft FAQ entries: a YAML skeleton made from questions people asked, for staff to complete.

The skeleton is a valid entry file in every respect but one: each answer is an empty string,
so ``welcomebot faq check`` (and a running bot's reload) rejects it, naming the file, line
and field, until staff have written the answers. A half-done draft can therefore never be
published by accident.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from datetime import date

import yaml

from faq.models import FALLBACK_LANGUAGE, LANGUAGES

#: A question variant longer than this is cut (people sometimes paste whole e-mails).
MAX_VARIANT_CHARS = 300
#: Question variants kept per language.
MAX_VARIANTS = 12
#: Words of a question used for a suggested id.
ID_WORDS = 6
#: Longest suggested id (the category prefix included).
MAX_ID_CHARS = 60

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_WORD = re.compile(r"[a-z0-9]+")


def is_valid_id(value: str) -> bool:
    """True for a kebab-case id or category (lowercase letters, digits, single hyphens)."""
    return bool(_ID.match(value))


def _flat(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_VARIANT_CHARS else flat[: MAX_VARIANT_CHARS - 1] + "…"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(_WORD.findall(ascii_text)[:ID_WORDS])


def suggest_id(
    category: str, questions: Sequence[tuple[str, str]], taken: Collection[str], *, fallback: str
) -> str:
    """A new kebab-case id: the category and the first words of the first English (else the
    first) question, made unique against ``taken`` with a number; ``category-fallback``
    when the questions have no Latin letters (Chinese)."""
    texts = [t for lang, t in questions if lang == "en"] + [t for _, t in questions]
    words = next((s for s in (_slug(t) for t in texts) if s), "") or fallback
    base = f"{category}-{words}"[:MAX_ID_CHARS].strip("-")
    base = re.sub(r"-+", "-", base)
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def _scalar(text: str) -> str:
    dumped = yaml.safe_dump(text, allow_unicode=True, default_style='"', width=float("inf"))
    return dumped.strip()


def by_language(questions: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Question texts per language in the bot's language order, flattened, without
    duplicates (case-insensitive) and at most :data:`MAX_VARIANTS` each. Texts in a language
    the FAQ does not have go under English."""
    grouped: dict[str, list[str]] = {}
    seen: set[tuple[str, str]] = set()
    for lang, text in questions:
        lang = lang if lang in LANGUAGES else FALLBACK_LANGUAGE
        flat = _flat(text)
        key = (lang, flat.casefold())
        if not flat or key in seen:
            continue
        seen.add(key)
        grouped.setdefault(lang, []).append(flat)
    return {lang: grouped[lang][:MAX_VARIANTS] for lang in LANGUAGES if lang in grouped}


def skeleton(
    entry_id: str,
    category: str,
    questions: Sequence[tuple[str, str]],
    *,
    reviewed: date,
    origin: str = "",
) -> str:
    """The YAML text of a draft entry with ``questions`` ((language, text) pairs) as its
    question variants and an empty answer per language. ``origin`` is a comment line saying
    where the questions came from."""
    if not is_valid_id(entry_id):
        raise ValueError(f"not a kebab-case id: {entry_id!r}")
    if not is_valid_id(category):
        raise ValueError(f"not a kebab-case category: {category!r}")
    grouped = by_language(questions)
    if not grouped:
        raise ValueError("no questions to draft an entry from")
    lines = [
        f"# DRAFT FAQ entry. {origin}".rstrip(),
        "# Before publishing: write every answer (plain text or Telegram HTML: <b>, <i>,",
        '# <a href="https://...">), tidy the questions, add sources and related entries.',
        "# `welcomebot faq check` rejects this file until every answer is filled in; delete a",
        "# language you do not want to answer in.",
        f"id: {entry_id}",
        f"category: {category}",
        f"reviewed: {reviewed.isoformat()}",
        "sources: []  # https:// pages the answer was checked against",
        "related: []  # ids of entries to offer as follow-up buttons",
        "translations:",
    ]
    for lang, texts in grouped.items():
        lines.append(f"  {lang}:")
        lines.append("    questions:")
        lines += [f"      - {_scalar(text)}" for text in texts]
        lines.append('    answer: ""  # TODO: write the answer')
    return "\n".join(lines) + "\n"
