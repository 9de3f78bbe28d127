"""``welcomebot chat``: numbers pick suggestions (and, after a check-in, press its two buttons,
as on Telegram), quit words end it, links print as text (bundled FAQ)."""

from __future__ import annotations

import pytest

from bot.cli.chat import QUIT_WORDS, Conversation, is_quit, render
from bot.core.desk import Desk
from faq.loader import load_tree

CLARIFY = "registration"  # a "did you mean" list on the bundled FAQ
RISK = "ich kann nicht mehr, wie finde ich ein Zimmer?"


@pytest.fixture(scope="module")
def desk() -> Desk:
    return Desk(load_tree())


def test_a_number_picks_that_suggestion(desk: Desk) -> None:
    chat = Conversation(desk, "en")
    listed = chat.respond(CLARIFY)
    assert listed.kind == "clarify"
    assert len(listed.suggestions) >= 2
    picked = chat.respond("2")
    assert (picked.kind, picked.entry) == ("answer", listed.suggestions[1])
    # no list any more: a number is a question again
    assert chat.respond("2").kind != "answer" or chat.options == []


def test_a_number_without_a_list_is_a_question(desk: Desk) -> None:
    chat = Conversation(desk, "en")
    assert chat.respond("2").entry is None


def test_a_number_picks_a_check_in_choice(desk: Desk) -> None:
    chat = Conversation(desk, "en")
    checkin = chat.respond("I can't do this anymore")
    assert checkin.is_checkin
    assert chat.respond("1").kind == "safety"  # "I'm not safe right now"


def test_follow_ups_use_the_previous_answer(desk: Desk) -> None:
    chat = Conversation(desk, "en")
    first = chat.respond("how do I get a BSN")
    assert first.kind == "answer"
    follow = chat.respond("and how long does that take?")
    assert follow.kind == "answer"


@pytest.mark.parametrize(
    "word", ["quit", "Exit", "q", "/quit", "quitter", "beenden", "退出", "esci"]
)
def test_quit_words_in_any_language(word: str) -> None:
    assert is_quit(word)
    assert word.lower() in QUIT_WORDS


def test_an_answer_prints_its_links_as_label_and_address(desk: Desk) -> None:
    reply = desk.entry_reply("housing-registration", "en")
    printed = "\n".join(render(reply))
    assert "<a" not in printed
    assert "(https://" in printed


def test_the_chat_ends_on_quit_and_promises_nothing(cli, tmp_path) -> None:
    run = cli(
        "chat",
        "--lang",
        "en",
        stdin=f"what's the weather tomorrow\nqwertzuiop asdfghjkl\n{CLARIFY}\n1\nquit\nhow do I find a room\n".encode(),
    )
    assert run.code == 0
    assert "noted" not in run.out  # nothing is recorded here
    assert "knmi.nl" in run.out
    assert "I can help with housing" in run.out
    assert "How do I register at the municipality" in run.out  # the list, then "1" picked it
    assert run.out.count("Checked on") == 1  # the answer to "1"; nothing after "quit"


def test_two_after_a_checkin_is_the_normal_answer(cli):
    run = cli("chat", stdin=f"{RISK}\n2\n".encode())
    assert run.code == 0, run.err
    checkin, answer = run.out.split("bot> ")[1:]
    assert "1: Ich bin gerade nicht sicher | 2: Alles okay, ich hatte eine Frage" in checkin
    assert "113" in checkin
    assert "Zimmer" in answer or "WG" in answer or "kamer" in answer.lower()
    assert "0800-0113" not in answer  # the housing answer, not the crisis reply
    assert "type 1 or 2" not in answer


def test_one_after_a_checkin_is_the_crisis_reply_in_the_messages_language(cli):
    run = cli("chat", "--lang", "en", stdin=f"{RISK}\n1\n".encode())
    assert run.code == 0, run.err
    crisis = run.out.split("bot> ")[2]
    assert "0800-0113" in crisis
    assert "112" in crisis
    assert "ruf" in crisis.lower()  # German, the message's language, not the preferred English


def test_a_number_without_a_checkin_is_just_a_question(cli):
    run = cli("chat", stdin=b"2\nwhere do I find a room?\n1\n")
    assert run.code == 0, run.err
    assert "0800-0113" not in run.out
    assert "type 1 or 2" not in run.out
