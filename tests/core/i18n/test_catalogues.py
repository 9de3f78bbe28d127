"""Every catalogue, read with Babel: one per supported language, every message of the
template translated (not empty, not fuzzy, every plural form), with the same placeholders,
HTML tags and /commands as the English text."""

from __future__ import annotations

import re
import string
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from i18n_support import LOCALES, POT

from faq.models import FALLBACK_LANGUAGE, LANGUAGES

TRANSLATED = [lang for lang in LANGUAGES if lang != FALLBACK_LANGUAGE]

_TAG = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)[^<>]*>")
_COMMAND = re.compile(r"(?<![\w/])/[a-z][a-z0-9_]*")


def po_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / "messages.po"


@cache
def read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, abort_invalid=True)


def template() -> Catalog:
    return read(POT)


def ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a ``str.format`` template (raises on a broken template)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def tags(text: str) -> Counter[str]:
    return Counter(
        m.group(1).lower() + ("/" if m.group(0).startswith("</") else "")
        for m in _TAG.finditer(text)
    )


def commands(text: str) -> Counter[str]:
    return Counter(_COMMAND.findall(text))


def forms(message: Message) -> list[str]:
    """The translation, one text per plural form."""
    translated = message.string
    return [translated] if isinstance(translated, str) else [t or "" for t in translated or ()]


def english(message: Message) -> list[str]:
    """The message id: singular and plural, or the one text."""
    return [message.id] if isinstance(message.id, str) else list(message.id)


def test_the_template_has_messages() -> None:
    assert len(ids(template())) >= 50


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalogue_exists_for_every_language(lang: str) -> None:
    assert po_path(lang).is_file(), f"missing catalogue {po_path(lang)} (see docs/i18n.md)"
    assert str(read(po_path(lang)).locale).startswith(lang)


def test_no_catalogue_for_a_language_we_do_not_support() -> None:
    found = {p.name for p in LOCALES.iterdir() if p.is_dir()}
    assert found <= set(TRANSLATED), found - set(TRANSLATED)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalogue_matches_the_template(lang: str) -> None:
    catalog = read(po_path(lang))
    missing = ids(template()) - ids(catalog)
    extra = ids(catalog) - ids(template())
    assert not missing, f"{lang}: not in the catalogue (run the update in docs/i18n.md): {missing}"
    assert not extra, f"{lang}: no longer in the template (run the update): {extra}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang: str) -> None:
    catalog = read(po_path(lang))
    assert not catalog.fuzzy, f"{lang}: the catalogue header is marked fuzzy"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(("fuzzy", message.id))
        texts = forms(message)
        if isinstance(message.id, tuple) and len(texts) != catalog.num_plurals:
            problems.append((f"{len(texts)} plural forms, not {catalog.num_plurals}", message.id))
        if any(not text.strip() for text in texts):
            problems.append(("empty", message.id))
    assert not problems, f"{lang}: {problems}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_placeholders_tags_and_commands(lang: str) -> None:
    catalog = read(po_path(lang))
    problems = []
    for message in catalog:
        if not message.id:
            continue
        source = english(message)
        want_fields = set().union(*(placeholders(s) for s in source))
        want_tags = tags(source[-1])
        want_commands = commands(source[-1])
        for text in forms(message):
            try:
                fields = placeholders(text)
                text.format(**dict.fromkeys(fields, "x"))
            except (ValueError, IndexError, KeyError) as exc:
                problems.append((f"broken template: {exc}", text))
                continue
            if fields != want_fields:
                problems.append((f"placeholders {sorted(fields)} != {sorted(want_fields)}", text))
            if tags(text) != want_tags:
                problems.append((f"HTML tags {dict(tags(text))} != {dict(want_tags)}", text))
            if commands(text) != want_commands:
                problems.append((f"commands {dict(commands(text))} != {dict(want_commands)}", text))
    assert not problems, f"{lang}: " + "\n".join(f"{why}: {text!r}" for why, text in problems)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_babel_finds_no_problems(lang: str) -> None:
    catalog = read(po_path(lang))
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert not problems, problems


def test_helpers_catch_mistakes() -> None:
    assert placeholders("Hi {name}, {date}") == {"name", "date"}
    with pytest.raises(ValueError, match="expected"):
        placeholders("Hi {name")
    assert tags("<b>a</b> <a href='x'>b</a>") == Counter({"b": 1, "b/": 1, "a": 1, "a/": 1})
    assert commands("Send /forget or /help, not a/b") == Counter({"/forget": 1, "/help": 1})
