"""Add one question to an FAQ file the way a person would: one line more, nothing else moved.

Staff review what the bot learned as a diff (``git diff``, or the diff the commands print), so
a new question variant or out-of-scope example is inserted into the file's text where it
belongs (after the last question of that language, in the style of that list: ``- item``
lines or ``[a, b]``), and comments, quoting, key order and blank lines stay as they were.
The file is never re-dumped by a YAML library.

Every edit is checked before it is offered: the edited text must parse to exactly the old data
with the one question added (:class:`WriteError` otherwise, and the file is left alone).
:meth:`FileEdit.apply` writes atomically and refuses when the file changed since it was read.

Used by ``welcomebot unanswered mark-out-of-scope``, ``welcomebot suggestions accept`` and
their staff-chat buttons (one implementation for both). Pure: no Telegram, no database.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from faq.extras import OUT_OF_SCOPE_FILE
from faq.models import LANGUAGES
from faq.normalise import normalise

# libyaml when PyYAML has it (about thirty times faster); its marks are the same character
# positions as the Python parser's (tests/faq/test_writer.py edits every bundled file).
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: A longer text is no question variant (a story to read, not to match); add it by hand.
MAX_QUESTION_CHARS = 400


class WriteError(ValueError):
    """The question cannot be added (unknown entry, group or language, a file that is not as
    expected); the message says why and nothing was written."""


class AlreadyThere(WriteError):
    """The question (normalised) is in that file already."""


@dataclass(frozen=True, slots=True)
class FileEdit:
    """One file's text before and after an edit; nothing is written until :meth:`apply`."""

    path: Path
    before: str
    after: str
    #: what was added, for messages
    question: str
    language: str
    #: the entry or out-of-scope group the question was added to
    target: str

    def diff(self, root: Path | None = None) -> str:
        """A unified diff of the edit (file names relative to ``root`` when given)."""
        name = str(self.path)
        if root is not None:
            with contextlib.suppress(ValueError):  # a file outside root keeps its full path
                name = str(self.path.relative_to(root))
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
            n=2,
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)

    def apply(self) -> None:
        """Write the edited text (atomically, keeping the file's permissions).

        Raises :class:`WriteError` when the file changed since it was read, or cannot be
        written (a read-only FAQ directory, for example).
        """
        try:
            current = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise WriteError(f"cannot read {self.path}: {exc.strerror or exc}") from exc
        if current != self.before:
            raise WriteError(f"{self.path} changed since it was read; try again")
        try:
            mode = self.path.stat().st_mode & 0o7777
            handle, temporary = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
            )
        except OSError as exc:
            raise WriteError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(self.after)
            os.chmod(temporary, mode)
            os.replace(temporary, self.path)
        except OSError as exc:
            Path(temporary).unlink(missing_ok=True)
            raise WriteError(f"cannot write {self.path}: {exc.strerror or exc}") from exc


# ---------------------------------------------------------------------- the question
def question_text(text: str) -> str:
    """``text`` as one question line: control and invisible characters gone, whitespace
    collapsed. :class:`WriteError` when nothing is left or it is too long."""
    visible = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in text
        if unicodedata.category(ch) != "Cf"
    )
    line = " ".join(visible.split())
    if not line:
        raise WriteError("the question is empty")
    if len(line) > MAX_QUESTION_CHARS:
        raise WriteError(
            f"the question has {len(line)} characters (at most {MAX_QUESTION_CHARS} make a "
            "question variant); shorten it and add it by hand"
        )
    return line


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise WriteError(f"unknown language {language!r} (supported: {', '.join(LANGUAGES)})")


# ---------------------------------------------------------------------- public edits
def find_entry_file(root: Path, entry_id: str) -> Path:
    """The file of entry ``entry_id`` under ``root`` (normally ``<category>/<id>.yaml``)."""
    candidates = sorted(root.rglob(f"{entry_id}.yaml")) + sorted(root.rglob("*.yaml"))
    seen: set[Path] = set()
    for path in candidates:
        if path in seen or any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        seen.add(path)
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and data.get("id") == entry_id and "translations" in data:
            return path
    raise WriteError(f"no FAQ entry {entry_id!r} under {root}")


def entry_question_edit(path: Path, entry_id: str, language: str, question: str) -> FileEdit:
    """Add ``question`` to the ``language`` questions of the entry in ``path``."""
    _check_language(language)
    line = question_text(question)
    text, root_node, data = _parse(path)
    if not isinstance(data, dict) or data.get("id") != entry_id:
        raise WriteError(f"{path} is not the file of entry {entry_id!r}")
    translations = _value(root_node, "translations")
    translation = _value(translations, language) if translations is not None else None
    if translation is None:
        raise WriteError(
            f"entry {entry_id!r} has no {language} translation; add the language (with its "
            "answer) by hand first"
        )
    sequence = _value(translation, "questions")
    if not isinstance(sequence, yaml.SequenceNode):
        raise WriteError(f"{path}: translations.{language}.questions is not a list")
    existing = [
        q
        for body in (data.get("translations") or {}).values()
        if isinstance(body, dict)
        for q in body.get("questions") or []
        if isinstance(q, str)
    ]
    _refuse_duplicate(line, existing, f"entry {entry_id!r}")
    after = _append(text, sequence, line)
    expected = copy.deepcopy(data)
    expected["translations"][language]["questions"].append(line)
    _verify(path, after, expected)
    return FileEdit(path, text, after, line, language, entry_id)


