"""Staff-chat messages for teaching the bot: the out-of-scope group picker, the suggested
variants to review (/suggestions), and what a write did (with its diff). English, like every
staff text; user text and file text escaped (without control and bidi characters)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.suggestions import Accepted
from bot.core.text import ellipsis, one_line, plural
from bot.telegram import callback_data as cb
from bot.telegram.render.answers import MAX_MESSAGE_CHARS, visible_length
from bot.telegram.render.staff import escape, local_time
from faq.models import OutOfScopeGroup
from faq.scrub import scrub
from faq.writer import FileEdit
from storage import SuggestionRow, UnansweredRow

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


# ---------------------------------------------------------------------- /suggestions
#: Suggestions shown in one /suggestions message (each has a row of two buttons).
MAX_SUGGESTIONS_SHOWN = 8


def _suggestion_lines(number: int, row: SuggestionRow) -> list[str]:
    sources = []
    if row.picks:
        sources.append(f"{row.picks} picked it under “did you mean”")
    if row.helpful:
        sources.append(f"{row.helpful} 👍")
    return [
        f"<b>{number}.</b> ×{row.count} · <b>{escape(row.entry)}</b> · {escape(row.language)} · "
        f"id {row.id}",
        f"“{escape(one_line(row.text, 200))}”",
        f"<i>{escape(', '.join(sources))}; last {local_time(row.last_seen)}</i>",
    ]


def suggestions_message(
    rows: Sequence[SuggestionRow], total: int, *, note: str | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """/suggestions: the new suggested variants, most confirmed first, each with accept and
    reject buttons. ``total`` is how many are new in all; ``note`` (HTML) goes on top."""
    top = [note, ""] if note else []
    if not rows:
        return "\n".join([*top, "No suggested variants to review. 🎉"]), None
    shown = min(len(rows), MAX_SUGGESTIONS_SHOWN)
    while True:
        lines = [
            *top,
            f"<b>Suggested question variants</b>: {total} to review, "
            "most confirmed first. Accept writes one into its entry's file (then /reload).",
        ]
        for i, row in enumerate(rows[:shown], 1):
            lines += ["", *_suggestion_lines(i, row)]
        if shown < total:
            lines += ["", f"<i>… and {total - shown} more: welcomebot suggestions list</i>"]
        text = "\n".join(lines)
        if visible_length(text) <= MAX_MESSAGE_CHARS - 96 or shown == 1:
            break
        shown -= 1
    keyboard = [
        [
            InlineKeyboardButton(
                f"✅ Accept {i}", callback_data=cb.encode("staff_accept", str(r.id))
            ),
            InlineKeyboardButton(
                f"❌ Reject {i}", callback_data=cb.encode("staff_reject", str(r.id))
            ),
        ]
        for i, r in enumerate(rows[:shown], 1)
    ]
    return text, InlineKeyboardMarkup(keyboard)


def accepted_note(accepted: Accepted, root: Path, who: str) -> str:
    """What accepting a suggestion did (HTML, on top of the refreshed list)."""
    row = accepted.suggestion
    head = f"✅ Accepted suggestion {row.id} → {escape(row.entry)} ({escape(row.language)}), "
    head += f"by {escape(who)}."
    if accepted.edit is None:
        return head + " The entry has this question already; nothing written."
    return "\n".join([head, diff_block(accepted.edit, root), "Send /reload to use it."])
