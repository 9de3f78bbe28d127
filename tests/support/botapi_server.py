"""A small local Telegram Bot API server for end-to-end tests.

It speaks HTTP like ``api.telegram.org`` (``/bot<token>/<method>``, parameters in the query
string, as form fields or as a JSON body; answers ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": ..., "description": ...}``) and validates what the real Bot API
validates for the methods a welcome bot uses: required fields and their types, HTML
parse mode (supported tags, entities, nesting), text length after entity parsing, inline
keyboards (``callback_data`` of 1-64 bytes, one action per button), answered callback and
inline queries, bot commands. ``getUpdates`` long-polls; after ``setWebhook`` updates are
POSTed to the webhook instead, with the secret token header.

The test acts as Telegram users through :meth:`BotApiServer.send_text`,
:meth:`BotApiServer.press`, :meth:`BotApiServer.inline_query` ..., and waits for the bot
with :meth:`BotApiServer.wait_for`. Pure standard library (threads), no event loop.

Faults (over HTTP only): :meth:`BotApiServer.inject` queues :class:`Fault` s for the next
calls of a method, :meth:`BotApiServer.inject_randomly` adds them at a rate: flood control
(429 with ``parameters.retry_after``, request not carried out), server errors (5xx, not
carried out), slow responses (carried out after a delay), and dropped connections, either
before the request is carried out (``drop``) or after (``drop_after``: the method ran, the
answer never reaches the bot). Refused attempts are recorded as calls with ``injected`` set.
"""

from __future__ import annotations

import html
import itertools
import json
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

JSON = dict[str, Any]

UPDATE_TYPES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
)
#: Delivered when ``allowed_updates`` was never given (Telegram's default).
DEFAULT_UPDATE_TYPES = tuple(
    t
    for t in UPDATE_TYPES
    if t not in ("chat_member", "message_reaction", "message_reaction_count")
)
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
INLINE_RESULT_TYPES = {
    "article",
    "photo",
    "gif",
    "mpeg4_gif",
    "video",
    "audio",
    "voice",
    "document",
    "location",
    "venue",
    "contact",
    "game",
    "sticker",
}
MAX_TEXT = 4096
MAX_CAPTION = 1024
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


class ApiError(Exception):
    """A Bot API error answer."""

    def __init__(self, description: str, code: int = 400) -> None:
        prefix = {400: "Bad Request: ", 403: "Forbidden: ", 409: "Conflict: "}.get(code, "")
        super().__init__(prefix + description)
        self.code = code
        self.description = prefix + description


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (how Telegram counts)."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- HTML parse mode

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


# --------------------------------------------------------------------------- parameters


class Params:
    """Typed access to request parameters the way the Bot API reads them."""

    def __init__(self, values: JSON) -> None:
        self.values = values

    def __contains__(self, name: str) -> bool:
        return name in self.values and self.values[name] not in (None, "")

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def str(self, name: str, *, required: bool = False, empty: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise ApiError(empty or f"{name} is empty")
            return None
        if isinstance(value, (dict, list, bool)):
            raise ApiError(f'field "{name}" must be of type String')
        return str(value)

    def int(self, name: str, *, required: bool = False) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise ApiError(f"{name} is empty" if name != "chat_id" else "chat_id is empty")
            return None
        if isinstance(value, bool):
            raise ApiError(f'field "{name}" must be of type Integer')
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        raise ApiError(f'field "{name}" must be of type Integer')

    def bool(self, name: str) -> bool | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
            return value.lower() in ("true", "1")
        if isinstance(value, int):
            return bool(value)
        raise ApiError(f'field "{name}" must be of type Boolean')

    def json(self, name: str, kind: type) -> Any:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ApiError(f"can't parse {name} JSON object") from None
        if not isinstance(value, kind):
            raise ApiError(
                f'field "{name}" must be of type {"Array" if kind is list else "Object"}'
            )
        return value


# --------------------------------------------------------------------------- state


@dataclass
class Call:
    """One request the bot made, as received, and how it was answered."""

    method: str
    params: JSON
    ok: bool
    result: Any = None
    error: str | None = None
    at: float = field(default_factory=time.monotonic)
    injected: bool = False  # refused by an injected fault (the method did not run)


FaultKind = Literal["retry_after", "error", "slow", "drop", "drop_after"]


@dataclass(frozen=True)
class Fault:
    """Something going wrong with one request (see the module docstring)."""

    kind: FaultKind
    retry_after: int = 1
    status: int = 500
    delay: float = 0.0

    @classmethod
    def flood(cls, retry_after: int = 1) -> Fault:
        """429 Too Many Requests with ``parameters.retry_after``; the method does not run."""
        return cls("retry_after", retry_after=retry_after)

    @classmethod
    def error(cls, status: int = 500) -> Fault:
        """A server error; the method does not run."""
        return cls("error", status=status)

    @classmethod
    def slow(cls, delay: float) -> Fault:
        """Wait ``delay`` seconds, then run the method and answer."""
        return cls("slow", delay=delay)

    @classmethod
    def drop(cls) -> Fault:
        """Close the connection without running the method or answering."""
        return cls("drop")

    @classmethod
    def drop_after(cls) -> Fault:
        """Run the method, then close the connection without answering."""
        return cls("drop_after")

    def response(self) -> tuple[int, JSON]:
        """The HTTP status and body of a refusing fault."""
        if self.kind == "retry_after":
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {self.retry_after}",
                "parameters": {"retry_after": self.retry_after},
            }
        phrase = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
        return self.status, {
            "ok": False,
            "error_code": self.status,
            "description": phrase.get(self.status, "Server Error"),
        }


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded (multipart/form-data)."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass
class _Query:
    from_user: JSON
    answered: bool = False
    answer: JSON | None = None


