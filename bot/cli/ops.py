"""Operations: ``run`` the bot, its ``health`` check, ``db upgrade``, ``faq check`` and
``eval`` (figures on a labelled question file)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from bot.cli.common import faq_dir, load_desk
from bot.core.config import Settings, SettingsError
from bot.core.desk import Desk, Reply
from bot.core.leiden import today as leiden_today
from faq.evaluation import Item, Outcome, evaluate, load_items
from faq.freshness import unsourced
from faq.links import check_online, distinct_urls, link_errors
from faq.lint import lint
from faq.loader import FaqLoadError, load_tree
from faq.models import LANGUAGES, FaqTree
from faq.safety_eval import names_113


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add ``faq check``, ``eval``, ``run``, ``health`` and ``db upgrade``."""
    faq = sub.add_parser("faq", help="work with the FAQ files")
    faq_sub = faq.add_subparsers(dest="faq_command", metavar="ACTION", required=True)
    check = faq_sub.add_parser(
        "check", parents=[common], help="validate and lint the FAQ files (exit 1 on errors)"
    )
    check.add_argument("--strict", action="store_true", help="also exit 1 when there are warnings")
    check.add_argument(
        "--links", action="store_true", help="every link must be on links.yaml's known-good list"
    )
    check.add_argument(
        "--online", action="store_true", help="--links, and fetch every link (status, redirects)"
    )
    check.add_argument("--timeout", type=float, default=10.0, help="seconds per link (--online)")
    check.set_defaults(func=cmd_faq_check)

    ev = sub.add_parser("eval", parents=[common], help="figures on a labelled question file")
    ev.add_argument("file", type=Path, help="YAML list of {q, lang, expect}")
    ev.add_argument(
        "--only-present", action="store_true", help="skip questions whose entry is not in this FAQ"
    )
    ev.add_argument("--lang", choices=LANGUAGES, help="preferred language passed to the desk")
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")
    ev.add_argument(
        "--misses",
        action="store_true",
        help="list every question that went wrong, and every reply in another language",
    )
    ev.set_defaults(func=cmd_eval)

    _register_run(sub)
    from bot.telegram import health

    health.register(sub)

    db = sub.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    upgrade = db_commands.add_parser("upgrade", help="migrate the database to the newest schema")
    upgrade.set_defaults(func=cmd_db_upgrade)


# --------------------------------------------------------------------------- faq check
def cmd_faq_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate (errors: exit 1) and lint (warnings) an FAQ tree."""
    root = faq_dir(args, settings)
    try:
        tree = load_tree(root)
    except FaqLoadError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(exc.problems)} error(s)", file=sys.stderr)
        return 1
    warnings = [str(w) for w in lint(tree, today=leiden_today())]
    errors = [
        f"{e.path or e.id}: {e.id}: no sources (name an official page)" for e in unsourced(tree)
    ]
    if args.links or args.online:
        errors += link_errors(tree)
    if args.online:  # the only mode that touches the network
        for result in check_online(distinct_urls(tree), timeout=args.timeout):
            print(f"link: {result}")
            warnings += [] if result.ok else [f"link {result}"]
    for warning in warnings:
        print(f"warning: {warning}")
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    _summary(tree, len(warnings))
    if errors:
        print(f"{len(errors)} error(s)", file=sys.stderr)
        return 1
    return 1 if args.strict and warnings else 0


def _summary(tree: FaqTree, warnings: int) -> None:
    languages = sorted(
        {lang for e in tree.entries.values() for lang in e.translations}, key=LANGUAGES.index
    )
    print(
        f"{len(tree.entries)} entries in {len(tree.categories())} categories, languages "
        f"{' '.join(languages)}; {len(tree.smalltalk)} smalltalk kinds; "
        f"{len(tree.synonyms)} synonym groups; {len(tree.out_of_scope)} out-of-scope groups; "
        f"{warnings} warning(s)"
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
            names_113=_names_113(desk, reply),
        )

    report = evaluate(
        items, answer, known_entries=list(desk.tree.entries) if args.only_present else None
    )
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        print(report.table())
        print("\nwrong answers (expected -> answered):\n" + report.confusion_table())
        if report.skipped:
            print(f"({report.skipped} items skipped: their entry is not in this FAQ)")
        if args.misses:
            print("\nmisses:")
            for miss in [*report.overall.misses, *report.safety.misses]:
                print("  " + miss)
            others = report.overall.language_misses
            print(f"\nreplied in another language: {len(others) or 'none'}")
            for miss in others:
                print("  " + miss)
    return 0


def _names_113(desk: Desk, reply: Reply) -> bool:
    """An ordinary answer (housing, International Centre, eduroam) that names 113."""
    entry = desk.entry(reply.entry) if reply.kind == "answer" and reply.entry else None
    return entry is not None and names_113(entry.category, reply.text)


# --------------------------------------------------------------------------- run
def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the Telegram bot; the exit code."""
    faq_dir = getattr(args, "faq_dir", None)
    if faq_dir:
        settings = settings.model_copy(update={"faq_dir": faq_dir})
    if getattr(args, "watch_faq", False):
        settings = settings.model_copy(update={"watch_faq": True})
    from bot.telegram.run import run  # Telegram is imported only when the bot runs

    return run(settings, webhook=bool(args.webhook))


def _register_run(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


# --------------------------------------------------------------------------- db
def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    """``welcomebot db upgrade``: apply pending migrations."""
    from storage import StorageError, upgrade_database

    try:
        before, after = asyncio.run(upgrade_database(settings.effective_database_url))
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if before == after:
        print(f"Database already at revision {after}.")
    else:
        print(f"Database upgraded from revision {before or '(empty)'} to {after}.")
    return 0
