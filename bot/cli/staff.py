"""Command line for the welfare team: unanswered questions (list, export, resolve, ignore,
promote to a draft FAQ entry; mark-out-of-scope in :mod:`bot.cli.learning`), stats, purge.

:mod:`bot.cli.main` calls :func:`register` with its sub-command parsers. Every command sets
``func`` to a callable taking ``(args, settings)`` and returning the exit code. The commands
work on ``settings.effective_database_url`` (an SQLite file in the data directory unless
``DATABASE_URL`` says otherwise) and never print a user hash.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeVar

from bot.core.config import Settings
from bot.core.drafts import Draft, make_draft
from bot.core.leiden import today as leiden_today
from bot.core.text import one_line, plural
from faq.loader import BUNDLED_FAQ_DIR, FaqLoadError, load_tree
from storage import (
    STATUSES,
    DayCounts,
    Stats,
    Storage,
    StorageError,
    UnansweredGroup,
    UnansweredRow,
)

T = TypeVar("T")

EXPORT_COLUMNS = (
    "id",
    "created_at",
    "language",
    "status",
    "text",
    "candidates",
    "note",
    "reason",
    "answered_entry",
)
# A spreadsheet runs a cell starting with one of these as a formula; user texts must not.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add ``unanswered``, ``stats`` and ``purge`` to the ``welcomebot`` parser."""

    unanswered = subparsers.add_parser(
        "unanswered", help="questions the bot could not answer (welfare team)"
    )
    commands = unanswered.add_subparsers(
        dest="unanswered_command", metavar="COMMAND", required=True
    )

    listing = commands.add_parser("list", help="near-duplicates grouped, most frequent first")
    listing.add_argument("--status", choices=[*STATUSES, "all"], default="new")
    listing.add_argument("--limit", type=_positive, default=20, help="groups to show (20)")
    listing.add_argument("--json", action="store_true", help="one JSON array")
    listing.set_defaults(func=cmd_unanswered_list)

    export = commands.add_parser("export", help="every question as CSV, without user hashes")
    export.add_argument("--csv", action="store_true", required=True, help="CSV format")
    export.add_argument("file", nargs="?", type=Path, help="output file (standard output if none)")
    export.add_argument("--status", choices=[*STATUSES, "all"], default="all")
    export.set_defaults(func=cmd_unanswered_export)

    for name, status, text in (
        ("resolve", "resolved", "mark a question and its near-duplicates as resolved"),
        ("ignore", "ignored", "mark a question and its near-duplicates as ignored"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("id", type=int, help="the id shown by 'unanswered list'")
        command.add_argument("--note", help="a note for the team")
        command.set_defaults(func=cmd_unanswered_status, status=status)

    promote = commands.add_parser(
        "promote",
        help="write a draft FAQ entry from a group of questions (answers to be filled in)",
        description="Write <faq-dir>/<category>/<id>.yaml with the group's questions as "
        "question variants in their languages and empty answers, which `welcomebot faq "
        "check` rejects until they are written. Marks the group 'added' once the file is "
        "written. Never overwrites a file.",
    )
    promote.add_argument("id", type=int, help="the id shown by 'unanswered list'")
    promote.add_argument(
        "--category", required=True, help="the entry's category (folder), e.g. housing"
    )
    promote.add_argument(
        "--faq-dir", type=Path, help="FAQ tree to write into (default: FAQ_DIR or the bundled FAQ)"
    )
    promote.add_argument(
        "--id", dest="new_id", metavar="NEW_ID", help="the new entry's id (default: from the text)"
    )
    promote.set_defaults(func=cmd_unanswered_promote)

    from bot.cli.learning import add_unanswered_commands  # it imports this module

    add_unanswered_commands(commands)

    stats = subparsers.add_parser("stats", help="answered and unanswered per day, feedback")
    stats.add_argument("--days", type=_positive, default=7, help="days to show (7)")
    stats.add_argument("--json", action="store_true", help="one JSON object")
    stats.set_defaults(func=cmd_stats)

    purge = subparsers.add_parser("purge", help="delete texts older than RETENTION_DAYS")
    purge.set_defaults(func=cmd_purge)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _run(settings: Settings, action: Callable[[Storage], Awaitable[T]]) -> T:
    async def main() -> T:
        storage = await Storage.open(
            settings.effective_database_url,
            hash_secret=settings.local_hash_secret(),
            retention_days=settings.retention_days,
        )
        try:
            return await action(storage)
        finally:
            await storage.close()

    return asyncio.run(main())


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _time(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


# ---------------------------------------------------------------------- commands
def cmd_unanswered_list(args: argparse.Namespace, settings: Settings) -> int:
    """``welcomebot unanswered list``: grouped near-duplicates, most frequent first."""
    try:
        groups = _run(settings, lambda s: s.unanswered_groups(status=args.status, limit=args.limit))
    except StorageError as exc:
        return _error(str(exc))
    if args.json:
        print(json.dumps([_group_json(g) for g in groups], ensure_ascii=False, indent=2))
        return 0
    what = "unanswered questions" if args.status == "all" else f"{args.status} unanswered questions"
    if not groups:
        print(f"No {what}.")
        return 0
    total = sum(g.count for g in groups)
    print(
        f"{plural(len(groups), 'group')} of {what} ({plural(total, 'question')}), "
        "most frequent first:"
    )
    for group in groups:
        print()
        print(
            f"#{group.id}  ×{group.count}  {', '.join(group.languages)}  "
            f"last seen {_time(group.last_seen)}"
        )
        for sample in group.samples:
            print(f"    {one_line(sample, 100)}")
        if group.answered_entries:
            print(f"    answered with (marked 👎): {', '.join(group.answered_entries)}")
        if group.candidates:
            best = ", ".join(f"{entry} ({score:.0f})" for entry, score in group.candidates[:3])
            print(f"    closest entries: {best}")
    print()
    print("Mark a group with: welcomebot unanswered resolve|ignore ID [--note TEXT]")
    return 0


def cmd_unanswered_export(args: argparse.Namespace, settings: Settings) -> int:
    """``welcomebot unanswered export --csv [FILE]``: every question as CSV."""
    try:
        rows = _run(settings, lambda s: s.unanswered_rows(status=args.status))
    except StorageError as exc:
        return _error(str(exc))
    if args.file is None:
        write_csv(rows, sys.stdout)
        return 0
    with args.file.open("w", encoding="utf-8", newline="") as handle:
        write_csv(rows, handle)
    print(f"Wrote {len(rows)} questions to {args.file}.", file=sys.stderr)
    return 0


def cmd_unanswered_status(args: argparse.Namespace, settings: Settings) -> int:
    """``welcomebot unanswered resolve|ignore ID [--note TEXT]``."""
    try:
        changed = _run(
            settings,
            lambda s: s.set_status(question_id=args.id, status=args.status, note=args.note),
        )
    except KeyError:
        return _error(f"no unanswered question with id {args.id} (see 'unanswered list')")
    except StorageError as exc:
        return _error(str(exc))
    print(f"Marked {plural(changed, 'question')} as {args.status} (the group of #{args.id}).")
    return 0


def _taken_ids(root: Path) -> set[str]:
    """Entry ids in the tree at ``root`` (file names too, so a broken tree still counts)."""
    taken = {path.stem for path in root.rglob("*.yaml")}
    with contextlib.suppress(FaqLoadError):  # a broken tree: its file names must do
        taken |= set(load_tree(root).entries)
    return taken


def cmd_unanswered_promote(args: argparse.Namespace, settings: Settings) -> int:
    """``welcomebot unanswered promote ID --category CAT [--faq-dir DIR] [--id NEW_ID]``."""
    root: Path = args.faq_dir or settings.faq_dir or BUNDLED_FAQ_DIR
    if not root.is_dir():
        return _error(f"FAQ directory not found: {root}")

    if args.new_id and (root / args.category / f"{args.new_id}.yaml").exists():
        path = root / args.category / f"{args.new_id}.yaml"
        return _error(f"{path} exists already; not overwriting it (choose another --id)")

    async def promote(storage: Storage) -> tuple[Draft, Path, int | None]:
        draft = await make_draft(
            storage,
            args.id,
            today=leiden_today(),
            category=args.category,
            entry_id=args.new_id,
            taken=_taken_ids(root),
        )
        path = root / draft.relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(draft.text)
        try:
            changed: int | None = await storage.set_status(
                question_id=draft.group.id, status="added", note=f"draft {draft.relative_path}"
            )
        except (StorageError, KeyError):
            changed = None
        return draft, path, changed

    try:
        draft, path, changed = _run(settings, promote)
    except KeyError:
        return _error(f"no unanswered question with id {args.id} (see 'unanswered list')")
    except ValueError as exc:
        return _error(str(exc))
    except FileExistsError as exc:
        return _error(f"{exc.filename} exists already; not overwriting it (choose --id)")
    except StorageError as exc:
        return _error(str(exc))
    group = draft.group
    print(
        f"Wrote {path}: draft entry {draft.entry_id!r} with "
        f"{plural(draft.variants, 'question variant')} in {', '.join(draft.languages)}."
    )
    if changed is None:
        print(f"Could not mark group #{group.id} as added (database unavailable); do it later.")
    else:
        print(
            f"Marked group #{group.id} ({plural(changed, 'question')}) as added, so it leaves "
            "the unanswered list."
        )
    print(
        'Next: write the answers (every `answer: ""`), tidy the questions, add sources, '
        "then run `welcomebot faq check"
        + (f" --faq-dir {args.faq_dir}" if args.faq_dir else "")
        + "`; it fails until every answer is filled in."
    )
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    """``welcomebot stats [--days N] [--json]``."""
    try:
        stats = _run(settings, lambda s: s.stats(days=args.days))
    except StorageError as exc:
        return _error(str(exc))
    if args.json:
        print(json.dumps(stats_json(stats), ensure_ascii=False, indent=2))
        return 0
    first, last = stats.per_day[0].day, stats.per_day[-1].day
    print(f"Last {len(stats.per_day)} days (UTC), {first} to {last}:")
    print(f"{'day':<10}" + "".join(f"{h:>12}" for h in DayCounts._fields[1:]))
    table = [(day.day.isoformat(), _counts(day)) for day in stats.per_day]
    totals = [sum(column) for column in zip(*(counts for _, counts in table), strict=True)]
    for label, counts in [*table, ("total", totals)]:
        print(f"{label:<10}" + "".join(f"{n:>12}" for n in counts))
    print()
    if stats.top_entries:
        print("Top entries: " + ", ".join(f"{e} {n}" for e, n in stats.top_entries))
    else:
        print("Top entries: none answered")
    if stats.languages:
        print("Languages: " + ", ".join(f"{lang} {n}" for lang, n in stats.languages.items()))
    if stats.helpful_ratio is None:
        print("Feedback: none")
    else:
        print(
            f"Feedback: {stats.helpful} helpful, {stats.not_helpful} not helpful "
            f"({stats.helpful_ratio:.0%} helpful)"
        )
    return 0


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    """``welcomebot purge``: apply the retention period now."""
    try:
        deleted = _run(settings, lambda s: s.purge())
    except StorageError as exc:
        return _error(str(exc))
    print(f"Deleted {deleted} rows older than {settings.retention_days} days.")
    return 0


# ---------------------------------------------------------------------- formats
def write_csv(rows: list[UnansweredRow], out: IO[str]) -> None:
    """Write the export columns; texts that a spreadsheet would run as formulas are quoted."""
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow(
            (
                row.id,
                row.created_at.isoformat(timespec="seconds"),
                row.language,
                row.status,
                _cell(row.text),
                "; ".join(f"{entry} {score:g}" for entry, score in row.candidates),
                _cell(row.note or ""),
                row.reason,
                row.answered_entry or "",
            )
        )


def _counts(day: DayCounts) -> list[int]:
    return [day.answered, day.unanswered, day.clarify, day.safety, day.smalltalk, day.checkins]


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _group_json(group: UnansweredGroup) -> dict[str, Any]:
    return {
        "id": group.id,
        "count": group.count,
        "languages": group.languages,
        "last_seen": group.last_seen.isoformat(),
        "first_seen": group.first_seen.isoformat(),
        "samples": group.samples,
        "row_ids": group.row_ids,
        "candidates": [{"entry": e, "score": s} for e, s in group.candidates],
        "answered_entries": group.answered_entries,
    }


def stats_json(stats: Stats) -> dict[str, Any]:
    """``stats --json``: the same figures as the table."""
    return {
        "per_day": [{**day._asdict(), "day": day.day.isoformat()} for day in stats.per_day],
        "top_entries": [{"entry": e, "count": n} for e, n in stats.top_entries],
        "languages": stats.languages,
        "helpful": stats.helpful,
        "not_helpful": stats.not_helpful,
        "helpful_ratio": stats.helpful_ratio,
    }