class BotApiServer:
    """The server and the simulated Telegram around one bot."""

    def __init__(
        self,
        token: str = "123:TEST",
        *,
        username: str = "leiden_welcome_test_bot",
        first_name: str = "Leiden Welcome",
    ) -> None:
        self.token = token
        self.bot_user: JSON = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.cond = threading.Condition()
        self.calls: list[Call] = []
        self.pending: list[JSON] = []
        self.allowed_updates: list[str] | None = None
        self.chats: dict[int, JSON] = {}
        self.messages: dict[tuple[int, int], JSON] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        #: "description" / "short_description" -> language code ("" default) -> text
        self.descriptions: dict[str, dict[str, str]] = {}
        self.callback_queries: dict[str, _Query] = {}
        self.inline_queries: dict[str, _Query] = {}
        self.webhook: JSON | None = None
        self.webhook_error: str | None = None
        #: administrators per chat id (getChatAdministrators), users as JSON
        self.chat_admins: dict[int, list[JSON]] = {}
        #: files the bot uploaded, by file_id
        self.files: dict[str, Upload] = {}
        #: faults queued per method (canonical name), taken one per call
        self.fault_queue: dict[str, deque[Fault]] = {}
        #: per method: (probability, faults to choose from)
        self.fault_rates: dict[str, tuple[float, tuple[Fault, ...]]] = {}
        #: (method, fault kind) for every fault served, in order
        self.faults_served: list[tuple[str, FaultKind]] = []
        #: called (outside the lock, in the request's thread) with every successful call
        self.listeners: list[Callable[[Call], None]] = []
        self._rng = random.Random(0)
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._query_ids = itertools.count(1000)
        self._closing = False
        self._httpd: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> BotApiServer:
        """Listen on a free port on 127.0.0.1."""
        server = self

        class Handler(_Handler):
            api = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        for target in (self._httpd.serve_forever, self._deliver_webhooks):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving (long polls return at once)."""
        with self.cond:
            self._closing = True
            self.cond.notify_all()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """For ``TELEGRAM_API_BASE_URL``."""
        return f"http://127.0.0.1:{self.port}/bot"

    # ------------------------------------------------------------------ the user's side
    @staticmethod
    def user(
        user_id: int = 1001, first_name: str = "Ana", language_code: str | None = "en", **extra: Any
    ) -> JSON:
        """A Telegram user object."""
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name, **extra}
        if language_code:
            user["language_code"] = language_code
        return user

    def private_chat(self, user: JSON) -> JSON:
        """The private chat with ``user`` (created on first use)."""
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        with self.cond:
            self.chats.setdefault(chat["id"], chat)
        return chat

    def group_chat(self, chat_id: int = -100500, title: str = "Leiden newcomers") -> JSON:
        """A supergroup the bot is a member of."""
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        with self.cond:
            self.chats.setdefault(chat_id, chat)
        return chat

    def _new_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def auto_entities(self, text: str) -> list[JSON]:
        """The entities Telegram's servers add to a plain text: commands and mentions."""
        entities = []
        for m in re.finditer(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?", text):
            entities.append(
                {
                    "type": "bot_command",
                    "offset": utf16_len(text[: m.start()]),
                    "length": utf16_len(m.group(0)),
                }
            )
        for m in re.finditer(r"(?<![\w@])@[A-Za-z0-9_]{4,32}", text):
            entities.append(
                {
                    "type": "mention",
                    "offset": utf16_len(text[: m.start()]),
                    "length": utf16_len(m.group(0)),
                }
            )
        return sorted(entities, key=lambda e: e["offset"])

    def send_message_update(self, user: JSON, chat: JSON | None = None, **content: Any) -> JSON:
        """Queue a ``message`` update from ``user`` with arbitrary content (sticker, photo ...)."""
        chat = chat or self.private_chat(user)
        with self.cond:
            message = {
                "message_id": self._new_message_id(chat["id"]),
                "date": int(time.time()),
                "chat": chat,
                "from": user,
                **content,
            }
            self.messages[(chat["id"], message["message_id"])] = message
        self.enqueue({"message": message})
        return message

    def send_text(
        self, user: JSON, text: str, chat: JSON | None = None, entities: list[JSON] | None = None
    ) -> JSON:
        """The user sends ``text`` (entities added the way Telegram does unless given)."""
        content: JSON = {"text": text}
        entities = self.auto_entities(text) if entities is None else entities
        if entities:
            content["entities"] = entities
        return self.send_message_update(user, chat, **content)

    def edit_text(self, message: JSON, text: str) -> JSON:
        """The user edits their ``message`` to ``text``: an ``edited_message`` update."""
        with self.cond:
            current = dict(self.messages[(message["chat"]["id"], message["message_id"])])
            current["text"] = text
            entities = self.auto_entities(text)
            if entities:
                current["entities"] = entities
            else:
                current.pop("entities", None)
            current["edit_date"] = int(time.time())
            self.messages[(current["chat"]["id"], current["message_id"])] = current
        self.enqueue({"edited_message": current})
        return current

    def send_photo(self, user: JSON, caption: str | None = None, chat: JSON | None = None) -> JSON:
        """The user sends a photo, with ``caption`` under it when given."""
        photo = [{"file_id": "photo-1", "file_unique_id": "p1", "width": 90, "height": 90}]
        content: JSON = {"photo": photo}
        if caption is not None:
            content["caption"] = caption
        return self.send_message_update(user, chat, **content)

    def press(self, message: JSON, callback_data: str, user: JSON) -> str:
        """The user presses the button with ``callback_data`` under the bot's ``message`` (as
        it is now); returns the callback query id."""
        with self.cond:
            current = self.messages[(message["chat"]["id"], message["message_id"])]
            buttons = [
                b
                for row in (current.get("reply_markup") or {}).get("inline_keyboard", [])
                for b in row
            ]
            if not any(b.get("callback_data") == callback_data for b in buttons):
                raise AssertionError(
                    f"no button {callback_data!r} under message "
                    f"{current['message_id']}: "
                    f"{[b.get('callback_data') for b in buttons]}"
                )
            query_id = str(next(self._query_ids))
            self.callback_queries[query_id] = _Query(user)
            update = {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": current,
                    "chat_instance": f"ci{current['chat']['id']}",
                    "data": callback_data,
                }
            }
        self.enqueue(update)
        return query_id

    def inline_query(self, user: JSON, query: str) -> str:
        """The user types ``@bot query`` in some chat; returns the inline query id."""
        with self.cond:
            query_id = str(next(self._query_ids))
            self.inline_queries[query_id] = _Query(user)
        self.enqueue(
            {
                "inline_query": {
                    "id": query_id,
                    "from": user,
                    "query": query,
                    "offset": "",
                    "chat_type": "private",
                }
            }
        )
        return query_id

    def enqueue(self, update: JSON) -> JSON:
        """Queue a raw update (``update_id`` is assigned here)."""
        with self.cond:
            update = {"update_id": next(self._update_ids), **update}
            self.pending.append(update)
            self.cond.notify_all()
        return update

    # ------------------------------------------------------------------ waiting for the bot
    def wait_for(
        self, predicate: Callable[[Call], bool], *, timeout: float = 15.0, since: int = 0
    ) -> Call:
        """The first successful call (index >= ``since``) matching ``predicate``."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for call in self.calls[since:]:
                    if call.ok and predicate(call):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    summary = [(c.method, c.ok, c.error) for c in self.calls[since:]]
                    raise AssertionError(f"timed out waiting for the bot; calls: {summary}")
                self.cond.wait(remaining)

    def wait_method(
        self,
        method: str,
        *,
        since: int = 0,
        timeout: float = 15.0,
        where: Callable[[Call], bool] = lambda c: True,
    ) -> Call:
        """The first successful ``method`` call since index ``since``."""
        return self.wait_for(
            lambda c: c.method == method and where(c), since=since, timeout=timeout
        )

    def mark(self) -> int:
        """An index into :attr:`calls`: wait for calls after this point."""
        with self.cond:
            return len(self.calls)

    def sent_since(self, since: int, chat_id: int) -> list[JSON]:
        """Messages the bot sent to ``chat_id`` since the mark."""
        with self.cond:
            return [
                c.result
                for c in self.calls[since:]
                if c.ok and c.method == "sendMessage" and c.result["chat"]["id"] == chat_id
            ]

    def errors(self) -> list[Call]:
        """Calls the server refused (injected faults aside)."""
        with self.cond:
            return [c for c in self.calls if not c.ok and not c.injected]

    # ------------------------------------------------------------------ faults
    def inject(self, method: str, *faults: Fault) -> None:
        """The next calls of ``method`` meet ``faults``, one each, in order."""
        with self.cond:
            self.fault_queue.setdefault(_canonical(method), deque()).extend(faults)

    def inject_randomly(
        self, method: str, rate: float, *faults: Fault, seed: int | None = None
    ) -> None:
        """Each call of ``method`` meets one of ``faults`` with probability ``rate``."""
        with self.cond:
            if seed is not None:
                self._rng.seed(seed)
            if rate <= 0 or not faults:
                self.fault_rates.pop(_canonical(method), None)
            else:
                self.fault_rates[_canonical(method)] = (rate, faults)

    def clear_faults(self) -> None:
        """No more faults."""
        with self.cond:
            self.fault_queue.clear()
            self.fault_rates.clear()

    def take_fault(self, method: str) -> Fault | None:
        """The fault the next call of ``method`` meets, if any (recorded as served)."""
        method = _canonical(method)
        with self.cond:
            queued = self.fault_queue.get(method)
            fault = queued.popleft() if queued else None
            if fault is None and method in self.fault_rates:
                rate, choices = self.fault_rates[method]
                if self._rng.random() < rate:
                    fault = self._rng.choice(choices)
            if fault is not None:
                self.faults_served.append((method, fault.kind))
            return fault

    def refuse(self, method: str, params: JSON, fault: Fault) -> None:
        """Record an attempt that an injected fault refused."""
        with self.cond:
            self.calls.append(
                Call(
                    _canonical(method), params, False, error=f"injected {fault.kind}", injected=True
                )
            )
            self.cond.notify_all()

    def message(self, chat_id: int, message_id: int) -> JSON:
        """A message as it is now."""
        with self.cond:
            return self.messages[(chat_id, message_id)]

    # ------------------------------------------------------------------ dispatch
    def handle(self, method: str, params: JSON) -> Any:
        """Run one Bot API method; records the call."""
        func = getattr(self, f"api_{method.lower()}", None)
        if func is None:
            raise ApiError("Not Found", 404)
        try:
            result = func(Params(params))
        except ApiError as exc:
            with self.cond:
                self.calls.append(Call(method, params, False, error=exc.description))
                self.cond.notify_all()
            raise
        call = Call(_canonical(method), params, True, result)
        with self.cond:
            self.calls.append(call)
            self.cond.notify_all()
        for listener in list(self.listeners):
            listener(call)
        return result

    # ------------------------------------------------------------------ methods
    def api_getme(self, p: Params) -> JSON:
        return dict(self.bot_user)

    def api_logout(self, p: Params) -> bool:
        return True

    def api_close(self, p: Params) -> bool:
        return True

    def api_getupdates(self, p: Params) -> list[JSON]:
        offset = p.int("offset") or 0
        limit = p.int("limit") or 100
        if not 1 <= limit <= 100:
            limit = 100
        timeout = p.int("timeout") or 0
        allowed = p.json("allowed_updates", list)
        deadline = time.monotonic() + max(timeout, 0)
        with self.cond:
            if self.webhook is not None:
                raise ApiError(
                    "can't use getUpdates method while webhook is active; use "
                    "deleteWebhook to delete the webhook first",
                    409,
                )
            if allowed is not None:
                self.allowed_updates = [str(a) for a in allowed] or None
            while True:
                if offset:
                    self.pending = [u for u in self.pending if u["update_id"] >= offset]
                ready = self._deliverable()[:limit]
                if ready or self._closing:
                    return ready
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                self.cond.wait(remaining)

    def _deliverable(self) -> list[JSON]:
        allowed = self.allowed_updates or DEFAULT_UPDATE_TYPES
        self.pending = [u for u in self.pending if any(k in u for k in allowed)]
        return list(self.pending)

    def api_setwebhook(self, p: Params) -> bool:
        url = p.str("url")
        secret = p.str("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ApiError("secret token contains unallowed characters")
        max_connections = p.int("max_connections")
        if max_connections is not None and not 1 <= max_connections <= 100:
            raise ApiError("bad webhook: max_connections must be between 1 and 100")
        allowed = p.json("allowed_updates", list)
        with self.cond:
            if p.bool("drop_pending_updates"):
                self.pending.clear()
            if allowed is not None:
                self.allowed_updates = [str(a) for a in allowed] or None
            if not url:
                self.webhook = None
            else:
                if not re.match(r"^https?://", url):
                    raise ApiError("bad webhook: An HTTPS URL must be provided for webhook")
                self.webhook = {"url": url, "secret_token": secret}
            self.cond.notify_all()
        return True

    def api_deletewebhook(self, p: Params) -> bool:
        with self.cond:
            self.webhook = None
            if p.bool("drop_pending_updates"):
                self.pending.clear()
        return True

    def api_getwebhookinfo(self, p: Params) -> JSON:
        with self.cond:
            info: JSON = {
                "url": self.webhook["url"] if self.webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self.pending),
            }
            if self.webhook_error:
                info["last_error_date"] = int(time.time())
                info["last_error_message"] = self.webhook_error
            if self.allowed_updates:
                info["allowed_updates"] = self.allowed_updates
        return info

    def _chat(self, p: Params) -> JSON:
        value = p.raw("chat_id")
        if value is None or value == "":
            raise ApiError("chat_id is empty")
        if isinstance(value, str) and value.startswith("@"):
            raise ApiError("chat not found")
        chat_id = p.int("chat_id", required=True)
        assert chat_id is not None
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ApiError("chat not found")
        return chat

    def _text(
        self, p: Params, text_field: str, parse_field: str, entities_field: str
    ) -> tuple[str, list[JSON]]:
        raw = p.str(text_field)
        if raw is None:
            raise ApiError("message text is empty")
        parse_mode = p.str(parse_field)
        if parse_mode is not None and parse_mode not in ("HTML", "MarkdownV2", "Markdown"):
            raise ApiError("unsupported parse_mode")
        if parse_mode == "HTML":
            text, entities = parse_html(raw)
        else:
            text, entities = raw, p.json(entities_field, list) or []
        text, entities = strip_text(text, entities)
        if not text:
            raise ApiError("message text is empty")
        if utf16_len(text) > MAX_TEXT:
            raise ApiError("message is too long")
        return text, entities

    @staticmethod
    def _inline_keyboard(markup: Any, *, where: str = "reply_markup") -> JSON:
        if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
            raise ApiError(f"can't parse {where}: inline_keyboard must be an Array")
        for row in markup["inline_keyboard"]:
            if not isinstance(row, list):
                raise ApiError("can't parse inline keyboard button: rows must be Arrays")
            for button in row:
                if not isinstance(button, dict):
                    raise ApiError("can't parse inline keyboard button: buttons must be Objects")
                if not isinstance(button.get("text"), str) or not button["text"].strip():
                    raise ApiError("can't parse inline keyboard button: Text must be non-empty")
                actions = [a for a in BUTTON_ACTIONS if a in button]
                if len(actions) != 1:
                    raise ApiError(
                        "can't parse inline keyboard button: exactly one of the "
                        "optional fields must be used"
                    )
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                        raise ApiError("BUTTON_DATA_INVALID")
                if "url" in button:
                    url = button["url"]
                    if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
                        raise ApiError("BUTTON_URL_INVALID")
        return markup

    def _reply_markup(self, p: Params, *, inline_only: bool = False) -> JSON | None:
        markup = p.json("reply_markup", dict)
        if markup is None:
            return None
        if "inline_keyboard" in markup or inline_only:
            return self._inline_keyboard(markup)
        if not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
            raise ApiError("can't parse reply keyboard markup JSON object")
        return markup

    def api_sendmessage(self, p: Params) -> JSON:
        with self.cond:
            chat = self._chat(p)
            text, entities = self._text(p, "text", "parse_mode", "entities")
            markup = self._reply_markup(p)
            p.json("link_preview_options", dict)
            reply = p.json("reply_parameters", dict)
            message: JSON = {
                "message_id": 0,
                "date": int(time.time()),
                "chat": chat,
                "from": dict(self.bot_user),
                "text": text,
            }
            if reply is not None:
                if not isinstance(reply.get("message_id"), int):
                    raise ApiError('field "message_id" must be of type Integer')
                original = self.messages.get((chat["id"], reply["message_id"]))
                if original is None and not reply.get("allow_sending_without_reply"):
                    raise ApiError("message to be replied not found")
                if original is not None:
                    message["reply_to_message"] = original
            reply_to = p.int("reply_to_message_id")
            if reply_to is not None and (chat["id"], reply_to) in self.messages:
                message["reply_to_message"] = self.messages[(chat["id"], reply_to)]
            thread = p.int("message_thread_id")
            if thread is not None:
                message["message_thread_id"] = thread
            if entities:
                message["entities"] = entities
            if markup is not None and "inline_keyboard" in markup:
                message["reply_markup"] = markup
            message["message_id"] = self._new_message_id(chat["id"])
            self.messages[(chat["id"], message["message_id"])] = message
            return message

    def api_senddocument(self, p: Params) -> JSON:
        """A file: uploaded (multipart) or a known ``file_id``; HTML caption up to 1,024."""
        with self.cond:
            chat = self._chat(p)
            document = p.raw("document")
            if isinstance(document, Upload):
                file_id = f"doc{len(self.files) + 1}"
                self.files[file_id] = document
            elif isinstance(document, str) and document in self.files:
                file_id = document
            elif document in (None, ""):
                raise ApiError("there is no document in the request")
            else:
                raise ApiError("wrong remote file identifier specified: can't unserialize it")
            upload = self.files[file_id]
            if not upload.content:
                raise ApiError("file must be non-empty")
            message: JSON = {
                "message_id": 0,
                "date": int(time.time()),
                "chat": chat,
                "from": dict(self.bot_user),
                "document": {
                    "file_id": file_id,
                    "file_unique_id": f"u{file_id}",
                    "file_name": upload.filename,
                    "mime_type": upload.mime_type,
                    "file_size": len(upload.content),
                },
            }
            if "caption" in p:
                caption, entities = self._text(p, "caption", "parse_mode", "caption_entities")
                if utf16_len(caption) > MAX_CAPTION:
                    raise ApiError("message caption is too long")
                message["caption"] = caption
                if entities:
                    message["caption_entities"] = entities
            markup = self._reply_markup(p)
            if markup is not None and "inline_keyboard" in markup:
                message["reply_markup"] = markup
            message["message_id"] = self._new_message_id(chat["id"])
            self.messages[(chat["id"], message["message_id"])] = message
            return message

    def _bot_message(self, p: Params) -> JSON | None:
        """The message an edit refers to (None for inline messages)."""
        if "inline_message_id" in p:
            if "chat_id" in p or "message_id" in p:
                raise ApiError("chat_id and message_id must be empty with inline_message_id")
            return None
        chat = self._chat(p)
        message_id = p.int("message_id")
        if message_id is None:
            raise ApiError("message identifier is not specified")
        message = self.messages.get((chat["id"], message_id))
        if message is None:
            raise ApiError("message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise ApiError("message can't be edited")
        return message

    def api_editmessagetext(self, p: Params) -> JSON | bool:
        with self.cond:
            message = self._bot_message(p)
            text, entities = self._text(p, "text", "parse_mode", "entities")
            markup = self._reply_markup(p, inline_only=True)
            p.json("link_preview_options", dict)
            if message is None:
                return True
            if "text" not in message:
                raise ApiError("there is no text in the message to edit")
            if (
                message["text"] == text
                and message.get("entities", []) == entities
                and message.get("reply_markup") == markup
            ):
                raise ApiError(NOT_MODIFIED)
            edited = {**message, "text": text, "edit_date": int(time.time())}
            edited.pop("entities", None)
            edited.pop("reply_markup", None)
            if entities:
                edited["entities"] = entities
            if markup is not None:
                edited["reply_markup"] = markup
            self.messages[(message["chat"]["id"], message["message_id"])] = edited
            return edited

    def api_editmessagereplymarkup(self, p: Params) -> JSON | bool:
        with self.cond:
            message = self._bot_message(p)
            markup = self._reply_markup(p, inline_only=True)
            if message is None:
                return True
            if message.get("reply_markup") == markup:
                raise ApiError(NOT_MODIFIED)
            edited = {**message, "edit_date": int(time.time())}
            edited.pop("reply_markup", None)
            if markup is not None:
                edited["reply_markup"] = markup
            self.messages[(message["chat"]["id"], message["message_id"])] = edited
            return edited

    def api_answercallbackquery(self, p: Params) -> bool:
        query_id = p.str("callback_query_id", required=True, empty="QUERY_ID_INVALID")
        text = p.str("text")
        if text is not None and len(text) > 200:
            raise ApiError("MESSAGE_TOO_LONG")
        p.bool("show_alert")
        p.int("cache_time")
        with self.cond:
            query = self.callback_queries.get(str(query_id))
            if query is None or query.answered:
                raise ApiError(QUERY_INVALID)
            query.answered = True
            query.answer = {"text": text, "show_alert": bool(p.bool("show_alert"))}
        return True

    def api_answerinlinequery(self, p: Params) -> bool:
        query_id = p.str("inline_query_id", required=True, empty="QUERY_ID_INVALID")
        results = p.json("results", list)
        if results is None:
            raise ApiError("results is empty")
        if len(results) > 50:
            raise ApiError("RESULTS_TOO_MUCH")
        ids = set()
        for result in results:
            if not isinstance(result, dict):
                raise ApiError("can't parse inline query result")
            if result.get("type") not in INLINE_RESULT_TYPES:
                raise ApiError("RESULT_TYPE_INVALID")
            rid = result.get("id")
            if not isinstance(rid, str) or not 1 <= len(rid.encode("utf-8")) <= 64:
                raise ApiError("RESULT_ID_INVALID")
            if rid in ids:
                raise ApiError("RESULT_ID_DUPLICATE")
            ids.add(rid)
            if result["type"] == "article":
                if not isinstance(result.get("title"), str) or not result["title"].strip():
                    raise ApiError("RESULT_TITLE_EMPTY")
                content = result.get("input_message_content")
                if not isinstance(content, dict):
                    raise ApiError("input_message_content is required for articles")
                if "message_text" in content:
                    inner = Params(
                        {
                            "message_text": content.get("message_text"),
                            "parse_mode": content.get("parse_mode"),
                            "entities": content.get("entities"),
                        }
                    )
                    self._text(inner, "message_text", "parse_mode", "entities")
                if "description" in result and not isinstance(result["description"], str):
                    raise ApiError('field "description" must be of type String')
            if "reply_markup" in result:
                self._inline_keyboard(result["reply_markup"], where="inline result reply markup")
        button = p.json("button", dict)
        if button is not None:
            text = button.get("text")
            if not isinstance(text, str) or not text.strip():
                raise ApiError("BUTTON_TEXT_INVALID")
            start = button.get("start_parameter")
            if ("web_app" in button) == (start is not None):
                raise ApiError("exactly one of web_app and start_parameter must be given")
            if start is not None and (
                not isinstance(start, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", start)
            ):
                raise ApiError("START_PARAM_INVALID")
        cache_time = p.int("cache_time")
        is_personal = p.bool("is_personal")
        next_offset = p.str("next_offset")
        if next_offset is not None and len(next_offset.encode("utf-8")) > 64:
            raise ApiError("NEXT_OFFSET_INVALID")
        with self.cond:
            query = self.inline_queries.get(str(query_id))
            if query is None or query.answered:
                raise ApiError(QUERY_INVALID)
            query.answered = True
            query.answer = {
                "results": results,
                "cache_time": cache_time,
                "is_personal": is_personal,
                "button": button,
            }
        return True

    def api_getchatadministrators(self, p: Params) -> list[JSON]:
        chat_id = p.int("chat_id", required=True)
        with self.cond:
            if chat_id not in self.chats:
                raise ApiError("Bad Request: chat not found")
            return [
                {"status": "administrator" if i else "creator", "user": user, "is_anonymous": False}
                | (
                    {}
                    if not i
                    else {
                        "can_be_edited": False,
                        "can_manage_chat": True,
                        "can_change_info": True,
                        "can_delete_messages": True,
                        "can_invite_users": True,
                        "can_restrict_members": True,
                        "can_pin_messages": True,
                        "can_promote_members": False,
                        "can_manage_video_chats": True,
                        "can_post_stories": False,
                        "can_edit_stories": False,
                        "can_delete_stories": False,
                    }
                )
                for i, user in enumerate(self.chat_admins.get(int(chat_id), []))
            ]

    def api_sendchataction(self, p: Params) -> bool:
        with self.cond:
            self._chat(p)
        action = p.str("action", required=True)
        if action not in CHAT_ACTIONS:
            raise ApiError("wrong parameter action in request")
        return True

    @staticmethod
    def _scope_key(p: Params) -> tuple[str, str]:
        scope = p.json("scope", dict) or {"type": "default"}
        if scope.get("type") not in (
            "default",
            "all_private_chats",
            "all_group_chats",
            "all_chat_administrators",
            "chat",
            "chat_administrators",
            "chat_member",
        ):
            raise ApiError("can't parse BotCommandScope: unknown type")
        language = p.str("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise ApiError("invalid language code specified")
        return json.dumps(scope, sort_keys=True), language

    def api_setmycommands(self, p: Params) -> bool:
        commands = p.json("commands", list)
        if commands is None:
            raise ApiError("commands is empty")
        if len(commands) > 100:
            raise ApiError("too many commands")
        for command in commands:
            if not isinstance(command, dict):
                raise ApiError("can't parse BotCommand")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise ApiError("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise ApiError("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._scope_key(p)
        with self.cond:
            self.commands[key] = commands
        return True

    def api_deletemycommands(self, p: Params) -> bool:
        key = self._scope_key(p)
        with self.cond:
            self.commands.pop(key, None)
        return True

    def api_getmycommands(self, p: Params) -> list[JSON]:
        key = self._scope_key(p)
        with self.cond:
            return self.commands.get(key) or self.commands.get((key[0], ""), [])

    def _describe(self, p: Params, field: str, limit: int) -> bool:
        text = p.str(field) or ""
        if len(text) > limit:
            raise ApiError(f"{field} is too long")
        language = p.str("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise ApiError("invalid language code specified")
        with self.cond:
            store = self.descriptions.setdefault(field, {})
            if text:
                store[language] = text
            else:
                store.pop(language, None)
        return True

    def _described(self, p: Params, field: str) -> JSON:
        language = p.str("language_code") or ""
        with self.cond:
            store = self.descriptions.get(field, {})
            return {field: store.get(language, store.get("", ""))}

    def api_setmydescription(self, p: Params) -> bool:
        return self._describe(p, "description", 512)

    def api_setmyshortdescription(self, p: Params) -> bool:
        return self._describe(p, "short_description", 120)

    def api_getmydescription(self, p: Params) -> JSON:
        return self._described(p, "description")

    def api_getmyshortdescription(self, p: Params) -> JSON:
        return self._described(p, "short_description")

    # ------------------------------------------------------------------ webhook delivery
    def _deliver_webhooks(self) -> None:
        while True:
            with self.cond:
                while not self._closing and (self.webhook is None or not self._deliverable()):
                    self.cond.wait(0.5)
                if self._closing:
                    return
                assert self.webhook is not None
                hook = dict(self.webhook)
                update = self.pending[0]
            request = urllib.request.Request(
                hook["url"],
                data=json.dumps(update).encode("utf-8"),
                method="POST",
                headers={"Content-Type": "application/json"},
            )
            if hook.get("secret_token"):
                request.add_header("X-Telegram-Bot-Api-Secret-Token", hook["secret_token"])
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    delivered = 200 <= response.status < 300
                    error = (
                        None
                        if delivered
                        else (f"Wrong response from the webhook: {response.status}")
                    )
            except urllib.error.HTTPError as exc:
                delivered, error = False, f"Wrong response from the webhook: {exc.code}"
            except OSError as exc:
                delivered, error = False, f"Connection failed: {exc}"
            with self.cond:
                self.webhook_error = error
                if delivered and self.pending and self.pending[0] is update:
                    self.pending.pop(0)
                self.cond.notify_all()
            if not delivered:
                time.sleep(0.2)


def _canonical(method: str) -> str:
    names = {
        name[4:].lower(): name[4:]
        for name in (
            "api_getMe",
            "api_logOut",
            "api_close",
            "api_getUpdates",
            "api_setWebhook",
            "api_deleteWebhook",
            "api_getWebhookInfo",
            "api_sendMessage",
            "api_sendDocument",
            "api_editMessageText",
            "api_editMessageReplyMarkup",
            "api_answerCallbackQuery",
            "api_answerInlineQuery",
            "api_sendChatAction",
            "api_setMyCommands",
            "api_deleteMyCommands",
            "api_getMyCommands",
            "api_setMyDescription",
            "api_setMyShortDescription",
            "api_getMyDescription",
            "api_getMyShortDescription",
        )
    }
    return names.get(method.lower(), method)


class _Handler(BaseHTTPRequestHandler):
    api: BotApiServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _params(self) -> JSON:
        url = urllib.parse.urlsplit(self.path)
        params: JSON = {
            k: v[-1] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()
        }
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if not body:
            return params
        if ctype == "application/json":
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ApiError("JSON body must be an Object")
            params.update(data)
        elif ctype == "application/x-www-form-urlencoded":
            params.update(
                {
                    k: v[-1]
                    for k, v in urllib.parse.parse_qs(
                        body.decode("utf-8"), keep_blank_values=True
                    ).items()
                }
            )
        elif ctype == "multipart/form-data":
            head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
            message = BytesParser(policy=HTTP).parsebytes(head + body)
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                if name and not part.get_filename():
                    params[str(name)] = payload.decode("utf-8")
                elif name:  # an uploaded file
                    params[str(name)] = Upload(
                        str(part.get_filename()), payload, part.get_content_type()
                    )
        else:
            raise ApiError("unsupported Content-Type")
        return params

    def _drop(self) -> None:
        """Close the connection without an answer (the client sees it closed)."""
        self.close_connection = True

    def _call(self, method: str) -> tuple[int, JSON] | None:
        """Run ``method`` unless an injected fault refuses it; None: drop the connection."""
        params = self._params()
        fault = self.api.take_fault(method)
        if fault is not None and fault.kind in ("retry_after", "error", "drop"):
            self.api.refuse(method, params, fault)
            if fault.kind == "drop":
                self._drop()
                return None
            return fault.response()
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
        result = self.api.handle(method, params)
        if fault is not None and fault.kind == "drop_after":
            self._drop()
            return None
        return 200, {"ok": True, "result": result}

    def _serve(self) -> None:
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", urllib.parse.urlsplit(self.path).path)
        status, payload = 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        try:
            if match is None:
                pass
            elif match.group(1) != self.api.token:
                status, payload = (
                    401,
                    {"ok": False, "error_code": 401, "description": "Unauthorized"},
                )
            else:
                answer = self._call(match.group(2))
                if answer is None:  # the connection is dropped: no answer at all
                    return
                status, payload = answer
        except ApiError as exc:
            status, payload = (
                exc.code,
                {"ok": False, "error_code": exc.code, "description": exc.description},
            )
        except ValueError as exc:
            status, payload = (
                400,
                {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"},
            )
        body = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
