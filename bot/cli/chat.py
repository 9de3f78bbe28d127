"""``welcomebot chat``: a conversation with the desk in the terminal.

The same desk and the same follow-up rule as the Telegram bot (:mod:`bot.core.followup`);
what Telegram shows as buttons is numbered here: typing the number of a "did you mean"
suggestion (or of a check-in choice) picks it. ``quit``, ``exit``, ``q`` (and their
translations), ``/quit`` and Ctrl-D end the chat. Links are printed as ``label (url)``.
Nothing is recorded, so nothing here promises to pass a question on.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

from bot.cli.common import load_desk
from bot.core.config import Settings
from bot.core.desk import Desk, Reply
from bot.core.followup import Previous, reply_in_context
from bot.core.i18n import gettext
from faq.markup import to_text
from faq.models import LANGUAGES

#: What ends the chat, in any of the bot's languages (the whole line, any case).
QUIT_WORDS = frozenset(
    {
        "q",
        ":q",
        "quit",
        "exit",
        "/quit",
        "/exit",
        "/q",
        "stoppen",
        "afsluiten",
        "beenden",
        "ende",
        "salir",
        "quitter",
        "sortir",
        "esci",
        "uscire",
        "退出",
        "结束",
    }
)


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add ``chat`` to the ``welcomebot`` parser."""
    chat = sub.add_parser("chat", parents=[common], help="talk to the desk in the terminal")
    chat.add_argument("--lang", choices=LANGUAGES, help="your preferred language")
    chat.set_defaults(func=cmd_chat)


def is_quit(line: str) -> bool:
    """Whether ``line`` ends the chat."""
    return line.strip().strip(".!").lower() in QUIT_WORDS


@dataclass
class Conversation:
    """One terminal conversation: the desk, and what the last reply offered."""

    desk: Desk
    language: str | None = None
    #: the numbered choices under the last reply: a suggestion's entry or a check-in action
    options: list[str] = field(default_factory=list)
    last: Reply | None = None
    previous: Previous | None = None

    def respond(self, line: str) -> Reply:
        """The reply to one line (a number picks one of :attr:`options`)."""
        pick = self._picked(line)
        last = self.last
        if pick is not None and last is not None:
            if last.kind == "clarify":
                reply = self.desk.entry_reply(pick, last.language)
            elif pick == "unsafe":
                reply = self.desk.checkin_unsafe(
                    last.question,
                    preferred_language=self.language,
                    language=last.language,
                    category=last.category,
                )
            else:
                reply = self.desk.checkin_ok(last.question, preferred_language=self.language)
        else:
            reply = reply_in_context(
                self.desk, line, preferred_language=self.language, previous=self.previous
            )
        self.last = reply
        if reply.kind == "clarify":
            self.options = list(reply.suggestions)
        elif reply.is_checkin:
            self.options = [c.action for c in reply.choices]
        else:
            self.options = []
        if reply.kind == "answer" and reply.entry is not None:
            self.previous = Previous(reply.entry, reply.language, datetime.now(UTC))
        return reply

    def _picked(self, line: str) -> str | None:
        text = line.strip().rstrip(".)")
        if text.isascii() and text.isdigit() and 1 <= int(text) <= len(self.options):
            return self.options[int(text) - 1]
        return None


def render(reply: Reply) -> Iterator[str]:
    """The lines printed for one reply."""
    lines = to_text(reply.text).splitlines() or [""]
    yield f"bot> {lines[0]}"
    for line in lines[1:]:
        yield f"     {line}" if line else ""
    if reply.kind == "clarify":
        hint = gettext(reply.language, "Type a number from 1 to {count} to choose.")
        yield f"     ({hint.format(count=len(reply.suggestions))})"
    elif reply.kind == "unanswered":
        hint = gettext(
            reply.language, "For example: how do I find a room? How do I connect to eduroam?"
        )
        yield f"     ({hint})"
    if reply.choices:  # the check-in's two buttons, as Telegram shows them
        options = " | ".join(f"{i}: {c.label}" for i, c in enumerate(reply.choices, 1))
        yield f"     ({options}; type 1 or 2)"


def run(conversation: Conversation, stdin: TextIO, out: TextIO, *, interactive: bool) -> None:
    """Read lines until a quit word or the end of the input; print each reply."""
    if interactive:
        out.write("Leiden welcome bot — ask me anything (quit, exit or Ctrl-D to leave).\n")
    while True:
        if interactive:  # input() gives line editing and history on a terminal
            try:
                line = input("you> ")
            except EOFError:  # Ctrl-D
                out.write("\n")
                break
        else:
            line = stdin.readline()
            if not line:  # end of input
                break
        line = line.strip()
        if not line:
            continue
        if is_quit(line):
            break
        for printed in render(conversation.respond(line)):
            out.write(printed + "\n")
        out.write("\n")
        out.flush()


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """An interactive conversation with the desk."""
    desk = load_desk(args, settings)
    try:
        run(Conversation(desk, args.lang), sys.stdin, sys.stdout, interactive=sys.stdin.isatty())
    except KeyboardInterrupt:
        print()
    return 0
