"""Learning from traffic: question variants users confirm, reviewed by staff.

When a user picks an entry under "did you mean", or gives an answer 👍, the question they
asked is evidently a way of asking that entry. :func:`learn` queues it (scrubbed of personal
data, with no user attached) as a suggested variant of the entry in the reply's language;
the same phrasing again counts up. Staff review the queue (``welcomebot suggestions`` or
``/suggestions`` in the staff chat): :func:`accept` writes the variant into the entry's YAML
file as one new line (:mod:`faq.writer`, a reviewable diff), :func:`reject` drops it from the
queue for good (the same phrasing later only counts up the rejected row).

One implementation for the command line and the staff chat.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from faq.models import FaqTree
from faq.normalise import normalise
from faq.scrub import scrub
from faq.writer import (
    MAX_QUESTION_CHARS,
    AlreadyThere,
    FileEdit,
    WriteError,
    entry_question_edit,
    find_entry_file,
    question_text,
)
from storage import Storage, SuggestionRow


def variant_of(tree: FaqTree, question: str, entry: str) -> str | None:
    """The text worth suggesting as a variant of ``entry``: ``question`` scrubbed and on one
    line; None when there is nothing to learn (an unknown entry, a text too long to be a
    variant or empty, or a phrasing the entry has already)."""
    known = tree.entries.get(entry)
    if known is None:
        return None
    try:
        line = question_text(scrub(question))
    except WriteError:
        return None
    key = normalise(line)
    if not key or len(line) > MAX_QUESTION_CHARS:
        return None
    existing = {normalise(q) for t in known.translations.values() for q in t.questions}
    return None if key in existing else line


async def learn(
    storage: Storage,
    tree: FaqTree,
    *,
    question: str,
    entry: str,
    language: str,
    source: str,
    key: str | None = None,
) -> bool:
    """Queue ``question`` as a suggested variant of ``entry`` in ``language`` (``source``:
    "pick" or "helpful"); returns whether anything was queued. ``key`` (from
    :meth:`Storage.event_key`) counts one press handled twice once."""
    line = variant_of(tree, question, entry)
    if line is None:
        return False
    await storage.record_suggestion(
        entry=entry, language=language, text=line, source=source, key=key
    )
    return True


@dataclass(frozen=True, slots=True)
class Accepted:
    """What accepting a suggestion did."""

    suggestion: SuggestionRow
    #: the edit written; None when the entry had the question already
    edit: FileEdit | None
    #: False when someone reviewed it meanwhile (the file was still written)
    marked: bool


class ReviewError(ValueError):
    """The suggestion cannot be reviewed: unknown, or accepted or rejected already."""


async def _new(storage: Storage, suggestion_id: int) -> SuggestionRow:
    suggestion = await storage.suggestion(suggestion_id)
    if suggestion is None:
        raise ReviewError(f"no suggestion with id {suggestion_id} (see 'suggestions list')")
    if suggestion.status != "new":
        raise ReviewError(f"suggestion {suggestion_id} is {suggestion.status} already")
    return suggestion


async def accept(
    storage: Storage, root: Path, suggestion_id: int, *, dry_run: bool = False
) -> Accepted:
    """Write suggestion ``suggestion_id`` into its entry's file under ``root`` (the
    question list of its language) and mark it accepted.

    :class:`ReviewError` for an unknown or reviewed suggestion; :class:`faq.writer.WriteError`
    when the entry, its file or its language is gone or the file cannot be edited (nothing is
    written and the suggestion stays new: reject it, or add the language first).
    ``dry_run`` builds the edit (to show its diff) and changes nothing.
    """
    suggestion = await _new(storage, suggestion_id)
    path = await asyncio.to_thread(find_entry_file, root, suggestion.entry)
    edit: FileEdit | None
    try:
        edit = entry_question_edit(path, suggestion.entry, suggestion.language, suggestion.text)
    except AlreadyThere:
        edit = None
    if dry_run:
        return Accepted(suggestion, edit, marked=False)
    if edit is not None:
        await asyncio.to_thread(edit.apply)
    marked = await storage.review_suggestion(suggestion_id=suggestion_id, status="accepted")
    return Accepted(suggestion, edit, marked)


async def reject(storage: Storage, suggestion_id: int) -> SuggestionRow:
    """Mark suggestion ``suggestion_id`` rejected (:class:`ReviewError` when unknown or
    reviewed already)."""
    suggestion = await _new(storage, suggestion_id)
    if not await storage.review_suggestion(suggestion_id=suggestion_id, status="rejected"):
        raise ReviewError(f"suggestion {suggestion_id} was reviewed meanwhile")
    return suggestion
