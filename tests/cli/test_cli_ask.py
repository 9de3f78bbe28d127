"""``welcomebot ask``: the JSON contract of DESIGN.md ("Command line") and batch mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from cli_support import check_contract


def ask_one(cli, root, *args: str) -> dict[str, object]:
    run = cli("ask", "--json", "--faq-dir", root, *args)
    assert run.code == 0, run.err
    objects = run.json_lines()
    assert len(objects) == 1
    check_contract(objects[0])
    return objects[0]


# --------------------------------------------------------------------------- one question
def test_answer(cli, minimal_tree):
    obj = ask_one(cli, minimal_tree.root, "How do I find a room in Leiden?")
    assert obj["question"] == "How do I find a room in Leiden?"
    assert (obj["kind"], obj["entry"], obj["language"]) == ("answer", "housing-find-room", "en")
    assert obj["candidates"][0]["entry"] == "housing-find-room"
    assert obj["text"].startswith("Look on <b>Kamernet</b>")  # Telegram HTML, as users see it


def test_the_words_of_the_question_may_be_separate_arguments(cli, minimal_tree):
    obj = ask_one(cli, minimal_tree.root, "how", "do", "I", "find", "a", "room", "in", "Leiden")
    assert obj["question"] == "how do I find a room in Leiden"
    assert obj["entry"] == "housing-find-room"


def test_clarify(cli, minimal_tree):
    # thresholds no score can reach: the best matches become suggestions
    obj = ask_one(
        cli,
        minimal_tree.root,
        "--thresholds",
        "answer=101,sure=101",
        "How do I find a room in Leiden?",
    )
    assert obj["kind"] == "clarify"
    assert obj["entry"] is None
    assert obj["suggestions"][0] == "housing-find-room"
    assert obj["suggestions"] == [c["entry"] for c in obj["candidates"]][: len(obj["suggestions"])]


def test_unanswered(cli, minimal_tree):
    obj = ask_one(cli, minimal_tree.root, "qwertzuiop asdfghjkl")
    assert (obj["kind"], obj["entry"], obj["suggestions"]) == ("unanswered", None, [])


def test_safety(cli, minimal_tree):
    obj = ask_one(cli, minimal_tree.root, "how do I find a room, I want to end my life")
    assert (obj["kind"], obj["entry"]) == ("safety", "welfare-crisis")
    assert "113" in obj["text"]


def test_smalltalk(cli, minimal_tree):
    obj = ask_one(cli, minimal_tree.root, "hello!")
    assert (obj["kind"], obj["entry"], obj["suggestions"]) == ("smalltalk", None, [])


def test_lang_is_the_preferred_language(cli, minimal_tree):
    obj = ask_one(cli, minimal_tree.root, "--lang", "nl", "hallo")
    assert obj["language"] == "nl"
    obj = ask_one(cli, minimal_tree.root, "--lang", "zh", "eduroam?")
    assert (obj["entry"], obj["language"]) == ("eduroam-connect", "zh")


def test_candidates_are_the_best_three_whatever_the_decision(cli, faq_builder):
    tr = faq_builder.tr
    faq_builder.minimal()
    for n in range(5):  # five entries that all share "bike"
        faq_builder.entry(f"general-bike-{n}", "general", {"en": tr([f"bike question {n}"], "a")})
    obj = ask_one(cli, faq_builder.root, "bike")
    assert len(obj["candidates"]) == 3
    assert all(c["entry"].startswith("general-bike-") for c in obj["candidates"])


def test_plain_output_without_json(cli, minimal_tree):
    run = cli("ask", "--faq-dir", minimal_tree.root, "How do I find a room in Leiden?")
    assert run.code == 0
    assert run.out.startswith("[answer housing-find-room · en]\n")
    assert "Look on Kamernet" in run.out  # tags stripped for the terminal
    assert "<b>" not in run.out


def test_broken_tree_is_exit_1_with_the_problem(cli, minimal_tree):
    path = minimal_tree.write("housing/broken.yaml", "id: housing: broken\n")
    run = cli("ask", "--json", "--faq-dir", minimal_tree.root, "hi")
    assert run.code == 1
    assert run.out == ""
    assert f"{path}:1" in run.err


def test_faq_dir_from_the_environment(cli, minimal_tree, monkeypatch):
    monkeypatch.setenv("FAQ_DIR", str(minimal_tree.root))
    run = cli("ask", "--json", "How do I find a room in Leiden?")
    assert run.code == 0, run.err
    assert run.json_lines()[0]["entry"] == "housing-find-room"


def test_unknown_threshold_is_a_clear_error(cli, minimal_tree):
    run = cli("ask", "--faq-dir", minimal_tree.root, "--thresholds", "answr=50", "hi")
    assert run.code == 2
    assert "answr" in run.err


# --------------------------------------------------------------------------- batch
def test_batch_one_object_per_line_in_order_blank_lines_skipped(cli, minimal_tree):
    stdin = (
        b"How do I find a room in Leiden?\n"
        b"\n"
        b"   \n"
        b"hello\n"
        b"\t\n"
        b"I want to end my life\r\n"
        b"qwertzuiop asdfghjkl"  # no final newline
    )
    run = cli("ask", "--json", "--faq-dir", minimal_tree.root, stdin=stdin)
    assert run.code == 0, run.err
    objects = run.json_lines()
    for obj in objects:
        check_contract(obj)
    assert [o["question"] for o in objects] == [
        "How do I find a room in Leiden?",
        "hello",
        "I want to end my life",
        "qwertzuiop asdfghjkl",
    ]
    assert [o["kind"] for o in objects] == ["answer", "smalltalk", "safety", "unanswered"]


def test_batch_survives_invalid_utf8(cli, minimal_tree):
    stdin = b"caf\xe9 \xff\xfe room?\n\x80\x81\n\xf0\x9f\x8f\xa0 How do I find a room in Leiden?\n"
    run = cli("ask", "--json", "--faq-dir", minimal_tree.root, stdin=stdin)
    assert run.code == 0, run.err
    objects = run.json_lines()
    assert len(objects) == 3
    for obj in objects:
        check_contract(obj)
    assert "\ufffd" in objects[0]["question"]
    assert objects[2]["question"] == "🏠 How do I find a room in Leiden?"
    assert objects[2]["entry"] == "housing-find-room"


def test_batch_survives_a_100000_character_line(cli, minimal_tree):
    long_line = ("where can I look for student housing " * 3000)[:100_000]
    stdin = (long_line + "\nhello\n").encode()
    run = cli("ask", "--json", "--faq-dir", minimal_tree.root, stdin=stdin)
    assert run.code == 0, run.err
    objects = run.json_lines()
    assert len(objects) == 2
    for obj in objects:
        check_contract(obj)
    assert long_line.startswith(objects[0]["question"])
    assert objects[1]["kind"] == "smalltalk"


def test_batch_without_json(cli, minimal_tree):
    run = cli(
        "ask", "--faq-dir", minimal_tree.root, stdin=b"hello\nHow do I find a room in Leiden?\n"
    )
    assert run.code == 0
    assert run.out.count("[") == 2
    assert run.out.index("[smalltalk") < run.out.index("[answer housing-find-room")


# --------------------------------------------------------------------------- a real process
def test_python_dash_m_bot_ask_as_a_subprocess(minimal_tree, tmp_path):
    """The real entry point, real pipes. The questions are Chinese on purpose: Chinese is
    recognised by its script, so the process does not spend seconds loading the statistical
    language models (the in-process tests above cover the other languages)."""
    env = {k: v for k, v in os.environ.items() if k not in ("FAQ_DIR", "DATABASE_URL")}
    env["DATA_DIR"] = str(tmp_path / "data")
    stdin = (
        "在莱顿怎么找房间？\n\n   \n".encode()
        + b"\xff\xfe"  # not UTF-8
        + "怎么找房间\n".encode()
        + ("房" * 100_000).encode()
        + "\neduroam连不上怎么办\n".encode()
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--faq-dir", str(minimal_tree.root)],
        input=stdin,
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    objects = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert len(objects) == 4
    for obj in objects:
        check_contract(obj)
    assert objects[0]["entry"] == objects[1]["entry"] == "housing-find-room"
    assert set(objects[2]["question"]) == {"房"}
    assert objects[3]["entry"] == "eduroam-connect"
    assert objects[1]["question"] == "\ufffd\ufffd怎么找房间"
    assert all(o["language"] == "zh" for o in objects)


@pytest.mark.parametrize("argv", [["--version"], ["ask", "--help"]])
def test_help_and_version_exit_cleanly(cli, argv):
    with pytest.raises(SystemExit) as exited:
        cli(*argv)
    assert exited.value.code == 0


def test_no_command_prints_help(cli):
    run = cli()
    assert run.code == 2
    assert "usage" in run.out.lower()


# --------------------------------------------------------------------------- FAQ cache
def test_ask_stores_the_prepared_faq_and_reads_it_back(cli, minimal_tree, monkeypatch, tmp_path):
    cache = tmp_path / "faq-cache"
    monkeypatch.setenv("WELCOMEBOT_CACHE_DIR", str(cache))
    first = cli("ask", "--json", "--faq-dir", minimal_tree.root, "where can i find a room")
    stored = sorted(cache.glob("*.pickle"))
    assert len(stored) == 1
    second = cli("ask", "--json", "--faq-dir", minimal_tree.root, "where can i find a room")
    assert first.code == second.code == 0
    assert first.out == second.out
    assert sorted(cache.glob("*.pickle")) == stored


def test_ask_with_the_cache_off_stores_nothing(cli, minimal_tree, monkeypatch, tmp_path):
    monkeypatch.setenv("WELCOMEBOT_CACHE_DIR", "off")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    run = cli("ask", "--json", "--faq-dir", minimal_tree.root, "where can i find a room")
    assert run.code == 0, run.err
    assert not list((tmp_path / "xdg").glob("**/faq-*.pickle"))


def test_faq_check_validates_from_source_not_the_cache(cli, minimal_tree, monkeypatch, tmp_path):
    cache = tmp_path / "faq-cache"
    monkeypatch.setenv("WELCOMEBOT_CACHE_DIR", str(cache))
    assert cli("ask", "--faq-dir", minimal_tree.root, "hi").code == 0
    # a cached tree whose files have since broken: check must see the break (and the ask
    # rebuilds instead of answering from the old tree)
    path = minimal_tree.write("housing/broken.yaml", "id: housing: broken\n")
    check = cli("faq", "check", "--faq-dir", minimal_tree.root)
    assert check.code == 1
    assert f"{path}:1" in check.err
    assert cli("ask", "--faq-dir", minimal_tree.root, "hi").code == 1
