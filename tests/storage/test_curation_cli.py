"""``welcomebot unanswered mark-out-of-scope`` on SQLite and PostgreSQL, writing into a real
FAQ tree in tmp_path: the scrubbed question lands in the group's language list as one new
line, the question leaves the unanswered list, and every refusal is one clear line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_storage_cli import env, seed, welcomebot  # noqa: F401 (env is a fixture)

from faq.loader import load_tree

OUT_OF_SCOPE = """\
# Near-domain questions the bot must not answer (staff comment, kept).
groups:
  - id: tuition
    pointer:
      en: I can't help with tuition fees; the Student Affairs Front Office can.
    questions:
      en: [how much is the tuition fee, when do I pay tuition]
      nl: [hoeveel collegegeld betaal ik]
  - id: transport
    pointer:
      en: I can't help with trains; ns.nl can.
    questions:
      en: [how much is a train ticket]
"""


@pytest.fixture
def faq_dir(minimal_tree: Any) -> Path:
    minimal_tree.write("out-of-scope.yaml", OUT_OF_SCOPE)
    root: Path = minimal_tree.root
    return root


def _groups(capsys: pytest.CaptureFixture[str], status: str = "new") -> list[dict[str, Any]]:
    code, out, _ = welcomebot(capsys, "unanswered", "list", "--json", "--status", status)
    assert code == 0
    result: list[dict[str, Any]] = json.loads(out)
    return result


def test_mark_out_of_scope_writes_the_scrubbed_question_and_marks_the_group(
    env: dict[str, Any],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    faq_dir: Path,
) -> None:
    seed(
        ("Can my employer pay my tuition? call me 06-12345678", "en"),
        ("can my employer pay my tuition? call me 06-12345678", "en"),
        ("Kan mijn werkgever mijn collegegeld betalen?", "nl"),
    )
    code, out, err = welcomebot(
        capsys, "unanswered", "mark-out-of-scope", "1", "tuition", "--faq-dir", str(faq_dir)
    )
    assert (code, err) == (0, "")
    after = (faq_dir / "out-of-scope.yaml").read_text(encoding="utf-8")
    assert after == OUT_OF_SCOPE.replace(
        "when do I pay tuition]",
        'when do I pay tuition, "Can my employer pay my tuition? call me [phone]"]',
    )
    assert "06-12345678" not in out + after
    assert "--- a/out-of-scope.yaml" in out
    assert '+      en: [how much is the tuition fee, when do I pay tuition, "Can my' in out
    assert "Added question #1 to group 'tuition' (en)" in out
    assert "Marked 2 questions (the group of #1) as added" in out
    assert "welcomebot faq check" in out
    # the two near-duplicates left the list; the Dutch one is still new
    assert [g["samples"] for g in _groups(capsys)] == [
        ["Kan mijn werkgever mijn collegegeld betalen?"]
    ]
    code, out, _ = welcomebot(capsys, "unanswered", "export", "--csv", "--status", "added")
    assert out.count("out of scope: tuition") == 2
    # the tree still loads, and the group has the new example
    (tuition, _) = load_tree(faq_dir).out_of_scope
    assert tuition.questions["en"][-1] == "Can my employer pay my tuition? call me [phone]"

    # the Dutch one, into a group without a Dutch list yet: a new line for the language
    code, out, _ = welcomebot(
        capsys, "unanswered", "mark-out-of-scope", "3", "transport", "--faq-dir", str(faq_dir)
    )
    assert code == 0
    data = yaml.safe_load((faq_dir / "out-of-scope.yaml").read_text(encoding="utf-8"))
    assert data["groups"][1]["questions"]["nl"] == ["Kan mijn werkgever mijn collegegeld betalen?"]
    assert '      nl: ["Kan mijn werkgever mijn collegegeld betalen?"]' in out
    assert _groups(capsys) == []


def test_refusals_change_nothing(
    env: dict[str, Any],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    faq_dir: Path,
) -> None:
    seed(("how much does a museum card cost", "en"), ("a" * 500, "en"))
    path = faq_dir / "out-of-scope.yaml"
    cases = [
        (["1", "museums"], "no out-of-scope group 'museums' (known: tuition, transport)"),
        (["99", "tuition"], "no unanswered question with id 99"),
        (["2", "tuition"], "at most 400"),
    ]
    for argv, message in cases:
        code, out, err = welcomebot(
            capsys, "unanswered", "mark-out-of-scope", *argv, "--faq-dir", str(faq_dir)
        )
        assert (code, out) == (1, ""), argv
        assert err.startswith("error: ")
        assert message in err, err
        assert len(err.strip().splitlines()) == 1
    code, out, err = welcomebot(
        capsys,
        "unanswered",
        "mark-out-of-scope",
        "1",
        "tuition",
        "--faq-dir",
        str(path.parent / "no"),
    )
    assert code == 1
    assert "FAQ directory not found" in err
    assert path.read_text(encoding="utf-8") == OUT_OF_SCOPE
    assert len(_groups(capsys)) == 2


def test_dry_run_and_a_question_already_there(
    env: dict[str, Any],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    faq_dir: Path,
) -> None:
    seed(("How much is the tuition fee?", "en"), ("is there a night train", "en"))
    path = faq_dir / "out-of-scope.yaml"
    argv = ["unanswered", "mark-out-of-scope", "--faq-dir", str(faq_dir)]
    code, out, _ = welcomebot(capsys, *argv, "2", "transport", "--dry-run")
    assert code == 0
    assert "+      en: [how much is a train ticket, is there a night train]" in out
    assert "Would add question #2" in out
    assert "Dry run: nothing written, nothing marked." in out
    assert path.read_text(encoding="utf-8") == OUT_OF_SCOPE
    assert len(_groups(capsys)) == 2

    code, out, _ = welcomebot(capsys, *argv, "1", "tuition")
    assert code == 0
    assert "has this question in group 'tuition' (en) already" in out
    assert "Marked 1 question (the group of #1) as added" in out
    assert path.read_text(encoding="utf-8") == OUT_OF_SCOPE
    assert [g["id"] for g in _groups(capsys)] == [2]

    code, out, _ = welcomebot(capsys, *argv, "2", "transport", "--language", "de")
    assert code == 0
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["groups"][1]["questions"]["de"] == ["is there a night train"]
