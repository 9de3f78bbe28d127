"""The questions of ``bench/load.py`` and what the bot must answer to each: FAQ questions as
users type them, out-of-scope questions, gibberish, greetings, crisis and hostile messages,
and an in-process desk as the oracle. Imported by ``bench/load.py`` (which puts ``bench/``,
``tests/support/`` and the project on ``sys.path``)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from botapi_server import parse_html, strip_text
from generate import OUT_OF_SCOPE, perturbed_questions

from bot.core.desk import Desk, noted_text
from bot.telegram.render.answers import render_reply
from faq.loader import load_tree
from faq.markup import escape
from storage.records import MAX_TEXT, clean

#: Telegram language codes of the simulated users (some the bot does not speak).
LANGUAGE_CODES = ("en", "en", "nl", "de", "es", "fr", "it", "zh-hans", "pt-br", "pl", None)
GIBBERISH = ("qwertzuiop asdfghjkl", "zzzzqqq xxxyyy", "blorptastic frumious", "wug blicket dax")
SMALLTALK = ("hello", "hi there!", "thanks a lot", "dank je wel", "你好", "who are you?")
CRISIS = ("i don't want to live anymore", "ik wil niet meer leven")
HOSTILE = (
    ("where can I find a room " * 200)[:4096],
    "😀🏠🎉👍🏽",
    "<b>bold</b> <a href='javascript:x'>room</a> & deposit",
    "ho\u200bw do I f\u200cind a r\u200doom\u202e?",
    "'; DROP TABLE unanswered_questions; --",
)


# ---------------------------------------------------------------------- questions


def question_mix(count: int, seed: int) -> list[str]:
    """``count`` questions: mostly FAQ questions as users type them, plus the rest."""
    tree = load_tree()
    rng = random.Random(seed)
    typed = [q.text for q in perturbed_questions(tree, count, seed=seed, out_of_scope=0.1)]
    out: list[str] = []
    for text in typed:
        roll = rng.random()
        if roll < 0.08:
            text = rng.choice(GIBBERISH) + f" {rng.randrange(1000)}"
        elif roll < 0.14:
            text = rng.choice(SMALLTALK)
        elif roll < 0.16:
            text = rng.choice(HOSTILE)
        elif roll < 0.17:
            text = rng.choice(CRISIS)
        elif roll < 0.20:
            text = rng.choice(OUT_OF_SCOPE[rng.choice(list(OUT_OF_SCOPE))])
        out.append(text)
    return out


@dataclass
class Expected:
    """What the bot must send for one question."""

    texts: tuple[str, ...]  # plain texts of the reply's messages, as Telegram stores them
    unanswered: bool
    question: str  # as recorded


class Oracle:
    """The desk the bot uses, asked in-process (cached per question and language)."""

    def __init__(self) -> None:
        self.desk = Desk(load_tree())
        self._cache: dict[tuple[str, str], Expected] = {}

    def expect(self, text: str, language: str) -> Expected:
        key = (text, language)
        if key not in self._cache:
            reply = self.desk.reply(text, preferred_language=language)
            parts = render_reply(reply, self.desk.tree).parts
            if reply.kind == "unanswered" and reply.out_of_scope is None:  # as on_text says
                noted = f"\n\n<i>{escape(noted_text(reply.language))}</i>"
                parts = (parts[0] + noted, *parts[1:])
            texts = tuple(strip_text(*parse_html(p))[0] for p in parts)
            self._cache[key] = Expected(
                texts, reply.kind == "unanswered", clean(reply.question, MAX_TEXT)
            )
        return self._cache[key]
