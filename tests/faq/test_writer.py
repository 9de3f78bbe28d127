"""faq/writer.py: one question added to a real YAML file in tmp_path, the rest of the file
byte for byte as it was; refusals with clear messages; the bundled files' layouts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faq.loader import BUNDLED_FAQ_DIR, load_tree
from faq.writer import (
    MAX_QUESTION_CHARS,
    AlreadyThere,
    WriteError,
    entry_question_edit,
    find_entry_file,
    out_of_scope_edit,
    question_text,
)

ENTRY = """\
# Staff comment at the top: keep me.
id: housing-scams
category: housing
reviewed: 2026-12-05
sources:
  - https://www.example.org/scams
translations:
  en:
    questions:
      - How do I avoid a rental scam?
      # a comment between questions
      - "is this room offer a scam?"   # trailing comment
    keywords: [scam]
    answer: |
      Never pay before you have seen the room.
  nl:
    questions: [Hoe herken ik oplichting, is dit nep]
    answer: Betaal nooit vooraf.
"""

OUT_OF_SCOPE = """\
# Near-domain questions (comment kept).
groups:
  - id: tuition
    pointer:
      en: 'I can''t help with tuition fees.'
    questions:
      en: [how much is the tuition fee, when do I pay tuition]   # kept
      nl: [hoeveel collegegeld betaal ik]

  - id: transport
    pointer:
      en: I can't help with trains.
    questions:
      en:
        - how much is a train ticket
