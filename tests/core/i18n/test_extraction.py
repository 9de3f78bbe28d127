"""The catalogues cover the code: every string that goes through ``gettext``, ``ngettext`` or
``N_`` in ``bot/`` (extracted with Babel and ``babel.cfg``, as ``docs/i18n.md`` does) is in
the template and in every catalogue, and the template holds nothing the code no longer says.

A developer who adds or changes an interface text runs the extract / update commands of
``docs/i18n.md`` and translates the new entries; until then these tests fail and name them.
"""

from __future__ import annotations

import ast
import io
from pathlib import Path
from typing import Any, cast

from babel.messages.extract import extract, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po
from i18n_support import BABEL_CFG, LOCALES, POT, ROOT

from faq.models import FALLBACK_LANGUAGE, LANGUAGES

#: The keywords of docs/i18n.md (``-k gettext:2 -k ngettext:2,3 -k N_``).
KEYWORDS = parse_keywords(["gettext:2", "ngettext:2,3", "N_"])
#: Argument positions of the message ids, for the AST check below.
POSITIONS = {"gettext": (1,), "ngettext": (1, 2), "N_": (0,)}

Msgid = str | tuple[str, ...]


def extracted() -> dict[Msgid, list[str]]:
    """Message id → the files that use it, as ``pybabel extract`` sees them."""
    with BABEL_CFG.open(encoding="utf-8") as f:
        method_map, options_map = cast(Any, parse_mapping_cfg)(f)
    found: dict[Msgid, list[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault(message, []).append(filename)
    return found


def catalogue_ids(path: Path) -> set[Msgid]:
    with path.open("rb") as f:
        return {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(f) if m.id}


def test_babel_cfg_covers_the_bot_package() -> None:
    files = {file for files in extracted().values() for file in files}
    assert any(file.startswith("bot/telegram/handlers/") for file in files)
    assert "bot/telegram/render/answers.py" in files
    assert "bot/core/desk.py" in files


def test_every_string_in_the_code_is_in_the_template() -> None:
    missing = {m: files for m, files in extracted().items() if m not in catalogue_ids(POT)}
    assert not missing, (
        "interface texts missing from locales/messages.pot; run the extract and update "
        f"commands of docs/i18n.md and translate them: {missing}"
    )


def test_the_template_holds_only_strings_the_code_uses() -> None:
    stale = catalogue_ids(POT) - set(extracted())
    assert not stale, f"no longer in the code; run the extract and update commands: {stale}"


def test_every_string_in_the_code_is_in_every_catalogue() -> None:
    code = set(extracted())
    for lang in LANGUAGES:
        if lang == FALLBACK_LANGUAGE:
            continue
        missing = code - catalogue_ids(LOCALES / lang / "LC_MESSAGES" / "messages.po")
        assert not missing, f"{lang}: not translated yet: {missing}"


def _literal_calls(tree: ast.AST) -> list[tuple[int, Msgid | None]]:
    """Every call of a keyword: (line, message id) with None for a non-literal message."""
    found: list[tuple[int, Msgid | None]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in POSITIONS or len(node.args) <= max(POSITIONS[name]):
            continue
        args = [node.args[i] for i in POSITIONS[name]]
        if all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
            values = tuple(str(a.value) for a in args if isinstance(a, ast.Constant))
            found.append((node.lineno, values[0] if len(values) == 1 else values))
        elif any(isinstance(a, ast.JoinedStr) for a in args):
            found.append((node.lineno, None))
    return found


def test_no_interface_text_hides_from_the_extractor() -> None:
    """Calls Babel's tokenizer cannot see (inside an f-string) or cannot translate (an
    f-string as the message): compare what Python parses with what Babel extracted."""
    code = set(extracted())
    problems = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        relative = path.relative_to(ROOT)
        for line, message in _literal_calls(ast.parse(path.read_text(encoding="utf-8"))):
            if message is None:
                problems.append(f"{relative}:{line}: an f-string cannot be translated")
            elif message not in code:
                problems.append(f"{relative}:{line}: {message!r} is not extracted by Babel")
    assert not problems, "\n".join(problems)


def test_the_ast_check_sees_what_babel_misses() -> None:
    source = (
        "title = f\"<b>{gettext(lang, 'Hidden')}</b>\"\n"
        "shown = gettext(lang, 'Shown')\n"
        "bad = gettext(lang, f'Hi {name}')\n"
    )
    babel = {m[1] for m in extract("python", io.BytesIO(source.encode()), keywords=KEYWORDS)}
    parsed = dict((message, line) for line, message in _literal_calls(ast.parse(source)))
    assert "Shown" in babel
    assert "Shown" in parsed
    assert None in parsed  # the f-string message is reported
    # before Python 3.12 Babel's tokenizer does not look inside f-strings; the AST does
    assert "Hidden" in parsed
