"""A YAML file read for validation: plain data plus the line of every node, and the problems
found in it (each naming the file, the line and the field, so staff can fix a broken tree
without reading code). Shared by the FAQ loader, the extras and the safety loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]

#: libyaml's parser (C, some twenty times faster) when PyYAML was built with it; it keeps the
#: line of every node, which the error messages need.
YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class FaqProblem:
    """One thing wrong with one file."""

    file: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class FaqLoadError(Exception):
    """The FAQ tree could not be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: list[FaqProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Doc:
    """A YAML document as plain data plus the line of every node, by path."""

    def __init__(self, path: Path, data: Any, lines: dict[Path_, int]) -> None:
        self.path = path
        self.data = data
        self.lines = lines
        self.problems: list[FaqProblem] = []

    def line(self, where: Path_) -> int | None:
        """The line of ``where``, or of its nearest ancestor that has one."""
        while where:
            if where in self.lines:
                return self.lines[where]
            where = where[:-1]
        return self.lines.get((), 1)

    def problem(self, where: Path_, message: str) -> None:
        """Record a problem at ``where`` (a path of keys and indexes)."""
        field = ".".join(str(p) for p in where)
        self.problems.append(FaqProblem(self.path, self.line(where), field, message))


def read_doc(path: Path) -> Doc:
    """Parse ``path``; a file that is not UTF-8 or not YAML gives a Doc with one problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        doc = Doc(path, None, {})
        line = exc.object[: exc.start].count(b"\n") + 1
        doc.problems.append(FaqProblem(path, line, "", f"not UTF-8 text ({exc.reason})"))
        return doc
    try:
        node = yaml.compose(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        doc = Doc(path, None, {})
        reason = getattr(exc, "problem", None) or str(exc)
        doc.problems.append(
            FaqProblem(path, mark.line + 1 if mark else None, "", f"invalid YAML: {reason}")
        )
        return doc
    lines: dict[Path_, int] = {}
    scalars = yaml.SafeLoader("")  # builds scalar values (dates, numbers) the standard way
    data = _construct(node, (), lines, scalars) if node is not None else None
    return Doc(path, data, lines)


def _construct(
    node: yaml.Node, where: Path_, lines: dict[Path_, int], scalars: yaml.SafeLoader
) -> Any:
    lines[where] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = scalars.construct_object(key_node)
            out[key] = _construct(value_node, (*where, str(key)), lines, scalars)
            lines[(*where, str(key))] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(v, (*where, i), lines, scalars) for i, v in enumerate(node.value)]
    try:
        return scalars.construct_object(node)
    except ValueError:  # an impossible date such as 2026-13-01: the field check reports it
        return node.value


def doc_strings(doc: Doc, value: Any, where: Path_, *, required: bool) -> tuple[str, ...]:
    """A list of non-empty strings (a single string is accepted as a list of one)."""
    if value is None:
        if required:
            doc.problem(where, "missing")
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        doc.problem(where, "must be a list of texts")
        return ()
    out: list[str] = []
    for i, item in enumerate(value):
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str) or not item.strip():
            doc.problem((*where, i), "must be a non-empty text")
            continue
        out.append(item.strip())
    if required and not out:
        doc.problem(where, "needs at least one item")
    return tuple(out)


def unknown_keys(doc: Doc, data: dict[str, Any], allowed: set[str], where: Path_) -> None:
    """Report every key of ``data`` outside ``allowed``."""
    for key in data:
        if key not in allowed:
            doc.problem((*where, str(key)), f"unknown key (allowed: {', '.join(sorted(allowed))})")