"""


def _added_lines(diff: str) -> list[str]:
    return [
        line[1:]
        for line in diff.splitlines()
        if line.startswith("+") and not line.startswith("+++")
    ]


def _removed_lines(diff: str) -> list[str]:
    return [
        line[1:]
        for line in diff.splitlines()
        if line.startswith("-") and not line.startswith("---")
    ]


@pytest.fixture
def entry_file(tmp_path: Path) -> Path:
    path = tmp_path / "housing" / "housing-scams.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(ENTRY, encoding="utf-8")
    return path


@pytest.fixture
def oos_root(tmp_path: Path) -> Path:
    (tmp_path / "out-of-scope.yaml").write_text(OUT_OF_SCOPE, encoding="utf-8")
    return tmp_path


# ---------------------------------------------------------------------- entries
def test_block_list_gets_one_line_in_its_style(entry_file: Path, tmp_path: Path) -> None:
    edit = entry_question_edit(
        entry_file, "housing-scams", "en", "my landlord wants 3 months rent upfront, normal?"
    )
    assert entry_file.read_text(encoding="utf-8") == ENTRY  # nothing written yet
    edit.apply()
    after = entry_file.read_text(encoding="utf-8")
    expected = ENTRY.replace(
        '      - "is this room offer a scam?"   # trailing comment\n',
        '      - "is this room offer a scam?"   # trailing comment\n'
        "      - my landlord wants 3 months rent upfront, normal?\n",
    )
    assert after == expected
    diff = edit.diff(tmp_path)
    assert "a/housing/housing-scams.yaml" in diff
    assert _added_lines(diff) == ["      - my landlord wants 3 months rent upfront, normal?"]
    assert _removed_lines(diff) == []


def test_flow_list_gets_one_item(entry_file: Path) -> None:
    edit = entry_question_edit(entry_file, "housing-scams", "nl", "moet ik vooraf betalen")
    assert _added_lines(edit.diff()) == [
        "    questions: [Hoe herken ik oplichting, is dit nep, moet ik vooraf betalen]"
    ]
    assert len(_removed_lines(edit.diff())) == 1


@pytest.mark.parametrize(
    "question",
    [
        "is it: a scam?",
        "is dit normaal?",
        'they said "trust me" #legit',
        "yes",
        "null",
        "1200",
        "- dash first",
        "[brackets], {braces}, and, commas",
        "it's 'quoted'",
        "back\\slash",
        "我的房东要三个月押金，正常吗？",
        "& * ! | > % @ `",
    ],
)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_awkward_texts_read_back_exactly(entry_file: Path, question: str, language: str) -> None:
    edit = entry_question_edit(entry_file, "housing-scams", language, question)
    edit.apply()
    data = yaml.safe_load(entry_file.read_text(encoding="utf-8"))
    assert data["translations"][language]["questions"][-1] == question


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1, max_size=80).filter(lambda t: t.split()))
def test_any_text_round_trips(entry_file: Path, question: str) -> None:
    try:
        line = question_text(question)
    except WriteError:  # only invisible characters
        assert not "".join(ch for ch in question if ch.isprintable()).strip()
        return
    try:
        edit = entry_question_edit(entry_file, "housing-scams", "en", question)
    except AlreadyThere:
        return
    assert yaml.safe_load(edit.after)["translations"]["en"]["questions"][-1] == line
    assert len(_added_lines(edit.diff())) == 1


def test_entry_refusals_are_clear(entry_file: Path, tmp_path: Path) -> None:
    with pytest.raises(AlreadyThere, match="has this question already"):
        entry_question_edit(entry_file, "housing-scams", "en", "  how do I AVOID a rental scam  ")
    with pytest.raises(AlreadyThere):  # the same words in another language's list count too
        entry_question_edit(entry_file, "housing-scams", "en", "is dit nep?")
    with pytest.raises(WriteError, match="no de translation"):
        entry_question_edit(entry_file, "housing-scams", "de", "Betrug?")
    with pytest.raises(WriteError, match="unknown language 'pt'"):
        entry_question_edit(entry_file, "housing-scams", "pt", "golpe?")
    with pytest.raises(WriteError, match="not the file of entry 'other'"):
        entry_question_edit(entry_file, "other", "en", "x")
    with pytest.raises(WriteError, match=f"at most {MAX_QUESTION_CHARS}"):
        entry_question_edit(entry_file, "housing-scams", "en", "word " * 100)
    with pytest.raises(WriteError, match="empty"):
        entry_question_edit(entry_file, "housing-scams", "en", "\u200b \n\t")
    with pytest.raises(WriteError, match="no FAQ entry 'nope'"):
        find_entry_file(tmp_path, "nope")
    assert entry_file.read_text(encoding="utf-8") == ENTRY


def test_multi_line_texts_become_one_line(entry_file: Path) -> None:
    edit = entry_question_edit(entry_file, "housing-scams", "en", "first line\nsecond\u2028third")
    assert edit.question == "first line second third"


def test_find_entry_file_by_id_not_only_by_name(tmp_path: Path) -> None:
    path = tmp_path / "housing" / "renamed.yaml"
    path.parent.mkdir()
    path.write_text(ENTRY, encoding="utf-8")
    (tmp_path / "housing" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    assert find_entry_file(tmp_path, "housing-scams") == path


def test_file_without_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    text = (
        ENTRY.rstrip("\n")
        + "\n  de:\n    answer: Nie vorher zahlen.\n    questions:\n      - Betrug"
    )
    path.write_text(text, encoding="utf-8")
    edit = entry_question_edit(path, "housing-scams", "de", "ist das Betrug")
    assert edit.after == text + "\n      - ist das Betrug\n"


# ---------------------------------------------------------------------- applying
def test_apply_refuses_a_file_changed_meanwhile(entry_file: Path) -> None:
    edit = entry_question_edit(entry_file, "housing-scams", "en", "scam or not")
    entry_file.write_text(ENTRY + "# someone else's edit\n", encoding="utf-8")
    with pytest.raises(WriteError, match="changed since it was read"):
        edit.apply()
    assert entry_file.read_text(encoding="utf-8").endswith("# someone else's edit\n")


def test_apply_keeps_permissions_and_leaves_no_temporary_file(entry_file: Path) -> None:
    entry_file.chmod(0o640)
    entry_question_edit(entry_file, "housing-scams", "en", "scam or not").apply()
    assert entry_file.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in entry_file.parent.iterdir()) == ["housing-scams.yaml"]


def test_apply_to_a_file_gone_meanwhile_is_a_clear_error(entry_file: Path) -> None:
    edit = entry_question_edit(entry_file, "housing-scams", "en", "scam or not")
    entry_file.unlink()
    with pytest.raises(WriteError, match="cannot read"):
        edit.apply()
    assert not entry_file.exists()


# ---------------------------------------------------------------------- out of scope
def test_out_of_scope_flow_list_with_comment(oos_root: Path) -> None:
    edit = out_of_scope_edit(oos_root, "tuition", "en", "can my employer pay the fee")
    edit.apply()
    after = (oos_root / "out-of-scope.yaml").read_text(encoding="utf-8")
    assert after == OUT_OF_SCOPE.replace(
        "when do I pay tuition]   # kept",
        "when do I pay tuition, can my employer pay the fee]   # kept",
    )


def test_out_of_scope_block_list(oos_root: Path) -> None:
    edit = out_of_scope_edit(oos_root, "transport", "en", "is there a night bus")
    assert edit.after == OUT_OF_SCOPE + "        - is there a night bus\n"


def test_out_of_scope_new_language_list(oos_root: Path) -> None:
    edit = out_of_scope_edit(oos_root, "tuition", "fr", "combien coûte l'inscription, vraiment ?")
    edit.apply()
    after = (oos_root / "out-of-scope.yaml").read_text(encoding="utf-8")
    assert after == OUT_OF_SCOPE.replace(
        "      nl: [hoeveel collegegeld betaal ik]\n",
        "      nl: [hoeveel collegegeld betaal ik]\n"
        '      fr: ["combien coûte l\'inscription, vraiment ?"]\n',
    )
    assert yaml.safe_load(after)["groups"][0]["questions"]["fr"] == [
        "combien coûte l'inscription, vraiment ?"
    ]


def test_out_of_scope_refusals_are_clear(oos_root: Path, tmp_path: Path) -> None:
    with pytest.raises(
        WriteError, match=r"no out-of-scope group 'fees' \(known: tuition, transport\)"
    ):
        out_of_scope_edit(oos_root, "fees", "en", "x")
    with pytest.raises(AlreadyThere):
        out_of_scope_edit(oos_root, "tuition", "en", "How much is the tuition fee?")
    with pytest.raises(WriteError, match=r"no out-of-scope\.yaml"):
        out_of_scope_edit(tmp_path / "elsewhere", "tuition", "en", "x")
    (oos_root / "out-of-scope.yaml").write_text("groups: [unclosed\n", encoding="utf-8")
    with pytest.raises(WriteError, match="not valid YAML"):
        out_of_scope_edit(oos_root, "tuition", "en", "x")


# ---------------------------------------------------------------------- the bundled layouts
def test_every_bundled_file_takes_a_question_and_still_loads(tmp_path: Path) -> None:
    root = tmp_path / "faq"
    shutil.copytree(BUNDLED_FAQ_DIR, root)
    tree = load_tree(root)
    added: dict[tuple[str, str], str] = {}
    for entry in tree.entries.values():
        path = find_entry_file(root, entry.id)
        for language in entry.translations:
            question = f"zzqx {entry.id} {language} variant?"
            entry_question_edit(path, entry.id, language, question).apply()
            added[(entry.id, language)] = question
    for group in tree.out_of_scope:
        for language in ("en", "zh"):
            question = f"zzqx {group.id} {language}: example"
            out_of_scope_edit(root, group.id, language, question).apply()
            added[(group.id, language)] = question
    reloaded = load_tree(root)
    for entry in reloaded.entries.values():
        for language, translation in entry.translations.items():
            assert translation.questions[-1] == added[(entry.id, language)]
            assert (
                translation.questions[:-1]
                == tree.entries[entry.id].translations[language].questions
            )
    for group in reloaded.out_of_scope:
        for language in ("en", "zh"):
            assert group.questions[language][-1] == added[(group.id, language)]
