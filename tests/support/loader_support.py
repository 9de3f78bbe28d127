"""Shared by the loader tests (tests/faq/test_loader*.py): an entry header to build broken
files on, and the problems a tree fails to load with."""

from __future__ import annotations

import pytest

from faq.loader import FaqLoadError, FaqProblem, load_tree

HEADER = """\
id: housing-broken
category: housing
reviewed: 2026-01-15
sources:
  - https://www.example.org/a
translations:
"""  # lines 1-6; a test's own lines start at 7


def problems_of(root) -> list[FaqProblem]:
    """The problems ``root`` fails to load with (it must fail)."""
    with pytest.raises(FaqLoadError) as caught:
        load_tree(root)
    # the exception's text is what staff see: one line per problem
    assert str(caught.value) == "\n".join(str(p) for p in caught.value.problems)
    return caught.value.problems


def only_problem(root, path) -> FaqProblem:
    """The one problem of ``root``, which must be in ``path``."""
    problems = problems_of(root)
    assert [p.file for p in problems] == [path], [str(p) for p in problems]
    return problems[0]


def assert_names(problem: FaqProblem, path, line: int, field: str) -> None:
    """``problem`` names this file, line and field, in its text too."""
    assert (problem.file, problem.line, problem.field) == (path, line, field), str(problem)
    assert str(problem).startswith(f"{path}:{line}: {field}: "), str(problem)
