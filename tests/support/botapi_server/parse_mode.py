"""Telegram's HTML parse mode: the plain text and entities of a message, as the real server
parses and validates them."""

from __future__ import annotations

import html
import re

from .common import JSON, ApiError, utf16_len

_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ATTR = re.compile(
    r"""\s*([a-zA-Z_][a-zA-Z0-9_-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?"""
)


def parse_html(text: str) -> tuple[str, list[JSON]]:
    """Telegram's HTML parse mode: the plain text and its entities, or :class:`ApiError`."""
    out: list[str] = []
    length = 0  # UTF-16 length of out
    stack: list[tuple[str, int, JSON]] = []
    entities: list[JSON] = []
    i = 0
    raw = text.encode("utf-8")

    def offset(pos: int) -> int:
        return len(text[:pos].encode("utf-8"))

    while i < len(text):
        ch = text[i]
        if ch == "&":
            m = re.match(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);", text[i:])
            if m:
                name = m.group(1)
                if name.startswith("#"):
                    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
                    value = chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
                elif name in _NAMED:
                    value = _NAMED[name]
                else:  # Telegram keeps unknown named entities as they are
                    value = m.group(0)
                out.append(value)
                length += utf16_len(value)
                i += len(m.group(0))
                continue
            out.append("&")
            length += 1
            i += 1
            continue
        if ch != "<":
            out.append(ch)
            length += utf16_len(ch)
            i += 1
            continue
        end = text.find(">", i)
        if end < 0:
            raise ApiError(f"can't parse entities: Unclosed start tag at byte offset {offset(i)}")
        inner = text[i + 1 : end]
        if inner.startswith("/"):
            name = inner[1:].strip().lower()
            if not stack:
                raise ApiError(
                    f"can't parse entities: Unexpected end tag at byte offset {offset(i)}"
                )
            open_name, start, entity = stack.pop()
            if name != open_name:
                raise ApiError(
                    f"can't parse entities: Can't find end tag corresponding to "
                    f'start tag "{open_name}"'
                )
            if length > start and entity:
                entity["offset"] = start
                entity["length"] = length - start
                entities.append(entity)
            i = end + 1
            continue
        m = re.match(r"([a-zA-Z][a-zA-Z0-9-]*)", inner)
        if not m:
            raise ApiError(
                f'can\'t parse entities: Unsupported start tag "{inner}" at byte offset {offset(i)}'
            )
        name = m.group(1).lower()
        if name not in _ENTITY_TYPES:
            raise ApiError(
                f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {offset(i)}'
            )
        attrs: dict[str, str] = {}
        rest = inner[m.end() :]
        pos = 0
        while pos < len(rest) and rest[pos:].strip():
            am = _ATTR.match(rest, pos)
            if not am or am.end() == pos:
                raise ApiError(
                    f'can\'t parse entities: Unexpected character in tag "{name}" '
                    f"at byte offset {offset(i)}"
                )
            value = next((g for g in am.groups()[1:] if g is not None), "")
            attrs[am.group(1).lower()] = html.unescape(value)
            pos = am.end()
        entity: JSON = {"type": _ENTITY_TYPES[name]}
        if name == "a":
            href = attrs.get("href", "")
            if not href:
                entity = {}
            elif not re.match(r"^(https?://|tg://|mailto:)", href, re.I):
                raise ApiError("can't parse entities: invalid URL in a tag")
            else:
                entity["url"] = href
        elif name == "span" and attrs.get("class") != "tg-spoiler":
            raise ApiError(
                f'can\'t parse entities: Unsupported start tag "span" at byte offset {offset(i)}'
            )
        elif name == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        if stack and stack[-1][0] in ("code", "pre") and name != "code":
            raise ApiError("can't parse entities: nested entities in code are not allowed")
        stack.append((name, length, entity))
        i = end + 1
    if stack:
        raise ApiError(
            f"can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1][0]}"'
        )
    del raw
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def strip_text(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Telegram trims leading and trailing whitespace (moving entities with the text)."""
    lead = len(text) - len(text.lstrip())
    shift = utf16_len(text[:lead])
    stripped = text.strip()
    size = utf16_len(stripped)
    kept = []
    for e in entities:
        start = max(e["offset"] - shift, 0)
        end = min(e["offset"] + e["length"] - shift, size)
        if end > start:
            kept.append({**e, "offset": start, "length": end - start})
    return stripped, kept
