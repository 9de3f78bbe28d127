"""What staff teach the bot from real traffic, for the command line and the staff chat alike:
an unanswered question marked out of scope (written into ``out-of-scope.yaml``) and, in
:mod:`bot.core.suggestions`, suggested question variants accepted into an entry's file.

Every write goes through :mod:`faq.writer` (one line added, a diff to review) and every text
through :func:`faq.scrub.scrub` first, so no phone number or address reaches an FAQ file.
The running bot answers from the new files after ``/reload`` (or at once with
``--watch-faq``); the FAQ cache is keyed by the files' contents, so it rebuilds by itself.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from faq.models import LANGUAGES
from faq.scrub import scrub
from faq.writer import AlreadyThere, FileEdit, WriteError, out_of_scope_edit
from storage import Storage, StorageError, UnansweredRow


@dataclass(frozen=True, slots=True)
class Marked:
    """The result of marking a question out of scope."""

    row: UnansweredRow
    group: str
    language: str
    #: the edit written; None when the file had the question already
    edit: FileEdit | None
    #: questions of its near-duplicate group marked "added"; None when the database failed
    changed: int | None


async def mark_out_of_scope(
    storage: Storage,
    root: Path,
    question_id: int,
    group: str,
    *,
    language: str | None = None,
    dry_run: bool = False,
) -> Marked:
    """Write unanswered question ``question_id`` (scrubbed) as an example into ``group`` of
    ``root/out-of-scope.yaml``, in the question's language (or ``language``), then mark its
    near-duplicate group "added" with a note.

    ``KeyError`` for an unknown question id; :class:`faq.writer.WriteError` for an unknown
    group or language, or a file that cannot be edited (nothing is written then). A question
    the file has already is not written twice, but its group is still marked. ``dry_run``
    builds the edit (to show its diff) and changes nothing.
    """
    row = await storage.unanswered_row(question_id)
    if row is None:
        raise KeyError(question_id)
    lang = language or row.language
    if lang not in LANGUAGES:
        raise WriteError(
            f"question {question_id} is in {row.language!r}, not one of the FAQ's languages; "
            f"choose one with --language ({', '.join(LANGUAGES)})"
        )
    text = scrub(row.text)
    edit: FileEdit | None
    try:
        edit = out_of_scope_edit(root, group, lang, text)
    except AlreadyThere:
        edit = None
    if dry_run:
        return Marked(row, group, lang, edit, None)
    if edit is not None:
        await asyncio.to_thread(edit.apply)
    try:
        changed: int | None = await storage.set_status(
            question_id=question_id, status="added", note=f"out of scope: {group}"
        )
    except (StorageError, KeyError):
        changed = None
    return Marked(row, group, lang, edit, changed)
