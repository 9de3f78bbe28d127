"""``welcomebot ask`` on hostile input, as an argument and on standard input: it never
crashes, every answer keeps the JSON contract, and the plain output is plain text."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from cli_support import check_contract

from faq.markup import TELEGRAM_TAGS, html_problems

BAD = [
    "<b>bold</b> how do I find a room",
    '<a href="javascript:alert(1)">x</a> eduroam',
    "**bold** [x](javascript:alert(1))",
    "'; DROP TABLE unanswered_questions; --",
    "\u202ehow do I find a room\u202c",
    "ho\u200bw do I f\u200cind a room",
    "😀🏠🎉",
    "a" * 5000,
]


@pytest.mark.parametrize("question", BAD)
def test_hostile_arguments(cli, minimal_tree, question):
    run = cli("ask", "--json", "--faq-dir", minimal_tree.root, question)
    assert run.code == 0, run.err
    [obj] = run.json_lines()
    check_contract(obj)
    assert html_problems(str(obj["text"]), allowed=TELEGRAM_TAGS) == []


@pytest.mark.parametrize("question", ["", "   ", "\u200b"])
def test_empty_arguments(cli, minimal_tree, question):
    run = cli("ask", "--json", "--faq-dir", minimal_tree.root, question)
    assert run.code == 0, run.err
    for obj in run.json_lines():
        check_contract(obj)


def test_a_100000_character_argument(cli, minimal_tree):
    question = ("how do I find a room in Leiden " * 4000)[:100_000]
    run = cli("ask", "--json", "--faq-dir", minimal_tree.root, question)
    assert run.code == 0, run.err
    [obj] = run.json_lines()
    check_contract(obj)
    assert len(str(obj["question"])) == 4096


def test_stdin_with_nul_control_and_markup(cli, minimal_tree):
    stdin = "\n".join([*BAD, "wifi\x00 broken", "\x1b[31mred\x1b[0m", "\x00\x00"]).encode()
    run = cli("ask", "--json", "--faq-dir", minimal_tree.root, stdin=stdin)
    assert run.code == 0, run.err
    objects = run.json_lines()
    assert len(objects) == len(BAD) + 3
    for obj in objects:
        check_contract(obj)


def test_plain_output_shows_no_markup(cli, minimal_tree):
    run = cli("ask", "--faq-dir", minimal_tree.root, stdin=b"How do I find a room in Leiden?\n")
    assert run.code == 0
    assert "<b>" not in run.out
    assert "Kamernet" in run.out


def test_real_process_with_invalid_utf8_and_a_100000_character_argument(minimal_tree, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("FAQ_DIR", "DATABASE_URL")}
    env["DATA_DIR"] = str(tmp_path / "data")
    command = [sys.executable, "-m", "bot", "ask", "--json", "--faq-dir", str(minimal_tree.root)]
    done = subprocess.run(
        [*command, "房" * 30_000 + "x" * 10_000],
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    [obj] = [json.loads(line) for line in done.stdout.decode().splitlines()]
    check_contract(obj)
    stdin = b"\xc3\x28 \xa0\xa1 \xf0\x28\x8c\x28 \x00 \xed\xa0\x80 room\n\xff" * 50 + b"\n"
    done = subprocess.run(
        command, input=stdin, capture_output=True, cwd=tmp_path, env=env, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    objects = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(objects) == 51
    for obj in objects:
        check_contract(obj)
