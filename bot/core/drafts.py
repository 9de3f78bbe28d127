"""Draft FAQ entries from a group of unanswered questions, for ``welcomebot unanswered
promote`` and the staff chat's "draft FAQ entry" button (one implementation for both)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from faq.draft import by_language, is_valid_id, skeleton, suggest_id
from faq.models import FaqTree
from storage import Storage, UnansweredGroup

#: Category of a draft when nothing suggests one.
DEFAULT_CATEGORY = "general"


@dataclass(frozen=True, slots=True)
class Draft:
    """A draft entry: its id, category and YAML text, and the group it came from."""

    group: UnansweredGroup
    entry_id: str
    category: str
    text: str
    languages: tuple[str, ...]
    variants: int

    @property
    def relative_path(self) -> Path:
        """Where it belongs in an FAQ tree: ``<category>/<id>.yaml``."""
        return Path(self.category) / f"{self.entry_id}.yaml"


async def find_group(
    storage: Storage, question_id: int
) -> tuple[UnansweredGroup, list[tuple[str, str]]]:
    """The group (of the same status) that question ``question_id`` belongs to, and the
    (language, text) of each of its questions. ``KeyError`` for an unknown id."""
    rows = {row.id: row for row in await storage.unanswered_rows(status=None)}
    row = rows.get(question_id)
    if row is None:
        raise KeyError(question_id)
    groups = await storage.unanswered_groups(status=row.status, limit=len(rows))
    group = next((g for g in groups if question_id in g.row_ids), None)
    if group is None:  # changed meanwhile
        raise KeyError(question_id)
    # the representative first, so that its wording suggests the id
    ordered = sorted(group.row_ids, key=lambda i: (i != group.id, i))
    return group, [(rows[i].language, rows[i].text) for i in ordered if i in rows]


def guess_category(group: UnansweredGroup, tree: FaqTree | None) -> str:
    """The category of the entry the group's questions came closest to, else ``general``."""
    if tree is not None:
        for entry_id, _score in group.candidates:
            entry = tree.entries.get(entry_id)
            if entry is not None:
                return entry.category
    return DEFAULT_CATEGORY


async def make_draft(
    storage: Storage,
    question_id: int,
    *,
    today: date,
    tree: FaqTree | None = None,
    category: str | None = None,
    entry_id: str | None = None,
    taken: Collection[str] = (),
) -> Draft:
    """A draft for the group of ``question_id``. ``category`` defaults to a guess from the
    tree, ``entry_id`` to one made from the questions and unique among the tree's ids and
    ``taken``. ``KeyError`` for an unknown question, ``ValueError`` for a bad id/category."""
    group, questions = await find_group(storage, question_id)
    category = category or guess_category(group, tree)
    if not is_valid_id(category):
        raise ValueError(f"category {category!r} must be kebab-case (e.g. housing)")
    known = set(taken) | (set(tree.entries) if tree is not None else set())
    if entry_id is None:
        entry_id = suggest_id(category, questions, known, fallback=f"question-{group.id}")
    elif not is_valid_id(entry_id):
        raise ValueError(f"id {entry_id!r} must be kebab-case: lowercase letters, digits, hyphens")
    elif entry_id in known:
        raise ValueError(f"there is already an entry with id {entry_id!r}")
    origin = (
        f"From {group.count} unanswered question(s), group {group.id}, drafted {today.isoformat()}."
    )
    text = skeleton(entry_id, category, questions, reviewed=today, origin=origin)
    grouped = by_language(questions)
    variants = sum(len(texts) for texts in grouped.values())
    return Draft(group, entry_id, category, text, tuple(grouped), variants)
