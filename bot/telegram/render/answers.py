"""Turn what the desk says into Telegram messages: HTML text parts plus inline keyboards.

Nothing here sends anything; the handlers do. Every interface text goes through
:func:`bot.core.i18n.gettext` and is HTML-escaped before it is put into a message, so a translation
(or a user's first name) can never break Telegram's HTML parser. Long texts are split by
:func:`split_html` at paragraph, line or word boundaries with tags closed and reopened
around each cut; a keyboard always goes on the last part.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.desk import Reply
from bot.core.i18n import gettext, language_name
from bot.core.text import ellipsis
from bot.telegram import callback_data as cb
from faq.markup import escape, to_plain
from faq.models import LANGUAGES, FaqTree

#: Telegram's limit for a message text, in UTF-16 code units after entity parsing.
MAX_MESSAGE_CHARS = 4096
#: Button labels longer than this are shortened with an ellipsis (clients cut them anyway).
MAX_BUTTON_CHARS = 60
#: The four topics on the welcome message (DESIGN.md, "Telegram interface").
WELCOME_TOPICS: tuple[str, ...] = ("housing", "international-centre", "eduroam", "welfare")


def N_(message: str) -> str:
    """Mark a module-level string for extraction; translate it later with ``gettext``."""
    return message


#: Display names of the categories (message ids; translate with gettext at use).
CATEGORY_NAMES: dict[str, str] = {
    "housing": N_("🏠 Housing"),
    "international-centre": N_("🏛 International Centre"),
    "eduroam": N_("📶 eduroam"),
    "welfare": N_("💚 Well-being"),
    "general": N_("ℹ️ General"),
}


@dataclass(frozen=True, slots=True)
class Rendered:
    """One reply as Telegram messages: HTML text parts, keyboard for the last part."""

    parts: tuple[str, ...]
    keyboard: InlineKeyboardMarkup | None = None

    @classmethod
    def of(cls, text: str, keyboard: InlineKeyboardMarkup | None = None) -> Rendered:
        """Split ``text`` into message-sized parts."""
        return cls(tuple(split_html(text)), keyboard)


# ---------------------------------------------------------------------- splitting

_ATOM = re.compile(r"<[^<>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);|[\s\S]", re.ASCII)
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
_EMPTY_PAIR = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?></\1>")


#: :data:`_ATOM` with runs of plain text as one atom: the same lengths, added up in a few
#: calls instead of one per character (every reply is measured before it is sent).
_COUNTED = re.compile(r"<[^<>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);|[^<&]+|[\s\S]", re.ASCII)


def visible_length(text: str) -> int:
    """Length of ``text`` as Telegram counts it: UTF-16 code units with tags removed and
    entities decoded."""
    if "<" not in text and "&" not in text:
        return _utf16(text)
    return sum(_atom_length(m.group(0)) for m in _COUNTED.finditer(text))


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _atom_length(atom: str) -> int:
    if atom.startswith("<") and len(atom) > 1:
        return 0
    if atom.startswith("&") and len(atom) > 1:
        if atom[1] == "#":
            code = int(atom[3:-1], 16) if atom[2] in "xX" else int(atom[2:-1])
            return 2 if code > 0xFFFF else 1
        return 1 if atom in ("&lt;", "&gt;", "&amp;", "&quot;") else len(atom)
    return _utf16(atom)


def split_html(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split Telegram HTML into parts of at most ``limit`` visible characters.

    Cuts go at a paragraph break, else a line break, else a space (the latest one that keeps
    at least half a part, else the latest there is), else anywhere between characters; never
    inside a tag or an entity. Tags open at a cut are closed at the end of the part and
    reopened at the start of the next, so every part parses on its own. Empty parts are
    dropped; a blank text gives no parts.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    stripped = text.strip()
    if not to_plain(stripped).strip():
        return []
    if visible_length(stripped) <= limit:
        return [stripped]
    atoms = [m.group(0) for m in _ATOM.finditer(stripped)]
    parts: list[str] = []
    carried: list[tuple[str, str]] = []  # (tag name, opening tag) open at the start of a part
    start = 0
    while start < len(atoms):
        cut, next_start = _find_cut(atoms, start, limit)
        stack = list(carried)
        for atom in atoms[start:cut]:
            _apply_tag(stack, atom)
        body = "".join(opening for _, opening in carried) + "".join(atoms[start:cut])
        body += "".join(f"</{name}>" for name, _ in reversed(stack))
        body = _drop_empty_pairs(body).strip()
        if to_plain(body).strip():
            parts.append(body)
        carried = stack
        start = next_start
    return parts


def _apply_tag(stack: list[tuple[str, str]], atom: str) -> None:
    if not atom.startswith("<") or len(atom) == 1:
        return
    name_match = _TAG_NAME.match(atom)
    if not name_match:
        return
    name = name_match.group(1).lower()
    if atom.startswith("</"):
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == name:
                del stack[i:]
                break
    elif not atom.endswith("/>"):
        stack.append((name, atom))


def _find_cut(atoms: Sequence[str], start: int, limit: int) -> tuple[int, int]:
    """Where the part starting at ``start`` ends, and where the next one starts."""
    seen = 0
    best: dict[int, tuple[int, int]] = {}  # priority -> (atom index of the break, chars before)
    i = start
    while i < len(atoms):
        atom = atoms[i]
        length = _atom_length(atom)
        if seen + length > limit:
            break
        if i > start and atom in ("\n", " "):
            priority = (
                0
                if atom == "\n" and i + 1 < len(atoms) and atoms[i + 1] == "\n"
                else (1 if atom == "\n" else 2)
            )
            if priority == 0 or atoms[i - 1] != "\n":  # first newline of a run only
                best[priority] = (i, seen)
        seen += length
        i += 1
    else:
        return len(atoms), len(atoms)
    cut = next((best[p][0] for p in (0, 1, 2) if p in best and best[p][1] >= limit // 2), None)
    if cut is None:
        cut = max((pos for pos, _ in best.values()), default=max(i, start + 1))
    next_start = cut
    while next_start < len(atoms) and atoms[next_start].isspace():
        next_start += 1
    return cut, next_start


def _drop_empty_pairs(text: str) -> str:
    while True:
        shorter = _EMPTY_PAIR.sub("", text)
        if shorter == text:
            return text
        text = shorter


# ---------------------------------------------------------------------- buttons


def button_label(text: str) -> str:
    """A button label: one line, shortened with an ellipsis when too long."""
    text = " ".join(text.split())
    return ellipsis(text, MAX_BUTTON_CHARS)


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(button_label(label), callback_data=data)


def category_name(category: str, lang: str) -> str:
    """A category's display name in ``lang`` (unknown categories show their id)."""
    message = CATEGORY_NAMES.get(category)
    return gettext(lang, message) if message else category.replace("-", " ").capitalize()


