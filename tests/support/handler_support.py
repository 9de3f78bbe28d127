"""Shared by the handler tests (tests/telegram/test_handlers*.py): the bot's name, inputs that
give each kind of reply with the bundled FAQ, and reading the one callback answer of a press."""

from __future__ import annotations

from typing import Any

from bot.core.desk import Desk, Reply

BOT = "leiden_welcome_test_bot"
GIBBERISH = ("qwertzuiop asdfghjkl yxcvbnm", "zzzzqqq xxxyyy", "blorptastic frumious")
#: The topic buttons under a reply that could not help.
TOPIC_BUTTONS = ["topic:housing", "topic:international-centre", "topic:eduroam", "topic:welfare"]
CLARIFY_TRIES = (
    "housing",
    "registration",
    "appointment",
    "room",
    "register",
    "permit",
    "help",
    "wifi",
    "money",
    "documents",
    "contract",
    "account",
)


def find_reply(desk: Desk, kind: str, tries: tuple[str, ...]) -> Reply:
    """The reply to the first of ``tries`` that gets a ``kind`` reply."""
    for question in tries:
        reply = desk.reply(question, preferred_language="en")
        if reply.kind == kind:
            return reply
    raise AssertionError(f"none of {tries} gives a {kind} reply: the FAQ changed")


def answer_reply(desk: Desk) -> Reply:
    """An English question answered with an entry that has related entries."""
    for entry in desk.tree.entries.values():
        if entry.related and "en" in entry.translations and entry.id != desk.tree.safety.entry:
            reply = desk.reply(entry.translations["en"].title, preferred_language="en")
            if reply.kind == "answer" and reply.entry == entry.id and reply.related:
                return reply
    raise AssertionError("no entry title is answered with its own entry")


def callback_answer(calls: list[Any]) -> dict[str, Any]:
    """The parameters of the one ``answerCallbackQuery`` among ``calls``."""
    answers = [c for c in calls if c.method == "answerCallbackQuery"]
    assert len(answers) == 1, [c.method for c in calls]
    return answers[0].params
