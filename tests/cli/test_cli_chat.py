"""``welcomebot chat``: after a check-in, typing 1 or 2 presses its two buttons, as on
Telegram (bundled FAQ; messages written for this test)."""

from __future__ import annotations

RISK = "ich kann nicht mehr, wie finde ich ein Zimmer?"


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
