"""The staff chat's messages: unanswered groups with their buttons, stats, the daily digest,
reload reports and handoff notes.

Staff texts are English only (the welfare team's working language) and never go through
gettext. Everything that came from a user or a file is HTML-escaped here, without control
and bidi-override characters (:func:`escape`); stored questions are shown scrubbed of
personal data (:func:`sample`) even if they were stored before scrubbing. Times are shown in
Leiden's time zone (:data:`STAFF_TZ`); storage days are UTC days and are labelled as such.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.digest import Digest
from bot.core.leiden import LEIDEN_TZ
from bot.core.text import ellipsis, plural
from bot.core.text import one_line as text_one_line
from bot.telegram import callback_data as cb
from bot.telegram.render.answers import MAX_MESSAGE_CHARS, visible_length
from faq.loader import FaqProblem
from faq.markup import escape as escape_html
from faq.models import LANGUAGES, FaqTree
from faq.scrub import scrub, strip_controls
from storage import DayCounts, Stats, UnansweredGroup

log = logging.getLogger(__name__)

#: Groups shown in one /unanswered message (each has a row of four buttons).
MAX_GROUPS_SHOWN = 8
#: A sample question longer than this is shortened.
MAX_SAMPLE_CHARS = 100
#: Items per section of the digest; the rest is counted.
MAX_DIGEST_ITEMS = 10
#: A user's message quoted in the staff chat is cut after this many characters.
MAX_QUOTED_CHARS = 3500
#: FAQ problems listed after a failed reload; the rest is counted.
MAX_PROBLEMS_SHOWN = 25


#: The staff's time zone (the digest runs at DIGEST_TIME in it).
STAFF_TZ = LEIDEN_TZ


def escape(text: str) -> str:
    """``text`` HTML-escaped, without control and bidi characters (an RTL override in a
    user's text must not turn the staff's view round)."""
    return escape_html(strip_controls(text))


def sample(text: str) -> str:
    """A stored question for a staff view: on one line, shortened, scrubbed, escaped."""
    return escape(one_line(scrub(text)))


def one_line(text: str, width: int = MAX_SAMPLE_CHARS) -> str:
    """``text`` on one line, shortened with an ellipsis."""
    return text_one_line(text, width)


def local_time(value: datetime) -> str:
    """``3 Mar 14:02`` in the staff's time zone."""
    local = value.astimezone(STAFF_TZ)
    return f"{local.day} {local:%b %H:%M}"


def _fits(text: str) -> bool:
    return visible_length(text) <= MAX_MESSAGE_CHARS - 96


# ---------------------------------------------------------------------- /unanswered


def _group_lines(number: int, group: UnansweredGroup) -> list[str]:
    head = (
        f"<b>{number}.</b> ×{group.count} · {escape(', '.join(group.languages))} · "
        f"last seen {local_time(group.last_seen)} · id {group.id}"
    )
    lines = [head]
    lines += [f"• {sample(text)}" for text in group.samples]
    if group.answered_entries:
        answered = ", ".join(group.answered_entries[:3])
        lines.append(f"<i>👎 on the answer: {escape(answered)}</i>")
    if group.candidates:
        closest = ", ".join(f"{entry} {score:.0f}" for entry, score in group.candidates[:2])
        lines.append(f"<i>closest: {escape(closest)}</i>")
    return lines


