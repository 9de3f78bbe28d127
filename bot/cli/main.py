"""The ``welcomebot`` command line (also ``python -m bot``): the parser and the dispatch.

Each command lives in its own module (:mod:`bot.cli.ask`, :mod:`bot.cli.staff`,
:mod:`bot.cli.ops`), which has ``register(subparsers, common)``. Only the module of the
command that runs is imported, so ``welcomebot ask`` loads neither the staff tools nor
Telegram nor SQLAlchemy; ``--help`` and unknown commands load them all.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.core.config import SettingsError, load_settings
from faq.loader import FaqLoadError

#: The module of each top-level command (in the order ``--help`` lists them).
COMMANDS: dict[str, str] = {
    "ask": "bot.cli.ask",
    "chat": "bot.cli.chat",
    "faq": "bot.cli.ops",
    "eval": "bot.cli.ops",
    "unanswered": "bot.cli.staff",
    "suggestions": "bot.cli.learning",
    "stats": "bot.cli.staff",
    "purge": "bot.cli.staff",
    "db": "bot.cli.ops",
    "run": "bot.cli.ops",
    "health": "bot.cli.ops",
}


def _command(argv: Sequence[str]) -> str | None:
    """The top-level command named in ``argv`` (the first word that is not an option)."""
    return next((word for word in argv if not word.startswith("-")), None)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: every subcommand, or only the module of ``command`` when known."""
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

    modules = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in modules:
        importlib.import_module(name).register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``welcomebot``; returns the exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if hasattr(sys.stdout, "reconfigure"):
        # a terminal that cannot show a character gets an escape, not a UnicodeEncodeError
        sys.stdout.reconfigure(errors="backslashreplace")
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command(words))
    args = parser.parse_args(words)
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