def feedback_row(entry_id: str, lang: str) -> list[InlineKeyboardButton]:
    """👍 / 👎 under an answer."""
    return [
        _button(gettext(lang, "👍 Helpful"), cb.encode("feedback", entry_id, True, language=lang)),
        _button(
            gettext(lang, "👎 Not helpful"), cb.encode("feedback", entry_id, False, language=lang)
        ),
    ]


def related_rows(
    related: Sequence[str], tree: FaqTree, lang: str, *, action: cb.Action = "answer"
) -> list[list[InlineKeyboardButton]]:
    """One button per related entry that exists, titled in ``lang``."""
    return [
        [_button("➡️ " + tree.entries[r].title(lang), cb.encode(action, r, language=lang))]
        for r in related
        if r in tree.entries
    ]


def answer_keyboard(reply: Reply, tree: FaqTree) -> InlineKeyboardMarkup | None:
    """👍 / 👎 and the related entries under an answer."""
    if reply.entry is None:
        return None
    rows = [feedback_row(reply.entry, reply.language)]
    rows += related_rows(reply.related, tree, reply.language)
    return InlineKeyboardMarkup(rows)


def clarify_keyboard(reply: Reply, tree: FaqTree) -> InlineKeyboardMarkup:
    """Up to three suggestions and "none of these"."""
    rows = [
        [
            _button(
                tree.entries[s].title(reply.language),
                cb.encode("clarify", s, language=reply.language),
            )
        ]
        for s in reply.suggestions[:3]
        if s in tree.entries
    ]
    rows.append([_button(gettext(reply.language, "None of these"), cb.encode("none"))])
    return InlineKeyboardMarkup(rows)


def with_person(keyboard: InlineKeyboardMarkup | None, lang: str) -> InlineKeyboardMarkup:
    """``keyboard`` with a "talk to a person" row at the end (unless it has one)."""
    rows = [list(row) for row in keyboard.inline_keyboard] if keyboard is not None else []
    human = cb.encode("human")
    if not any(b.callback_data == human for row in rows for b in row):
        rows.append([_button(gettext(lang, "🙋 Talk to a person"), human)])
    return InlineKeyboardMarkup(rows)


def topic_rows(tree: FaqTree, lang: str) -> list[list[InlineKeyboardButton]]:
    """The welcome topics the tree has, two buttons a row."""
    present = set(tree.categories())
    topics = [c for c in WELCOME_TOPICS if c in present]
    return [
        [_button(category_name(c, lang), cb.encode("topic", c)) for c in topics[i : i + 2]]
        for i in range(0, len(topics), 2)
    ]


