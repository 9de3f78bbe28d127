"""Text helpers shared by every surface (Telegram, staff chat, command line)."""

from __future__ import annotations

#: The character that marks a shortened text.
ELLIPSIS = "…"


def ellipsis(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` characters, ending in "…" when it was cut."""
    if len(text) <= width:
        return text
    return text[: width - 1].rstrip() + ELLIPSIS


def one_line(text: str, width: int) -> str:
    """``text`` with its whitespace runs made single spaces, shortened to ``width``."""
    return ellipsis(" ".join(text.split()), width)


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """``1 group``, ``2 groups`` (English: staff texts only, never the user's interface)."""
    return f"{n} {noun}" if n == 1 else f"{n} {nouns or noun + 's'}"
