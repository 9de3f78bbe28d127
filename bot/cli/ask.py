"""``welcomebot ask`` and ``welcomebot chat``: the desk in the terminal.

Every command answers through the same :class:`bot.core.desk.Desk` as the Telegram bot, so
what you see here is what users get. This module imports nothing of Telegram, the staff tools
or the database (``ask --log`` opens the database only when asked to).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterator, Sequence
from typing import TextIO

from bot.cli.common import load_desk
from bot.core.config import Settings
from bot.core.desk import Desk, Reply
from faq.markup import to_plain
from faq.models import LANGUAGES

#: The longest line ``ask`` reads from standard input.
MAX_STDIN_LINE = 100_000


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add ``ask`` and ``chat`` to the ``welcomebot`` parser."""
    ask = sub.add_parser(
        "ask", parents=[common], help="answer a question (or one per line from stdin)"
    )
    ask.add_argument(
        "question", nargs="*", help="the question; omit to read one per line from standard input"
    )
    ask.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="the user's preferred language (used when the question's language is unclear)",
    )
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument(
        "--log",
        action="store_true",
        help="record unanswered questions in the database, as the bot does",
    )
    ask.set_defaults(func=cmd_ask)

    chat = sub.add_parser("chat", parents=[common], help="talk to the desk in the terminal")
    chat.add_argument("--lang", choices=LANGUAGES, help="your preferred language")
    chat.set_defaults(func=cmd_chat)


def _questions(args: argparse.Namespace, stdin: TextIO) -> Iterator[str]:
    if args.question:
        yield " ".join(args.question)
        return
    for line in stdin:
        line = line[:MAX_STDIN_LINE].strip()
        if line:
            yield line


def _print_reply(reply: Reply, *, as_json: bool, out: TextIO) -> None:
    if as_json:
        # non-ASCII stays readable on UTF-8 terminals; elsewhere it is escaped, never a crash
        utf8 = (getattr(out, "encoding", None) or "").lower().replace("-", "") == "utf8"
        out.write(json.dumps(reply.as_json(), ensure_ascii=not utf8) + "\n")
        return
    out.write(f"[{reply.kind}{' ' + reply.entry if reply.entry else ''} · {reply.language}]\n")
    out.write(to_plain(reply.text) + "\n")
    if reply.choices:  # the check-in's buttons, as Telegram will show them
        out.write("  ".join(f"[{c.label}]" for c in reply.choices) + "\n")
    out.write("\n")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question, or one per line of standard input."""
    desk = load_desk(args, settings)
    stdin = sys.stdin
    if not args.question:
        # invalid UTF-8 must not crash a batch: undecodable bytes become U+FFFD
        stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    replies = (
        [desk.reply(q, preferred_language=args.lang) for q in _questions(args, stdin)]
        if args.log
        else None
    )
    if replies is not None:
        for reply in replies:
            _print_reply(reply, as_json=args.json, out=sys.stdout)
        asyncio.run(_log_replies(replies, settings))
        return 0
    for question in _questions(args, stdin):
        _print_reply(
            desk.reply(question, preferred_language=args.lang), as_json=args.json, out=sys.stdout
        )
        sys.stdout.flush()
    return 0


async def _log_replies(replies: Sequence[Reply], settings: Settings) -> None:
    from bot.core.recording import record_reply
    from storage import Storage  # the database is only opened when asked to record

    storage = await Storage.open(
        settings.effective_database_url,
        hash_secret=settings.local_hash_secret(),
        retention_days=settings.retention_days,
    )
    try:
        for reply in replies:
            await record_reply(storage, reply, None)
    finally:
        await storage.close()


# --------------------------------------------------------------------------- chat
def _choice_reply(desk: Desk, checkin: Reply, line: str, language: str | None) -> Reply | None:
    """The reply to typing ``1`` or ``2`` after a check-in (its two buttons), else None."""
    index = int(line) - 1 if line in ("1", "2") else -1
    if not 0 <= index < len(checkin.choices):
        return None
    if checkin.choices[index].action == "unsafe":
        return desk.checkin_unsafe(
            checkin.question,
            preferred_language=language,
            language=checkin.language,
            category=checkin.category,
        )
    return desk.checkin_ok(checkin.question, preferred_language=language)


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """An interactive conversation with the desk; Ctrl-D or /quit ends it. After a check-in,
    typing 1 or 2 presses its buttons, as on Telegram."""
    desk = load_desk(args, settings)
    interactive = sys.stdin.isatty()
    if interactive:
        print("Leiden welcome bot — ask me anything (Ctrl-D or /quit to leave).")
    checkin: Reply | None = None  # the last reply, while it is a check-in waiting for 1 or 2
    while True:
        try:
            line = input("you> " if interactive else "")
        except EOFError:
            break
        except KeyboardInterrupt:
            print()
            break
        line = line.strip()
        if not line:
            continue
        if line in ("/quit", "/exit"):
            break
        chosen = _choice_reply(desk, checkin, line, args.lang) if checkin else None
        reply = chosen or desk.reply(line, preferred_language=args.lang)
        checkin = reply if reply.is_checkin else None
        print(f"bot> {to_plain(reply.text)}")
        if reply.kind == "clarify":
            hint = " | ".join(
                f"{i}: {desk.tree.entries[e].title(reply.language)}"
                for i, e in enumerate(reply.suggestions, 1)
            )
            print(f"     ({hint})")
        if reply.choices:
            options = " | ".join(f"{i}: {c.label}" for i, c in enumerate(reply.choices, 1))
            print(f"     ({options}; type 1 or 2)")
        print()
    return 0
