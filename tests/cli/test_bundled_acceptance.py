"""Issue 2's "Done when" checks, on the bundled FAQ (``faq/content``).

These depend on the bundled content, which staff change: they are marked ``bundled`` so a
failure is read as "the content or the matcher changed", and can be selected with
``pytest -m bundled`` (or left out with ``-m "not bundled"``).
"""

from __future__ import annotations

import io
import json
import sys

import pytest

from bot.cli.main import main
from faq.loader import BUNDLED_FAQ_DIR, load_tree
from faq.models import LANGUAGES

pytestmark = pytest.mark.bundled


SCAM = "how do i avoid a rental scam"
CRISIS = "ik wil niet meer leven"


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> dict[str, dict[str, object]]:
    """``welcomebot ask --json`` on the bundled FAQ, both questions in one batch (the FAQ is
    loaded once), as ``{question: json object}``."""
    tmp = tmp_path_factory.mktemp("acceptance")
    stdin = tmp / "stdin"
    stdin.write_text(f"{SCAM}\n{CRISIS}\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, stdin.open(encoding="utf-8") as handle:
        mp.delenv("FAQ_DIR", raising=False)
        mp.setenv("DATA_DIR", str(tmp / "data"))
        mp.chdir(tmp)
        mp.setattr(sys, "stdin", handle)
        mp.setattr(sys, "stdout", out)
        code = main(["ask", "--json"])
    assert code == 0
    objects = [json.loads(line) for line in out.getvalue().splitlines()]
    return {str(o["question"]): o for o in objects}


def test_rental_scam_question_is_answered_with_housing_scams(answers):
    obj = answers[SCAM]
    assert (obj["kind"], obj["entry"], obj["language"]) == ("answer", "housing-scams", "en")


def test_dutch_crisis_message_gets_the_crisis_line(answers):
    obj = answers[CRISIS]
    assert obj["kind"] == "safety"
    assert obj["entry"] == "welfare-crisis"
    assert "113" in str(obj["text"])
    assert obj["language"] == "nl"


def test_faq_check_on_the_bundled_faq_exits_0(cli):
    run = cli("faq", "check")
    assert run.code == 0, run.err
    assert "error" not in run.err


def test_bundled_crisis_answer_gives_113_in_every_language():
    tree = load_tree(BUNDLED_FAQ_DIR)
    crisis = tree.entries[tree.safety.entry]
    for lang in LANGUAGES:
        translation, actual = crisis.translation(lang)
        assert actual == lang, f"welfare-crisis has no {lang}"
        assert "113" in translation.answer
