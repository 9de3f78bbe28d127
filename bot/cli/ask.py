"""``welcomebot ask``: the desk in the terminal (``welcomebot chat`` is :mod:`bot.cli.chat`).

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
from bot.core.desk import Reply
from faq.markup import to_text
from faq.models import LANGUAGES

#: The longest line ``ask`` reads from standard input.
MAX_STDIN_LINE = 100_000


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add ``ask`` to the ``welcomebot`` parser."""
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
    out.write(to_text(reply.text) + "\n")
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
