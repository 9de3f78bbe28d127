"""The loader: a valid tree loads; every kind of broken file is an error that names the file,
the line and the field (DESIGN.md, "FAQ files"), and all problems are reported at once (safety.yaml, encodings, many problems, the parsers:
``test_loader_files.py``)."""

from __future__ import annotations

from datetime import date

import pytest
from loader_support import HEADER, assert_names, only_problem, problems_of

from faq.loader import load_tree
from faq.models import SafetyRules


# --------------------------------------------------------------------------- valid
def test_minimal_tree_loads(minimal_tree):
    tree = load_tree(minimal_tree.root)

    assert set(tree.entries) == {"housing-find-room", "eduroam-connect", "welfare-crisis"}
    room = tree.entries["housing-find-room"]
    assert room.category == "housing"
    assert room.reviewed == date(2026, 1, 15)
    assert room.sources == ("https://www.example.org/source",)
    assert room.related == ("eduroam-connect",)
    assert set(room.translations) == {"en", "nl", "de", "zh"}
    assert room.translations["en"].title == "How do I find a room in Leiden?"
    assert room.translations["en"].keywords == ("room", "housing")
    assert room.path == minimal_tree.root / "housing" / "housing-find-room.yaml"
    assert isinstance(tree.safety, SafetyRules)
    assert tree.safety.entry == "welfare-crisis"
    assert "想死" in tree.safety.triggers["zh"]
    assert tree.safety.not_crisis["en"] == ("killing me",)
    assert sorted(k.id for k in tree.smalltalk) == ["greeting", "thanks"]
    assert tree.synonyms["wifi"][:2] == ("wifi", "wi-fi")


def test_entry_translation_falls_back_to_english(minimal_tree):
    room = load_tree(minimal_tree.root).entries["housing-find-room"]
    assert room.translation("nl")[1] == "nl"
    translation, language = room.translation("it")
    assert language == "en"
    assert translation.answer.startswith("Look on")


def test_missing_directory_is_an_error(tmp_path):
    problems = problems_of(tmp_path / "nowhere")
    assert problems[0].file == tmp_path / "nowhere"
    assert "not found" in problems[0].message


# --------------------------------------------------------------------------- YAML syntax
@pytest.mark.parametrize(
    ("body", "line"),
    [
        # a plain value with ": " inside: "mapping values are not allowed here"
        ("  en:\n    questions: [Is it a scam]\n    answer: Don't pay: it is a scam\n", 9),
        # a quote that is never closed runs to the end of the file
        ('  en:\n    questions: ["Is it a scam?]\n    answer: no\n', 10),
        # a list that is never closed
        ("  en:\n    questions: [a, b\n    answer: no\n", 9),
    ],
    ids=["colon-in-plain-value", "unclosed-quote", "unclosed-list"],
)
def test_bad_yaml_names_the_line_of_the_syntax_error(minimal_tree, body, line):
    path = minimal_tree.write("housing/housing-broken.yaml", HEADER + body)
    problem = only_problem(minimal_tree.root, path)
    assert problem.line == line, str(problem)
    assert str(problem).startswith(f"{path}:{line}: ")
    assert "invalid YAML" in problem.message


# --------------------------------------------------------------------------- schema
def test_unknown_top_level_key(minimal_tree):
    path = minimal_tree.write(
        "housing/housing-broken.yaml",
        HEADER.replace("translations:\n", "answer: stray\ntranslations:\n")
        + "  en:\n    questions: [q]\n    answer: a\n",
    )
    problem = only_problem(minimal_tree.root, path)
    assert_names(problem, path, 6, "answer")
    assert "unknown key" in problem.message


def test_unknown_key_inside_a_translation(minimal_tree):
    path = minimal_tree.write(
        "housing/housing-broken.yaml",
        HEADER + "  en:\n    questions: [q]\n    anwser: typo\n    answer: a\n",
    )
    problem = only_problem(minimal_tree.root, path)
    assert_names(problem, path, 9, "translations.en.anwser")
    assert "unknown key" in problem.message
    assert "answer" in problem.message  # tells staff what is allowed


def test_missing_answer(minimal_tree):
    path = minimal_tree.write(
        "housing/housing-broken.yaml",
        HEADER + "  en:\n    questions: [q]\n  nl:\n    questions: [v]\n    answer: a\n",
    )
    problem = only_problem(minimal_tree.root, path)
    assert_names(problem, path, 7, "translations.en.answer")
    assert "missing" in problem.message


def test_empty_answer(minimal_tree):
    path = minimal_tree.write(
        "housing/housing-broken.yaml", HEADER + "  en:\n    questions: [q]\n    answer: '  '\n"
    )
    problem = only_problem(minimal_tree.root, path)
    assert_names(problem, path, 9, "translations.en.answer")


def test_missing_questions(minimal_tree):
    path = minimal_tree.write("housing/housing-broken.yaml", HEADER + "  en:\n    answer: a\n")
    problem = only_problem(minimal_tree.root, path)
    assert_names(problem, path, 7, "translations.en.questions")
    assert "missing" in problem.message


def test_empty_questions_list(minimal_tree):
    path = minimal_tree.write(
        "housing/housing-broken.yaml", HEADER + "  en:\n    questions: []\n    answer: a\n"
    )
    problem = only_problem(minimal_tree.root, path)
    assert_names(problem, path, 8, "translations.en.questions")


