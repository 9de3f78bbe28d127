"""Staff-chat messages for teaching the bot: the out-of-scope group picker and what a write
did (with its diff). English, like every staff text; user text and file text escaped."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.text import ellipsis, one_line, plural
from bot.telegram import callback_data as cb
from faq.markup import escape
from faq.models import OutOfScopeGroup
from faq.scrub import scrub
from faq.writer import FileEdit
from storage import UnansweredRow

#: Buttons per row of the group picker.
GROUPS_PER_ROW = 2
#: A diff longer than this is cut (a one-line edit is far shorter).
MAX_DIFF_CHARS = 2500


def out_of_scope_picker(
    row: UnansweredRow, groups: Sequence[OutOfScopeGroup]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """ "Which group?" for question ``row``, with one button per out-of-scope group."""
    quoted = escape(one_line(scrub(row.text), 200))
    if not groups:
        return (
            f"🧭 Question #{row.id} ({escape(row.language)}): “{quoted}”\n\n"
            "The FAQ has no out-of-scope groups (out-of-scope.yaml); add one by hand first.",
            None,
        )
    buttons = [
        InlineKeyboardButton(group.id, callback_data=cb.out_of_scope_group(row.id, group.id))
        for group in groups
    ]
    rows = [buttons[i : i + GROUPS_PER_ROW] for i in range(0, len(buttons), GROUPS_PER_ROW)]
    text = (
        f"🧭 <b>Out of scope</b>: question #{row.id} ({escape(row.language)})\n"
        f"“{quoted}”\n\n"
        "Which group should it teach? It is written (phone numbers, addresses and the like "
        "scrubbed) as an example into that group of out-of-scope.yaml, and the question leaves "
        "the unanswered list."
    )
    return text, InlineKeyboardMarkup(rows)


def diff_block(edit: FileEdit, root: Path) -> str:
    """The edit's diff as a ``<pre>`` block (cut when very long)."""
    diff = edit.diff(root)
    if len(diff) > MAX_DIFF_CHARS:
        diff = ellipsis(diff, MAX_DIFF_CHARS)
    return f"<pre>{escape(diff)}</pre>"


def out_of_scope_done(
    question_id: int,
    group: str,
    language: str,
    edit: FileEdit | None,
    changed: int | None,
    root: Path,
    who: str,
) -> str:
    """What marking a question out of scope did, for the staff chat."""
    lines = [f"🧭 <b>Out of scope</b>: question #{question_id} → {escape(group)} ({language}), "]
    lines[0] += f"by {escape(who)}."
    if edit is None:
        lines.append("out-of-scope.yaml has this question in that group already.")
    else:
        lines += ["", diff_block(edit, root)]
    if changed is None:
        lines.append("⚠️ Could not mark the question as added (database unavailable).")
    else:
        lines.append(f"Marked {plural(changed, 'question')} as added.")
    lines.append("Send /reload when you are done for the bot to use it.")
    return "\n".join(lines)