def unanswered_message(
    groups: Sequence[UnansweredGroup], *, note: str | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The /unanswered message: every group (as many as fit, most frequent first) with a row
    of buttons each: resolve, ignore, draft FAQ entry, out of scope. ``note`` (HTML) goes on
    top."""
    top = [note, ""] if note else []
    if not groups:
        return "\n".join([*top, "No new unanswered questions. 🎉"]), None
    questions = sum(g.count for g in groups)
    shown = min(len(groups), MAX_GROUPS_SHOWN)
    while True:
        lines = [
            *top,
            f"<b>Unanswered questions</b>: {plural(len(groups), 'group')} "
            f"({plural(questions, 'question')}), most frequent first",
        ]
        for i, group in enumerate(groups[:shown], 1):
            lines += ["", *_group_lines(i, group)]
        if shown < len(groups):
            lines += [
                "",
                f"<i>… and {plural(len(groups) - shown, 'more group')}: "
                "mark some, or see them all with welcomebot unanswered list</i>",
            ]
        text = "\n".join(lines)
        if _fits(text) or shown == 1:
            break
        shown -= 1
    rows = [
        [
            InlineKeyboardButton(
                f"✅ Resolve {i}", callback_data=cb.encode("staff_resolve", str(group.id))
            ),
            InlineKeyboardButton(
                f"🚫 Ignore {i}", callback_data=cb.encode("staff_ignore", str(group.id))
            ),
            InlineKeyboardButton(
                f"📝 Draft {i}", callback_data=cb.encode("staff_draft", str(group.id))
            ),
            InlineKeyboardButton(
                f"🧭 Out of scope {i}",
                callback_data=cb.encode("staff_out_of_scope", str(group.id)),
            ),
        ]
        for i, group in enumerate(groups[:shown], 1)
    ]
    return text, InlineKeyboardMarkup(rows)


# ---------------------------------------------------------------------- /stats


def _ratio(stats: Stats) -> str:
    if stats.helpful_ratio is None:
        return "no feedback"
    return (
        f"{stats.helpful} 👍 / {stats.not_helpful} 👎 ({stats.helpful_ratio:.0%} found it helpful)"
    )


def _summary(title: str, stats: Stats) -> list[str]:
    days = stats.per_day
    answered = sum(d.answered for d in days)
    unanswered = sum(d.unanswered for d in days)
    clarify = sum(d.clarify for d in days)
    lines = [
        f"<b>{escape(title)}</b>",
        f"answered {answered} · unanswered {unanswered} · did-you-mean {clarify} · "
        f"crisis {sum(d.safety for d in days)} · check-ins {sum(d.checkins for d in days)} · "
        f"smalltalk {sum(d.smalltalk for d in days)}",
    ]
    if answered + unanswered:
        lines.append(f"answer rate: {answered / (answered + unanswered):.0%}")
    top = ", ".join(f"{escape(entry)} {n}" for entry, n in stats.top_entries[:5])
    lines.append(f"top entries: {top or 'none'}")
    languages = ", ".join(f"{escape(lang)} {n}" for lang, n in stats.languages.items())
    lines.append(f"languages: {languages or 'none'}")
    lines.append(f"feedback: {_ratio(stats)}")
    return lines


def _day_row(day: DayCounts) -> str:
    return f"{day.day:%a %d %b}  {day.answered:>8}  {day.unanswered:>10}"


def stats_message(week: Stats, month: Stats) -> str:
    """/stats: answered and unanswered per day (30 days, a table), then the figures of the
    last 7 and 30 days."""
    table = ["day (UTC)   answered  unanswered"] + [_day_row(d) for d in month.per_day]
    lines = [
        "<b>Statistics</b>",
        "",
        *_summary("Last 7 days", week),
        "",
        *_summary("Last 30 days", month),
        "",
        "<b>Per day</b>",
        "<pre>" + escape("\n".join(table)) + "</pre>",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------- digest


def _more(lines: list[str], total: int) -> list[str]:
    shown = lines[:MAX_DIGEST_ITEMS]
    if total > len(shown):
        shown.append(f"<i>… and {total - len(shown)} more</i>")
    return shown


def digest_message(digest: Digest) -> str:
    """The daily digest: new unanswered groups, entries with thumbs-down, stale entries."""
    lines = [f"<b>Daily digest</b> · {digest.day:%A %d %B %Y}", ""]
    since = local_time(digest.since)
    if digest.new_groups:
        lines.append(
            f"<b>New unanswered questions</b> since {since}: "
            f"{plural(len(digest.new_groups), 'new group')}"
        )
        items = [
            f"• ×{g.count} {escape(', '.join(g.languages))}: "
            f"{sample(g.samples[0] if g.samples else '')} (id {g.id})"
            for g in digest.new_groups
        ]
        lines += _more(items, len(items))
    else:
        lines.append(f"<b>New unanswered questions</b> since {since}: none")
    lines.append(f"Open in total: {plural(digest.open_groups, 'group')} → /unanswered")
    lines.append(
        f"Last 7 days: {plural(digest.crisis_week, 'crisis reply', 'crisis replies')}, "
        f"{plural(digest.checkins_week, 'check-in')} (numbers only)"
    )
    if digest.suggestions:
        lines.append(f"Suggested question variants to review: {digest.suggestions} → /suggestions")
    lines.append("")
    if digest.thumbs_down:
        lines.append(f"<b>Answers marked not helpful</b> since {since}")
        items = [f"• {escape(entry)}: {down} 👎, {up} 👍" for entry, up, down in digest.thumbs_down]
        lines += _more(items, len(items))
    else:
        lines.append(f"<b>Answers marked not helpful</b> since {since}: none")
    lines.append("")
    if digest.stale:
        lines.append("<b>Entries to review</b>")
        items = [f"• {escape(due.entry)}: {escape(due.reason)}" for due in digest.stale]
        lines += _more(items, len(items))
    else:
        lines.append("<b>Entries to review</b>: none")
    return "\n".join(lines)


# ---------------------------------------------------------------------- reload


def _where(problem: FaqProblem, root: Path) -> str:
    try:
        file = str(problem.file.relative_to(root))
    except ValueError:
        file = str(problem.file)
    where = f"{file}:{problem.line}" if problem.line else file
    return (
        f"{where}: {problem.field}: {problem.message}"
        if problem.field
        else (f"{where}: {problem.message}")
    )


def tree_summary(tree: FaqTree) -> str:
    """``31 entries in 5 categories, languages en nl de``."""
    languages = sorted(
        {lang for e in tree.entries.values() for lang in e.translations}, key=LANGUAGES.index
    )
    return (
        f"{plural(len(tree.entries), 'entry', 'entries')} in "
        f"{plural(len(tree.categories()), 'category', 'categories')}, "
        f"languages {' '.join(languages)}"
    )


def reload_ok_message(tree: FaqTree, warnings: int, *, automatic: bool) -> str:
    """The FAQ was reloaded."""
    how = "FAQ files changed: reloaded" if automatic else "FAQ reloaded"
    check = " (run welcomebot faq check to see them)" if warnings else ""
    return f"✅ {how}: {escape(tree_summary(tree))}; {plural(warnings, 'lint warning')}{check}."


def reload_failed_message(
    problems: Sequence[FaqProblem] | None,
    error: str | None,
    root: Path,
    serving: FaqTree,
    *,
    automatic: bool,
) -> str:
    """The reload failed; the bot keeps the tree it had (``serving``)."""
    how = "FAQ files changed but could not be loaded" if automatic else "FAQ reload failed"
    lines = [
        f"⚠️ <b>{how}</b>. Still answering from the previous version "
        f"({escape(tree_summary(serving))}).",
        "",
    ]
    if problems:
        lines.append(f"{plural(len(problems), 'problem')} in {escape(str(root))}:")
        lines += [f"• {escape(_where(p, root))}" for p in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"<i>… and {len(problems) - MAX_PROBLEMS_SHOWN} more</i>")
    if error:
        lines.append(escape(error))
    lines += ["", "Fix the files (welcomebot faq check shows the same list) and /reload."]
    return "\n".join(lines)


# ---------------------------------------------------------------------- handoffs


def _quote(text: str) -> str:
    """A user's message as a quote, cut to fit one message with the handoff's lines."""
    text = text.strip()
    if len(text) > MAX_QUOTED_CHARS:
        text = ellipsis(text, MAX_QUOTED_CHARS)
    return f"<blockquote>{escape(text)}</blockquote>"


def handoff_header(number: int | None, language: str) -> str:
    """``🙋 Handoff #12 · de``: the tag every staff-chat message of a handoff starts with."""
    tag = f"Handoff #{number}" if number is not None else "Handoff"
    return f"🙋 <b>{tag}</b> · {escape(language)}"


def handoff_question_message(
    number: int | None, language: str, question: str, first_name: str | None
) -> str:
    """A user's question in the staff chat: language, and a name only with consent."""
    sender = (
        f"From: {escape(first_name)} (first name shared by the user)"
        if first_name
        else "From: anonymous (no name shared)"
    )
    return "\n".join(
        [
            handoff_header(number, language),
            sender,
            "",
            _quote(question),
            "",
            "<i>Reply to this message to answer (the user sees it as from the welcome team); "
            "reply /end to close.</i>",
        ]
    )


def handoff_follow_up_message(number: int, language: str, text: str) -> str:
    """A user's further message during an open handoff."""
    return f"{handoff_header(number, language)} · follow-up\n\n{_quote(text)}"