@pytest.mark.parametrize("key", ["id", "category", "reviewed", "translations"])
def test_missing_required_top_level_key(minimal_tree, key):
    lines = [
        "id: housing-broken",
        "category: housing",
        "reviewed: 2026-01-15",
        "translations:",
        "  en:",
        "    questions: [q]",
        "    answer: a",
    ]
    keep = [ln for ln in lines if not ln.startswith(f"{key}:")]
    if key == "translations":
        keep = keep[:3]
    path = minimal_tree.write("housing/housing-broken.yaml", "\n".join(keep) + "\n")
    problems = problems_of(minimal_tree.root)
    assert any(p.file == path and p.field == key and "missing" in p.message for p in problems), [
        str(p) for p in problems
    ]


def test_duplicate_id_across_two_files_names_both(minimal_tree):
    # sorted after housing/housing-find-room.yaml, so this is the duplicate
    path = minimal_tree.write(
        "international-centre/copy.yaml",
        """\
        # copied from the housing entry and forgot to change the id
        id: housing-find-room
        category: international-centre
        reviewed: 2026-01-15
        translations:
          en:
            questions: [q]
            answer: a
        """,
    )
    first = minimal_tree.root / "housing" / "housing-find-room.yaml"
    problems = problems_of(minimal_tree.root)
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert problem.field == "id"
    assert "duplicate id 'housing-find-room'" in problem.message
    # one file is named as the place, the other in the message, with the id's line
    named = {problem.file, *([first] if str(first) in problem.message else [])}
    named |= {path} if str(path) in problem.message else set()
    assert named == {first, path}, str(problem)
    assert problem.line == (2 if problem.file == path else 1)


def test_related_id_that_does_not_exist(minimal_tree):
    path = minimal_tree.write(
        "housing/housing-broken.yaml",
        HEADER.replace(
            "translations:\n", "related:\n  - eduroam-connect\n  - housing-nope\ntranslations:\n"
        )
        + "  en:\n    questions: [q]\n    answer: a\n",
    )
    problem = only_problem(minimal_tree.root, path)
    assert_names(problem, path, 8, "related.1")
    assert "housing-nope" in problem.message


@pytest.mark.parametrize(
    ("answer", "complaint"),
    [
        ("<b>Never pay before the viewing.", "unclosed <b>"),
        ("<p>Never pay before the viewing.</p>", "<p>"),
        ("Rent & deposit are due on the first.", "'&'"),
        ('<a href="javascript:alert(1)">Kamernet</a>', "javascript:alert(1)"),
        ("<b>bold <i>both</b></i>", "wrong order"),
        ("Costs &euro;400.", "&euro;"),
    ],
    ids=["unclosed-tag", "p-tag", "bare-ampersand", "javascript-link", "misnested", "entity"],
)
def test_html_telegram_cannot_parse(minimal_tree, answer, complaint):
    path = minimal_tree.write(
        "housing/housing-broken.yaml",
        HEADER + "  en:\n    questions: [q]\n    answer: |\n      " + answer + "\n",
    )
    problems = problems_of(minimal_tree.root)
    assert {p.file for p in problems} == {path}
    for problem in problems:
        assert_names(problem, path, 9, "translations.en.answer")
        assert "Telegram cannot show this HTML" in problem.message
    assert any(complaint in p.message for p in problems), [str(p) for p in problems]


def test_smalltalk_reply_html_is_checked_too(minimal_tree):
    path = minimal_tree.write(
        "smalltalk/bye.yaml",
        "id: bye\ntranslations:\n  en:\n    patterns: [bye]\n    reply: <u>Bye</u>\n",
    )
    problems = problems_of(minimal_tree.root)
    assert problems  # <u> is valid Telegram HTML but not allowed in FAQ texts
    for problem in problems:
        assert_names(problem, path, 5, "translations.en.reply")


def test_source_must_be_https(minimal_tree):
    path = minimal_tree.write(
        "housing/housing-broken.yaml",
        HEADER.replace(
            "  - https://www.example.org/a\n", "  - https://ok.example\n  - http://x.nl\n"
        )
        + "  en:\n    questions: [q]\n    answer: a\n",
    )
    problem = only_problem(minimal_tree.root, path)
    assert_names(problem, path, 6, "sources.1")
    assert "https://" in problem.message


@pytest.mark.parametrize("value", ["2026-13-01", "2026-02-30", "15-01-2026", "last week", "2026"])
def test_bad_reviewed_date(minimal_tree, value):
    path = minimal_tree.write(
        "housing/housing-broken.yaml",
        HEADER.replace("reviewed: 2026-01-15", f"reviewed: {value}")
        + "  en:\n    questions: [q]\n    answer: a\n",
    )
    problem = only_problem(minimal_tree.root, path)
    assert_names(problem, path, 3, "reviewed")
    assert "YYYY-MM-DD" in problem.message


def test_unknown_language(minimal_tree):
    path = minimal_tree.write(
        "housing/housing-broken.yaml",
        HEADER
        + "  en:\n    questions: [q]\n    answer: a\n  pt:\n    questions: [q]\n    answer: a\n",
    )
    problem = only_problem(minimal_tree.root, path)
    assert_names(problem, path, 10, "translations.pt")
    assert "unknown language" in problem.message


def test_id_must_be_kebab_case(minimal_tree):
    path = minimal_tree.write(
        "housing/housing-broken.yaml",
        HEADER.replace("id: housing-broken", "id: Housing_Broken")
        + "  en:\n    questions: [q]\n    answer: a\n",
    )
    assert_names(only_problem(minimal_tree.root, path), path, 1, "id")
