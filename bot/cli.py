"""The ``welcomebot`` command line (also ``python -m bot``).

Every command answers through the same :class:`bot.desk.Desk` as the Telegram bot, so what
you see here is what users get.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from bot.config import Settings, SettingsError, load_settings
from bot.desk import Desk, Reply
from faq.cache import ArtefactCache
from faq.decision import Thresholds
from faq.evaluation import Item, Outcome, evaluate, load_items
from faq.lint import lint
from faq.loader import FaqLoadError, load_tree
from faq.markup import to_plain
from faq.models import LANGUAGES, FaqTree
from faq.prepared import load_prepared

Command = Callable[[argparse.Namespace, Settings], int]

#: Subcommands that live in their own modules (each has ``register(subparsers)``).
EXTENSIONS = ("bot.cli_staff", "bot.cli_run")

#: The longest line ``ask`` reads from standard input.
MAX_STDIN_LINE = 100_000


def _faq_dir(args: argparse.Namespace, settings: Settings) -> Path | None:
    return getattr(args, "faq_dir", None) or settings.faq_dir


def load_desk(args: argparse.Namespace, settings: Settings) -> Desk:
    """The desk on the FAQ tree chosen by ``--faq-dir`` / ``FAQ_DIR`` / the bundled one,
    from the FAQ cache when the files are unchanged (``WELCOMEBOT_CACHE_DIR``)."""
    faq = load_prepared(_faq_dir(args, settings), ArtefactCache.from_setting(settings.cache_dir))
    return Desk(
        faq.tree, thresholds=_thresholds(args), matcher=faq.matcher, languages=faq.languages
    )


def _thresholds(args: argparse.Namespace) -> Thresholds:
    overrides = getattr(args, "thresholds", None)
    if not overrides:
        return Thresholds()
    values: dict[str, float] = {}
    for pair in overrides.split(","):
        key, _, value = pair.partition("=")
        if key.strip() not in Thresholds.__dataclass_fields__:
            raise SettingsError(
                f"unknown threshold {key.strip()!r} (known: {', '.join(Thresholds.__dataclass_fields__)})"
            )
        values[key.strip()] = float(value)
    return Thresholds(**values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- ask
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
    out.write(to_plain(reply.text) + "\n\n")


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
    from bot.recording import record_reply
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
def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """An interactive conversation with the desk; Ctrl-D or /quit ends it."""
    desk = load_desk(args, settings)
    interactive = sys.stdin.isatty()
    if interactive:
        print("Leiden welcome bot — ask me anything (Ctrl-D or /quit to leave).")
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
        reply = desk.reply(line, preferred_language=args.lang)
        print(f"bot> {to_plain(reply.text)}")
        if reply.kind == "clarify":
            hint = " | ".join(
                f"{i}: {desk.tree.entries[e].title(reply.language)}"
                for i, e in enumerate(reply.suggestions, 1)
            )
            print(f"     ({hint})")
        print()
    return 0


# --------------------------------------------------------------------------- faq check
def cmd_faq_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate (errors: exit 1) and lint (warnings) an FAQ tree."""
    root = _faq_dir(args, settings)
    try:
        tree = load_tree(root)
    except FaqLoadError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(exc.problems)} error(s)", file=sys.stderr)
        return 1
    warnings = lint(tree)
    for warning in warnings:
        print(f"warning: {warning}")
    _summary(tree, len(warnings))
    return 1 if args.strict and warnings else 0


def _summary(tree: FaqTree, warnings: int) -> None:
    languages = sorted(
        {lang for e in tree.entries.values() for lang in e.translations}, key=LANGUAGES.index
    )
    print(
        f"{len(tree.entries)} entries in {len(tree.categories())} categories, languages "
        f"{' '.join(languages)}; {len(tree.smalltalk)} smalltalk kinds; "
        f"{len(tree.synonyms)} synonym groups; {warnings} warning(s)"
    )


# --------------------------------------------------------------------------- eval
def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Figures on a labelled question file, overall and per language."""
    desk = load_desk(args, settings)
    try:
        items = load_items(args.file)
    except (OSError, ValueError) as exc:
        raise SettingsError(str(exc)) from None

    def answer(item: Item) -> Outcome:
        reply = desk.reply(item.question, preferred_language=args.lang)
        return Outcome(
            reply.kind,
            reply.entry,
            reply.suggestions,
            tuple(c.entry for c in reply.candidates),
            reply.language,
        )

    report = evaluate(
        items, answer, known_entries=list(desk.tree.entries) if args.only_present else None
    )
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        print(report.table())
        if report.skipped:
            print(f"({report.skipped} items skipped: their entry is not in this FAQ)")
        if args.misses:
            print("\nmisses:")
            for miss in report.overall.misses:
                print("  " + miss)
    return 0


# --------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--faq-dir", type=Path, help="FAQ tree to use (default: FAQ_DIR or the bundled FAQ)"
    )
    common.add_argument(
        "--thresholds", help="override decision thresholds, e.g. answer=50,margin=5"
    )

    parser = argparse.ArgumentParser(
        prog="welcomebot",
        description="The Leiden welcome bot: answers newcomers' questions from the FAQ files.",
    )
    parser.add_argument("--version", action="version", version="welcomebot 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

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

    faq = sub.add_parser("faq", help="work with the FAQ files")
    faq_sub = faq.add_subparsers(dest="faq_command", metavar="ACTION", required=True)
    check = faq_sub.add_parser(
        "check", parents=[common], help="validate and lint the FAQ files (exit 1 on errors)"
    )
    check.add_argument("--strict", action="store_true", help="also exit 1 when there are warnings")
    check.set_defaults(func=cmd_faq_check)

    ev = sub.add_parser("eval", parents=[common], help="figures on a labelled question file")
    ev.add_argument("file", type=Path, help="YAML list of {q, lang, expect}")
    ev.add_argument(
        "--only-present", action="store_true", help="skip questions whose entry is not in this FAQ"
    )
    ev.add_argument("--lang", choices=LANGUAGES, help="preferred language passed to the desk")
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")
    ev.add_argument("--misses", action="store_true", help="list every question that went wrong")
    ev.set_defaults(func=cmd_eval)

    for name in EXTENSIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``welcomebot``; returns the exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if hasattr(sys.stdout, "reconfigure"):
        # a terminal that cannot show a character gets an escape, not a UnicodeEncodeError
        sys.stdout.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        settings = load_settings()
        result: int = args.func(args, settings)
        return result
    except SettingsError as exc:
        print(f"welcomebot: {exc}", file=sys.stderr)
        return 2
    except FaqLoadError as exc:
        print(
            "welcomebot: the FAQ files have errors (run `welcomebot faq check`):", file=sys.stderr
        )
        for problem in exc.problems[:20]:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