def unanswered_keyboard(lang: str, tree: FaqTree | None = None) -> InlineKeyboardMarkup:
    """What to do next after a question the bot could not answer: the topics it covers
    (the whole list without a tree) and a person."""
    rows = (
        topic_rows(tree, lang)
        if tree is not None
        else [[_button(gettext(lang, "📚 Browse topics"), cb.encode("topics"))]]
    )
    rows.append([_button(gettext(lang, "🙋 Talk to a person"), cb.encode("human"))])
    return InlineKeyboardMarkup(rows)


def checkin_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The check-in's two buttons (:attr:`Reply.choices`), one per row, in its language."""
    if not reply.choices:
        return None
    return InlineKeyboardMarkup(
        [
            [_button(c.label, cb.checkin(c.action, reply.language, reply.category))]
            for c in reply.choices
        ]
    )


def render_reply(reply: Reply, tree: FaqTree) -> Rendered:
    """A free-text reply from the desk as messages with the buttons its kind calls for."""
    if reply.kind == "answer":
        return Rendered.of(reply.text, answer_keyboard(reply, tree))
    if reply.kind == "clarify":
        return Rendered.of(reply.text, clarify_keyboard(reply, tree))
    if reply.kind == "unanswered":
        return Rendered.of(reply.text, unanswered_keyboard(reply.language, tree))
    if reply.kind == "checkin":
        return Rendered.of(reply.text, checkin_keyboard(reply))
    # safety: nothing but the crisis answer; smalltalk: just the short reply
    return Rendered.of(reply.text)


# ---------------------------------------------------------------------- menus


def welcome(lang: str, first_name: str | None, tree: FaqTree) -> Rendered:
    """The /start message: welcome, the four topic buttons and the language picker."""
    if first_name:
        greeting = gettext(lang, "Hi {name}, welcome to Leiden! 👋").format(name=first_name)
    else:
        greeting = gettext(lang, "Welcome to Leiden! 👋")
    body = gettext(
        lang,
        "I'm the welcome desk for international students and newcomers. Ask me anything "
        "about housing, the Leiden International Centre, eduroam or student well-being, "
        "in your own words and your own language, or pick a topic below.",
    )
    rows = topic_rows(tree, lang)
    rows.append(
        [
            _button(
                "🌐 " + gettext(lang, "Language: {language}").format(language=language_name(lang)),
                cb.encode("langs"),
            )
        ]
    )
    text = f"<b>{escape(greeting)}</b>\n\n{escape(body)}"
    return Rendered.of(text, InlineKeyboardMarkup(rows))


def topics_menu(tree: FaqTree, lang: str) -> Rendered:
    """All categories as buttons."""
    rows = [[_button(category_name(c, lang), cb.encode("topic", c))] for c in tree.categories()]
    text = escape(gettext(lang, "What would you like to know more about? Choose a topic:"))
    return Rendered.of(text, InlineKeyboardMarkup(rows))


def category_menu(tree: FaqTree, category: str, lang: str) -> Rendered:
    """The questions of one category as buttons, with a back button."""
    rows = [
        [_button(entry.title(lang), cb.encode("browse", entry.id, language=lang))]
        for entry in tree.in_category(category)
    ]
    rows.append([_button(gettext(lang, "« All topics"), cb.encode("topics"))])
    heading = escape(category_name(category, lang))
    prompt = escape(gettext(lang, "Choose a question:"))
    return Rendered.of(f"<b>{heading}</b>\n\n{prompt}", InlineKeyboardMarkup(rows))


def browse_answer(reply: Reply, tree: FaqTree) -> Rendered:
    """An answer inside the topic browser: related entries and a way back to its category."""
    entry = tree.entries[reply.entry] if reply.entry else None
    rows = related_rows(reply.related, tree, reply.language, action="browse")
    if entry is not None:
        back = gettext(reply.language, "« Back to {topic}").format(
            topic=category_name(entry.category, reply.language)
        )
        rows.append([_button(back, cb.encode("topic", entry.category))])
    rows.append([_button(gettext(reply.language, "« All topics"), cb.encode("topics"))])
    return Rendered.of(reply.text, InlineKeyboardMarkup(rows))


def language_menu(current: str, *, owner: int | None = None) -> Rendered:
    """The language picker: each language named in itself, the current one ticked; only
    ``owner`` (the person who asked for it) may press its buttons."""
    buttons = [
        _button(
            ("✓ " if lang == current else "") + language_name(lang),
            cb.encode("lang", lang, owner=owner),
        )
        for lang in LANGUAGES
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    text = escape(
        gettext(
            current,
            "Choose your language. I answer questions in the language "
            "they are written in; this sets everything else.",
        )
    )
    return Rendered.of(text, InlineKeyboardMarkup(rows))
