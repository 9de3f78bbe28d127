"""Command line for teaching the bot from real traffic: ``welcomebot unanswered
mark-out-of-scope`` (registered under ``unanswered`` by :mod:`bot.cli.staff`).

Each command prints the diff of the FAQ file it wrote, so what changed can be reviewed
before it is published (``welcomebot faq check``, then ``/reload`` or ``--watch-faq``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.staff import _error, _run
from bot.core.config import Settings
from bot.core.curation import Marked, mark_out_of_scope
from bot.core.text import one_line, plural
from faq.extras import OUT_OF_SCOPE_FILE
from faq.loader import BUNDLED_FAQ_DIR
from faq.models import LANGUAGES
from faq.writer import WriteError
from storage import StorageError


def add_unanswered_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """``unanswered mark-out-of-scope``, under ``welcomebot unanswered``."""
    mark = commands.add_parser(
        "mark-out-of-scope",
        help="write a question as an example into a group of out-of-scope.yaml",
        description=f"Write unanswered question ID (phone numbers, e-mail addresses, street "
        f"addresses and the like scrubbed) as an example into GROUP of {OUT_OF_SCOPE_FILE} in "
        "the question's language, print the diff, and mark the question and its "
        "near-duplicates 'added'. Only that one line of the file changes (comments and layout "
        "stay). The bot then answers such questions with the group's pointer once the FAQ is "
        "reloaded (/reload in the staff chat, or run --watch-faq).",
    )
    mark.add_argument("id", type=int, help="the id shown by 'unanswered list'")
    mark.add_argument("group", help="the out-of-scope group, e.g. tuition or transport")
    mark.add_argument(
        "--language",
        choices=LANGUAGES,
        help="the language list to add it to (default: the question's language)",
    )
    mark.add_argument(
        "--faq-dir", type=Path, help="FAQ tree to write into (default: FAQ_DIR or the bundled FAQ)"
    )
    mark.add_argument(
        "--dry-run", action="store_true", help="print the diff, write and mark nothing"
    )
    mark.set_defaults(func=cmd_mark_out_of_scope)


def _root(args: argparse.Namespace, settings: Settings) -> Path:
    root: Path = args.faq_dir or settings.faq_dir or BUNDLED_FAQ_DIR
    return root


def cmd_mark_out_of_scope(args: argparse.Namespace, settings: Settings) -> int:
    """``welcomebot unanswered mark-out-of-scope ID GROUP [--language xx] [--dry-run]``."""
    root = _root(args, settings)
    if not root.is_dir():
        return _error(f"FAQ directory not found: {root}")
    try:
        marked: Marked = _run(
            settings,
            lambda s: mark_out_of_scope(
                s, root, args.id, args.group, language=args.language, dry_run=args.dry_run
            ),
        )
    except KeyError:
        return _error(f"no unanswered question with id {args.id} (see 'unanswered list')")
    except WriteError as exc:
        return _error(str(exc))
    except StorageError as exc:
        return _error(str(exc))
    where = f"group {marked.group!r} ({marked.language})"
    if marked.edit is None:
        print(f"{OUT_OF_SCOPE_FILE} has this question in {where} already; nothing to write.")
    else:
        sys.stdout.write(marked.edit.diff(root))
        verb = "Would add" if args.dry_run else "Added"
        print(f"{verb} question #{args.id} to {where}: {one_line(marked.edit.question, 100)}")
    if args.dry_run:
        print("Dry run: nothing written, nothing marked.")
        return 0
    if marked.changed is None:
        print(f"Could not mark question #{args.id} as added (database unavailable); do it later.")
    else:
        print(
            f"Marked {plural(marked.changed, 'question')} (the group of #{args.id}) as added, "
            "so it leaves the unanswered list."
        )
    print(
        "Next: review the change (git diff), run `welcomebot faq check`, then /reload in the "
        "staff chat (a bot run with --watch-faq reloads by itself)."
    )
    return 0