def out_of_scope_edit(root: Path, group_id: str, language: str, question: str) -> FileEdit:
    """Add ``question`` to the ``language`` examples of out-of-scope group ``group_id`` in
    ``root/out-of-scope.yaml`` (a new language list when the group has none yet)."""
    _check_language(language)
    line = question_text(question)
    path = root / OUT_OF_SCOPE_FILE
    if not path.is_file():
        raise WriteError(f"no {OUT_OF_SCOPE_FILE} in {root}")
    text, root_node, data = _parse(path)
    groups_node = _value(root_node, "groups")
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups_node, yaml.SequenceNode) or not isinstance(groups, list):
        raise WriteError(f"{path} has no list of groups")
    known = [g.get("id") for g in groups if isinstance(g, dict)]
    if group_id not in known:
        raise WriteError(
            f"no out-of-scope group {group_id!r} (known: {', '.join(map(str, known))})"
        )
    index = known.index(group_id)
    group_node = groups_node.value[index]
    group = groups[index]
    questions_node = _value(group_node, "questions")
    if not isinstance(questions_node, yaml.MappingNode) or not isinstance(
        group.get("questions"), dict
    ):
        raise WriteError(f"{path}: group {group_id!r} has no questions by language")
    existing = [q for qs in group["questions"].values() for q in qs or [] if isinstance(q, str)]
    _refuse_duplicate(line, existing, f"out-of-scope group {group_id!r}")
    expected = copy.deepcopy(data)
    sequence = _value(questions_node, language)
    if sequence is None:
        after = _add_key(text, questions_node, language, f"[{_flow_item(line)}]")
        expected["groups"][index]["questions"][language] = [line]
    elif isinstance(sequence, yaml.SequenceNode):
        after = _append(text, sequence, line)
        expected["groups"][index]["questions"][language].append(line)
    else:
        raise WriteError(f"{path}: group {group_id!r}: questions.{language} is not a list")
    _verify(path, after, expected)
    return FileEdit(path, text, after, line, language, group_id)


# ---------------------------------------------------------------------- text surgery
def _parse(path: Path) -> tuple[str, yaml.Node, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WriteError(f"cannot read {path}: {exc}") from exc
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise WriteError(f"{path} is not valid YAML; run `welcomebot faq check`") from exc
    if not isinstance(node, yaml.MappingNode):
        raise WriteError(f"{path} is not a YAML mapping")
    return text, node, data


def _value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            if isinstance(value_node, yaml.ScalarNode) and value_node.tag.endswith(":null"):
                return None
            return value_node if isinstance(value_node, yaml.Node) else None
    return None


def _refuse_duplicate(line: str, existing: list[str], where: str) -> None:
    key = normalise(line)
    if key and any(normalise(q) == key for q in existing):
        raise AlreadyThere(f"{where} has this question already: {line!r}")


def _is(text: str, loaded: str) -> bool:
    # both parsers must agree: libyaml reads "[is it ok?]" as PyYAML's own parser (the
    # fallback without libyaml) refuses to
    try:
        return all(
            yaml.load(text, Loader=loader) == [loaded] for loader in {_LOADER, yaml.SafeLoader}
        )
    except yaml.YAMLError:
        return False


def _quoted(line: str) -> str:
    return '"' + line.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _flow_item(line: str) -> str:
    """``line`` as an item of a ``[a, b]`` list: plain when it reads back the same."""
    return line if _is(f"[{line}]", line) else _quoted(line)


def _block_item(line: str) -> str:
    """``line`` as a ``- item`` line's item: plain when it reads back the same."""
    return line if _is(f"- {line}\n", line) else _quoted(line)


def _after_line_of(text: str, node: yaml.Node) -> tuple[int, str]:
    """Where a new line goes after ``node`` (the start of the following line), and the
    newline to put before it when the file does not end with one."""
    end = node.end_mark.index
    if node.end_mark.column == 0:  # a block scalar ends at the start of the next line
        return end, ""
    newline = text.find("\n", end)
    if newline == -1:
        return len(text), "\n"
    return newline + 1, ""


def _indent_before(text: str, index: int) -> str:
    start = text.rfind("\n", 0, index) + 1
    indent = text[start:index]
    if indent.strip(" "):
        raise WriteError("the list is laid out in a way this tool does not edit; add it by hand")
    return indent


def _append(text: str, sequence: yaml.SequenceNode, line: str) -> str:
    if sequence.flow_style:
        close = sequence.end_mark.index - 1  # the "]"
        if text[close] != "]":
            raise WriteError("the list is laid out in a way this tool does not edit")
        before = text[:close].rstrip()
        separator = "" if not sequence.value or before.endswith((",", "[")) else ", "
        if before.endswith(","):
            separator = " "
        return text[:close].rstrip() + separator + _flow_item(line) + text[close:]
    if not sequence.value:
        raise WriteError("an empty block list; add the question by hand")
    last = sequence.value[-1]
    dash = text.rfind("-", 0, last.start_mark.index)
    indent = _indent_before(text, dash)
    gap = text[dash + 1 : last.start_mark.index]
    if gap.strip(" ") or not gap:
        gap = " "
    at, newline = _after_line_of(text, last)
    return text[:at] + newline + f"{indent}-{gap}{_block_item(line)}\n" + text[at:]


def _add_key(text: str, mapping: yaml.MappingNode, key: str, value: str) -> str:
    if mapping.flow_style or not mapping.value:
        raise WriteError("the mapping is laid out in a way this tool does not edit")
    first_key = mapping.value[0][0]
    indent = _indent_before(text, first_key.start_mark.index)
    at, newline = _after_line_of(text, mapping.value[-1][1])
    return text[:at] + newline + f"{indent}{key}: {value}\n" + text[at:]


def _verify(path: Path, after: str, expected: Any) -> None:
    try:
        ok = yaml.load(after, Loader=_LOADER) == expected
    except yaml.YAMLError:
        ok = False
    if not ok:
        raise WriteError(
            f"could not add the question to {path} without changing anything else; add it by hand"
        )
