"""The loader on safety.yaml, file encodings, many problems at once, and both YAML parsers
(the rest of the loader: ``test_loader.py``)."""

from __future__ import annotations

from loader_support import HEADER, assert_names, only_problem, problems_of

from faq.loader import load_tree


# --------------------------------------------------------------------------- safety.yaml
def test_missing_safety_file(minimal_tree):
    path = minimal_tree.root / "safety.yaml"
    path.unlink()
    problem = only_problem(minimal_tree.root, path)
    # nothing to point at inside a file that is not there: file and reason only
    assert str(problem).startswith(f"{path}: ")
    assert "missing" in problem.message


def test_safety_entry_that_does_not_exist(minimal_tree):
    path = minimal_tree.safety({"en": ["kill myself"]}, entry="welfare-nope")
    problem = only_problem(minimal_tree.root, path)
    assert_names(problem, path, 1, "entry")
    assert "welfare-nope" in problem.message


def test_safety_unknown_language_and_key(minimal_tree):
    path = minimal_tree.write(
        "safety.yaml",
        """\
        entry: welfare-crisis
        triggers:
          en: [kill myself]
          pt: [me matar]
        idioms:
          en: [killing me]
        """,
    )
    problems = problems_of(minimal_tree.root)
    assert {(p.file, p.line, p.field) for p in problems} == {
        (path, 4, "triggers.pt"),
        (path, 5, "idioms"),
    }, [str(p) for p in problems]


# --------------------------------------------------------------------------- encoding
def test_non_utf8_file(minimal_tree):
    path = minimal_tree.root / "housing" / "housing-broken.yaml"
    text = HEADER + "  en:\n    questions: [Où est le café ?]\n    answer: a\n"
    path.write_bytes(text.encode("latin-1"))
    problem = only_problem(minimal_tree.root, path)
    assert "UTF-8" in problem.message
    # the line of the first byte that is not UTF-8
    assert problem.line == 8, str(problem)
    assert str(problem).startswith(f"{path}:8: ")


def test_byte_order_mark_is_accepted(minimal_tree):
    path = minimal_tree.root / "housing" / "housing-extra.yaml"
    text = HEADER.replace("housing-broken", "housing-extra") + "  en:\n    questions: [q]\n"
    path.write_bytes(("\ufeff" + text + "    answer: a\n").encode("utf-8"))
    assert "housing-extra" in load_tree(minimal_tree.root).entries


# --------------------------------------------------------------------------- all at once
def test_several_problems_are_reported_together(minimal_tree):
    unknown = minimal_tree.write(
        "housing/a-unknown.yaml",
        HEADER.replace("housing-broken", "a-unknown")
        + "  en:\n    questions: [q]\n    answer: a\n    notes: x\n",
    )
    no_answer = minimal_tree.write(
        "eduroam/b-no-answer.yaml",
        HEADER.replace("housing-broken", "b-no-answer").replace("housing\n", "eduroam\n")
        + "  en:\n    questions: [q]\n",
    )
    bad_yaml = minimal_tree.write("eduroam/c-bad.yaml", "id: [c-bad\n")
    safety = minimal_tree.root / "safety.yaml"
    safety.unlink()

    problems = problems_of(minimal_tree.root)

    where = {(p.file, p.field) for p in problems}
    assert (unknown, "translations.en.notes") in where
    assert (no_answer, "translations.en.answer") in where
    assert bad_yaml in {p.file for p in problems}
    assert safety in {p.file for p in problems}
    assert len(problems) == 4, [str(p) for p in problems]


# --------------------------------------------------------------------------- parsers
def test_libyaml_parses_when_pyyaml_has_it():
    import yaml

    import faq.yaml_doc

    if yaml.__with_libyaml__:
        assert faq.yaml_doc.YAML_LOADER is yaml.CSafeLoader
    else:
        assert faq.yaml_doc.YAML_LOADER is yaml.SafeLoader


def test_the_pure_python_parser_gives_the_same_tree_and_problems(minimal_tree, monkeypatch):
    import yaml

    import faq.yaml_doc

    with_libyaml = load_tree(minimal_tree.root)
    minimal_tree.write("housing/housing-broken.yaml", HEADER + "  en:\n    questions: [a, b\n")
    minimal_tree.write(
        "eduroam/b-no-answer.yaml",
        HEADER.replace("housing-broken", "b-no-answer").replace("housing\n", "eduroam\n")
        + "  en:\n    questions: [q]\n    anser: x\n",
    )
    # the same file, line and field (libyaml words a syntax error a little differently)
    problems = [(p.file, p.line, p.field) for p in problems_of(minimal_tree.root)]
    assert len(problems) == 3, problems
    monkeypatch.setattr(faq.yaml_doc, "YAML_LOADER", yaml.SafeLoader)
    assert [(p.file, p.line, p.field) for p in problems_of(minimal_tree.root)] == problems
    for name in ("housing/housing-broken.yaml", "eduroam/b-no-answer.yaml"):
        (minimal_tree.root / name).unlink()
    assert load_tree(minimal_tree.root) == with_libyaml
