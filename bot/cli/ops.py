"""The ``welcomebot run`` and ``welcomebot health`` subcommands (added to the command line by
:mod:`bot.cli.main`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.core.config import Settings
from bot.telegram import health
from bot.telegram.run import run


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the Telegram bot; the exit code."""
    faq_dir = getattr(args, "faq_dir", None)
    if faq_dir:
        settings = settings.model_copy(update={"faq_dir": faq_dir})
    if getattr(args, "watch_faq", False):
        settings = settings.model_copy(update={"watch_faq": True})
    return run(settings, webhook=bool(args.webhook))


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``run [--webhook] [--faq-dir DIR]`` and ``health [--webhook] [--max-age S]``."""
    parser = subparsers.add_parser(
        "run",
        help="run the Telegram bot (long polling; --webhook for webhook mode)",
        description="Run the Telegram bot. Configuration comes from the environment "
        "(TELEGRAM_BOT_TOKEN, HASH_SECRET, DATABASE_URL, ...).",
    )
    parser.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates on WEBHOOK_URL (needs WEBHOOK_SECRET; listens on "
        "WEBHOOK_LISTEN:WEBHOOK_PORT, with GET /healthz)",
    )
    parser.add_argument(
        "--faq-dir",
        type=Path,
        metavar="DIR",
        help="FAQ tree to answer from (default: FAQ_DIR or the bundled one)",
    )
    parser.add_argument(
        "--watch-faq",
        action="store_true",
        help="reload the FAQ when its files change (checked every few seconds; a broken "
        "change keeps the previous FAQ and is reported to the staff chat); also WATCH_FAQ=1",
    )
    parser.set_defaults(func=cmd_run)
    health.register(subparsers)
