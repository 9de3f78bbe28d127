"""Telegram HTML: check that an answer will parse, and escape user text.

Telegram's HTML parse mode accepts a small set of tags and only the entities ``&lt;``,
``&gt;``, ``&amp;``, ``&quot;`` and numeric ones; anything else makes ``sendMessage`` fail
with "can't parse entities". FAQ answers are limited further to b, i and a (and their
synonyms strong, em), so that they look the same everywhere.
"""

from __future__ import annotations

import html
import re

#: Tags an FAQ answer may use.
ANSWER_TAGS = frozenset({"b", "strong", "i", "em", "a"})
#: Tags Telegram understands (used to check texts the bot builds itself).
TELEGRAM_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-spoiler",
        "span",
    }
)

_TOKEN = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)\s*(/?)>|<|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|&"
)
_HREF = re.compile(r"""^\s+href\s*=\s*(?:"([^"]*)"|'([^']*)')\s*$""")
_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})


def html_problems(text: str, *, allowed: frozenset[str] = ANSWER_TAGS) -> list[str]:
    """Reasons Telegram would reject ``text`` in HTML mode (empty list: it parses).

    Links must be ``<a href="...">`` with an http(s) or tg:// target.
    """
    problems: list[str] = []
    stack: list[str] = []
    for match in _TOKEN.finditer(text):
        whole = match.group(0)
        if whole == "<":
            problems.append("a bare '<' (write &lt;)")
            continue
        if whole == "&":
            problems.append("a bare '&' (write &amp;)")
            continue
        entity = match.group(5)
        if entity is not None:
            if not entity.startswith("#") and entity not in _ENTITIES:
                problems.append(
                    f"unknown entity &{entity}; (Telegram knows &lt; &gt; &amp; &quot;)"
                )
            continue
        closing, tag, attrs, selfclose = (
            match.group(1),
            match.group(2).lower(),
            match.group(3),
            match.group(4),
        )
        if tag not in allowed:
            problems.append(f"tag <{tag}> is not allowed (use {', '.join(sorted(allowed))})")
            continue
        if selfclose:
            problems.append(f"self-closing <{tag}/> is not allowed")
            continue
        if closing:
            if not stack or stack[-1] != tag:
                problems.append(
                    f"</{tag}> closes nothing open"
                    if tag not in stack
                    else f"</{tag}> closes tags in the wrong order"
                )
            else:
                stack.pop()
            continue
        if tag == "a":
            href = _HREF.match(attrs or "")
            if not href:
                problems.append('<a> needs exactly one attribute: href="..."')
            else:
                target = href.group(1) if href.group(1) is not None else href.group(2)
                if not re.match(r"^(https?://|tg://)\S+$", html.unescape(target)):
                    problems.append(f"link target {target!r} is not an http(s) or tg:// address")
        elif attrs and attrs.strip() and tag != "span":
            problems.append(f"<{tag}> takes no attributes")
        stack.append(tag)
    if stack:
        problems.append("unclosed " + ", ".join(f"<{t}>" for t in stack))
    return problems


def escape(text: str) -> str:
    """Escape user-provided text for Telegram HTML."""
    return html.escape(text, quote=False)


_TAG = re.compile(r"<[^>]+>")


def to_plain(text: str) -> str:
    """Strip tags and unescape entities (for terminals and inline-query descriptions)."""
    return html.unescape(_TAG.sub("", text))


def links(text: str) -> list[str]:
    """All href targets in ``text``."""
    return [html.unescape(m) for m in re.findall(r"""href\s*=\s*["']([^"']*)["']""", text)]


_LINK = re.compile(
    r"""<a\s+href\s*=\s*(?:"([^"]*)"|'([^']*)')\s*>(.*?)</a>""", re.IGNORECASE | re.DOTALL
)


def to_text(text: str) -> str:
    """Like :func:`to_plain`, but a link keeps its address: ``label (url)`` (for terminals,
    where the address is the only way to follow it). A link whose label is its address
    (with or without the scheme) is written once."""

    def link(match: re.Match[str]) -> str:
        url = html.unescape(match.group(1) if match.group(1) is not None else match.group(2))
        label = to_plain(match.group(3)).strip()
        bare = re.sub(r"^https?://(www\.)?", "", url).rstrip("/")
        if not label or label.rstrip("/") in (url.rstrip("/"), bare):
            return url
        return f"{label} ({url})"

    # the links are rewritten first (into escaped text, so to_plain's unescaping is right)
    return to_plain(_LINK.sub(lambda m: html.escape(link(m), quote=False), text))
