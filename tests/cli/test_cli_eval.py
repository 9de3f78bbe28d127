"""``welcomebot eval`` on a small question file whose figures can be worked out by hand."""

from __future__ import annotations

import json

import pytest

from faq.evaluation import Item, Outcome, evaluate, load_items

QUESTIONS = """\
# 4 questions with an entry (the 4th labelled wrongly on purpose), 3 special ones, and one
# whose entry this FAQ does not have
- q: How do I find a room in Leiden?
  lang: en
  expect: housing-find-room
- q: Hoe vind ik een kamer in Leiden?
  lang: nl
  expect: housing-find-room
- q: How do I connect to eduroam?
  lang: en
  expect: eduroam-connect
- q: How do I connect to eduroam?
  lang: en
  expect: housing-find-room
- q: What will the weather be like in Amsterdam tomorrow?
  lang: en
  expect: "@none"
- q: hello
  lang: en
  expect: "@smalltalk"
- q: I want to end my life
  lang: en
  expect: "@crisis"
- q: When does the library open on Sundays?
  lang: en
  expect: general-library
"""


@pytest.fixture
def questions(tmp_path):
    path = tmp_path / "questions.yaml"
    path.write_text(QUESTIONS, encoding="utf-8")
    return path


def test_json_figures_only_present(cli, minimal_tree, questions):
    run = cli("eval", questions, "--faq-dir", minimal_tree.root, "--only-present", "--json")
    assert run.code == 0, run.err
    report = json.loads(run.out)
    assert report["items"] == 7
    assert report["skipped"] == 1
    overall = report["overall"]
    assert overall["answered_correct"] == 75.0  # 3 of 4
    assert overall["correct_in_answer_or_clarify"] == 75.0
    assert overall["wrong_answer"] == 25.0  # the mislabelled one was answered
    assert overall["top1"] == 75.0
    assert overall["out_of_scope_false_answer"] == 0.0
    assert overall["smalltalk"] == 100.0
    assert overall["crisis_recall"] == 100.0
    assert overall["reply_language"] == 100.0
    assert set(report["by_language"]) == {"en", "nl"}
    nl = report["by_language"]["nl"]
    assert nl["answered_correct"] == 100.0
    assert nl["crisis_recall"] is None  # no such items in Dutch
    en = report["by_language"]["en"]
    assert en["answered_correct"] == pytest.approx(66.7)  # 2 of 3


def test_json_figures_with_every_question(cli, minimal_tree, questions):
    run = cli("eval", questions, "--faq-dir", minimal_tree.root, "--json")
    report = json.loads(run.out)
    assert report["items"] == 8
    assert report["skipped"] == 0
    assert report["overall"]["answered_correct"] == 60.0  # 3 of 5: the unknown entry counts


def test_table(cli, minimal_tree, questions):
    run = cli("eval", questions, "--faq-dir", minimal_tree.root, "--only-present")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].split()[:3] == ["lang", "n", "ans-ok"]
    table = lines[2 : lines.index("")]  # the safety section and the confusion follow a blank line
    rows = {line.split()[0]: line.split() for line in table}
    assert set(rows) == {"en", "nl", "all"}
    assert rows["all"][1:3] == ["7", "75.0"]
    assert rows["nl"][1:3] == ["1", "100.0"]
    assert "(1 items skipped: their entry is not in this FAQ)" in run.out


def test_wrong_answers_are_shown_by_entry(cli, minimal_tree, questions):
    run = cli("eval", questions, "--faq-dir", minimal_tree.root, "--only-present")
    confusion = run.out.split("wrong answers (expected -> answered):")[1]
    assert "housing-find-room  ->  eduroam-connect  ×1" in confusion


def test_misses_are_listed(cli, minimal_tree, questions):
    run = cli("eval", questions, "--faq-dir", minimal_tree.root, "--only-present", "--misses")
    assert "misses:" in run.out
    misses, languages = run.out.split("misses:")[1].split("replied in another language:")
    [miss] = misses.strip().splitlines()
    assert "expected housing-find-room, got eduroam-connect" in miss
    assert languages.strip() == "none"


def test_replies_in_another_language_are_listed(cli, minimal_tree, tmp_path):
    path = tmp_path / "q.yaml"
    # labelled Dutch, but written in English: the reply is in English, a language miss
    path.write_text(
        '- q: "How do I connect to eduroam?"\n  lang: nl\n  expect: eduroam-connect\n',
        encoding="utf-8",
    )
    run = cli("eval", path, "--faq-dir", minimal_tree.root, "--only-present", "--misses")
    languages = run.out.split("replied in another language:")[1].strip().splitlines()
    assert languages == ["1", "  [nl] 'How do I connect to eduroam?': replied in en"]


def test_malformed_question_file_is_a_clear_error(cli, minimal_tree, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("- q: hello\n  lang: en\n", encoding="utf-8")
    run = cli("eval", path, "--faq-dir", minimal_tree.root)
    assert run.code == 2
    assert "item 1" in run.err
    assert run.out == ""


def test_evaluate_counts_by_hand():
    items = [
        Item("a", "en", "x"),
        Item("b", "en", "x"),
        Item("c", "nl", "y"),
        Item("d", "nl", "@none"),
    ]
    outcomes = {
        "a": Outcome("answer", "x", (), ("x", "y"), "en"),
        "b": Outcome("clarify", None, ("y", "x"), ("y", "x"), "en"),
        "c": Outcome("answer", "x", (), ("x", "y"), "de"),
        "d": Outcome("answer", "y", (), ("y",), "nl"),
    }
    report = evaluate(items, lambda item: outcomes[item.question], known_entries=["x", "y"])
    figures = report.overall.figures()
    assert figures["answered_correct"] == pytest.approx(33.3)
    assert figures["correct_in_answer_or_clarify"] == pytest.approx(66.7)
    assert figures["wrong_answer"] == pytest.approx(33.3)
    assert figures["out_of_scope_false_answer"] == 100.0
    assert figures["reply_language"] == 75.0
    assert figures["top1"] == pytest.approx(33.3)
    assert figures["top3"] == 100.0
    assert figures["crisis_recall"] is None
    assert len(report.overall.misses) == 3


def test_load_items(questions):
    items = load_items(questions)
    assert len(items) == 8
    assert items[4] == Item("What will the weather be like in Amsterdam tomorrow?", "en", "@none")
