"""Command line for teaching the bot from real traffic: ``welcomebot suggestions
list|accept|reject`` and ``welcomebot unanswered mark-out-of-scope`` (registered under
``unanswered`` by :mod:`bot.cli.staff`).

Each command prints the diff of the FAQ file it wrote, so what changed can be reviewed
before it is published (``welcomebot faq check``, then ``/reload`` or ``--watch-faq``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli.staff import _error, _positive, _run, _time
from bot.core.config import Settings
from bot.core.curation import Marked, mark_out_of_scope
from bot.core.suggestions import Accepted, ReviewError, accept, reject
from bot.core.text import one_line, plural
from faq.extras import OUT_OF_SCOPE_FILE
from faq.loader import BUNDLED_FAQ_DIR
from faq.models import LANGUAGES
from faq.writer import WriteError
from storage import SUGGESTION_STATUSES, StorageError, SuggestionRow


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


# ---------------------------------------------------------------------- suggestions
def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add ``suggestions`` to the ``welcomebot`` parser."""
    suggestions = subparsers.add_parser(
        "suggestions",
        help="question variants learned from users, to review (welfare team)",
        description="When a user picks an entry under 'did you mean', or marks an answer "
        "helpful, the question they asked (scrubbed of personal data, linked to nobody) is "
        "suggested as a new question variant of that entry. Review them here: accept writes "
        "one into the entry's YAML file as one new line and prints the diff.",
    )
    commands = suggestions.add_subparsers(
        dest="suggestions_command", metavar="COMMAND", required=True
    )
    listing = commands.add_parser("list", help="suggested variants, most confirmed first")
    listing.add_argument("--status", choices=[*SUGGESTION_STATUSES, "all"], default="new")
    listing.add_argument("--limit", type=_positive, default=20, help="how many to show (20)")
    listing.add_argument("--json", action="store_true", help="one JSON array")
    listing.set_defaults(func=cmd_suggestions_list)

    accepting = commands.add_parser(
        "accept",
        help="write a suggested variant into its entry's file",
        description="Add suggestion ID to the question list of its language in its entry's "
        "file (comments and layout stay; one new line), print the diff and mark it accepted. "
        "The bot uses it after /reload in the staff chat (or at once with run --watch-faq); "
        "the FAQ cache rebuilds by itself.",
    )
    accepting.add_argument("id", type=int, help="the id shown by 'suggestions list'")
    accepting.add_argument(
        "--faq-dir", type=Path, help="FAQ tree to write into (default: FAQ_DIR or the bundled FAQ)"
    )
    accepting.add_argument(
        "--dry-run", action="store_true", help="print the diff, write and mark nothing"
    )
    accepting.set_defaults(func=cmd_suggestions_accept)

    rejecting = commands.add_parser("reject", help="drop a suggested variant from the queue")
    rejecting.add_argument("id", type=int, help="the id shown by 'suggestions list'")
    rejecting.set_defaults(func=cmd_suggestions_reject)


def _sources(row: SuggestionRow) -> str:
    parts = []
    if row.picks:
        parts.append(plural(row.picks, "pick"))
    if row.helpful:
        parts.append(f"{row.helpful} 👍")
    return ", ".join(parts)


def suggestion_json(row: SuggestionRow) -> dict[str, Any]:
    """``suggestions list --json``: one suggestion."""
    return {
        "id": row.id,
        "entry": row.entry,
        "language": row.language,
        "text": row.text,
        "count": row.count,
        "picks": row.picks,
        "helpful": row.helpful,
        "status": row.status,
        "first_seen": row.first_seen.isoformat(),
        "last_seen": row.last_seen.isoformat(),
        "reviewed_at": row.reviewed_at.isoformat() if row.reviewed_at else None,
    }


def cmd_suggestions_list(args: argparse.Namespace, settings: Settings) -> int:
    """``welcomebot suggestions list [--status S] [--limit N] [--json]``."""
    try:
        rows = _run(settings, lambda s: s.suggestions(status=args.status, limit=args.limit))
    except StorageError as exc:
        return _error(str(exc))
    if args.json:
        print(json.dumps([suggestion_json(r) for r in rows], ensure_ascii=False, indent=2))
        return 0
    what = "suggested variants" if args.status == "all" else f"{args.status} suggested variants"
    if not rows:
        print(f"No {what}.")
        return 0
    print(f"{what.capitalize()} ({len(rows)} shown), most confirmed first:")
    for row in rows:
        print()
        status = "" if args.status != "all" else f"  [{row.status}]"
        print(
            f"#{row.id}  ×{row.count}  {row.entry}  {row.language}  ({_sources(row)})  "
            f"last seen {_time(row.last_seen)}{status}"
        )
        print(f"    {one_line(row.text, 100)}")
    print()
    print("Review with: welcomebot suggestions accept|reject ID")
    return 0


def cmd_suggestions_accept(args: argparse.Namespace, settings: Settings) -> int:
    """``welcomebot suggestions accept ID [--faq-dir DIR] [--dry-run]``."""
    root = _root(args, settings)
    if not root.is_dir():
        return _error(f"FAQ directory not found: {root}")
    try:
        accepted: Accepted = _run(
            settings, lambda s: accept(s, root, args.id, dry_run=args.dry_run)
        )
    except (ReviewError, WriteError, StorageError) as exc:
        return _error(str(exc))
    row = accepted.suggestion
    where = f"entry {row.entry!r} ({row.language})"
    if accepted.edit is None:
        print(f"{where} has this question already; nothing to write.")
    else:
        sys.stdout.write(accepted.edit.diff(root))
        verb = "Would add" if args.dry_run else "Added"
        print(f"{verb} suggestion #{row.id} to {where}: {one_line(row.text, 100)}")
    if args.dry_run:
        print("Dry run: nothing written, nothing marked.")
        return 0
    if accepted.marked:
        print(f"Marked suggestion #{row.id} as accepted.")
    else:
        print(f"Suggestion #{row.id} was reviewed by someone else meanwhile.")
    print(
        "Next: review the change (git diff), run `welcomebot faq check`, then /reload in the "
        "staff chat (a bot run with --watch-faq reloads by itself)."
    )
    return 0


def cmd_suggestions_reject(args: argparse.Namespace, settings: Settings) -> int:
    """``welcomebot suggestions reject ID``."""
    try:
        row = _run(settings, lambda s: reject(s, args.id))
    except (ReviewError, StorageError) as exc:
        return _error(str(exc))
    print(f"Rejected suggestion #{row.id} ({row.entry}, {row.language}): {one_line(row.text, 80)}")
    return 0
